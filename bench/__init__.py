"""Benchmarks: retrieval quality on the labelled set, throughput, latency, start-up.

Run all with ``make bench`` (``python -m bench.run_all``); figures go to
``bench/results/latest.json`` and the README table.
"""

"""Benchmarks: retrieval and answer quality on labelled sets, speed, faults, real libraries.

Run all with ``make bench`` (``python -m bench.run_all``); which ones, in what
order and with what options is ``bench/suite.py`` (adding one is a line there).
Figures go to ``bench/results/latest.json``; ``python -m bench.table`` renders
the README table from them.
"""

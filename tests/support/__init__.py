"""Helpers shared by the tests and the benchmarks: the one place they import helpers from.

A test module never imports another test module (or a ``conftest``): what two
of them need lives here, and so does what a benchmark borrows from the tests
(``bench/faults.py`` drives the same scripted model server and judges error
messages by the same rule). Test doubles such as the loopback model server
live here rather than in ``src/``: the product ships no fakes, and ``bench/``
depends on ``tests/support``, never the other way round.
``tests/test_support_layout.py`` checks these rules.
"""

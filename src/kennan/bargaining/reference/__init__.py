"""Plain-Python, one-draw transcriptions of the iterative models, kept for tests and
benchmarks: ``eum`` of :mod:`kennan.bargaining.models.eum`, ``smp`` of
:mod:`kennan.bargaining.models.smp`. The tests hold the batched models to them and
``bench/`` times the batched models against them; no production code imports them.
"""

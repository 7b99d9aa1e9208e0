"""Bargaining models, one module per model, each behind the signature of
:class:`kennan.bargaining.base.BargainingModel`.

``compromise``, ``median``, ``nash``, ``eum`` (expected utility) and ``smp`` (KTAB's
spatial model of politics; one turn's kernels in ``smp_turn`` and ``smp_challenge``);
``procedural`` holds the council procedure models that the DEU evaluation compares.
"""

"""The engine: a checked scenario compiled to flat specifications, simulated period by
period over arrays of draws.

``model.build_model`` lays a loaded scenario out for the loop; ``simulate.simulate``
runs a block of draws of every course (the period order is in its docstring) through
``stages`` (events, policies, dynamics, outcomes, metrics), ``decisions`` (logit
choices and bargaining among factions), ``evaluator`` (compiled expressions),
``streams`` (counter-based random numbers), ``accrual`` (metrics after an outcome),
``dependence`` (correlated judgments), ``hypotheses`` (competing readings, pooled) and
``evidence`` (observations: likelihood weighting) and ``ablation`` (mechanisms
switched off). ``exact`` sums floats exactly so
results do not depend on chunking.

Nothing is imported here: import what you need from its module.
"""

__all__ = ["ablation", "accrual", "decisions", "dependence", "evaluator", "evidence", "exact",
           "hypotheses", "model", "simulate", "stages", "streams"]

"""Compiled kernels (numba) for the engine's fixed, scenario-independent work.

Each kernel fuses element-wise passes that the NumPy code would make one array at a
time (a period's metric accrual, a decision's choice over options), looping once over
the draws. They are generic: nothing in them knows a scenario, so they compile once per
machine and load from numba's cache afterwards. Each performs, per element, the same
IEEE operations in the same order as the NumPy code it replaces (no fast-math), so
results do not depend on the chunk size, the number of workers or the backend.
"""

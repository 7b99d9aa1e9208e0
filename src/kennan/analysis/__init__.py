"""Turn results into answers: compare courses, rank judgments, find where the answer flips.

``compare`` pairs courses draw by draw (common random numbers); ``sensitivity``
runs Sobol' and Morris designs through the engine; ``voi`` values perfect
information about each judgment; ``discovery`` finds the boxes of judgment
space where one course beats another (PRIM, and a decision tree).
"""

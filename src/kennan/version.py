"""The version of kennan, in a module of its own that imports nothing.

Run folders record it in their manifest (:mod:`kennan.experiments.store`) and the report
prints it; importing it from here rather than from the package root keeps the root free
of any import from the layers below it. pyproject.toml states the same number.
"""

__version__ = "0.1.0"

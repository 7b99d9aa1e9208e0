"""Scenario files: the language's schema, loading with positions, and semantic checks.

``loading.load_scenario`` reads a built-in name or a YAML path (through
``yamlsource``, a safe loader that keeps every value's line and column), validates
its shape against ``schema`` (pydantic) and its meaning with ``checks`` (references,
expressions compiled by :mod:`kennan.compiler` in ``compiling``, citations, judgments
and their ``vocabularies``, ``dependence`` between judgments, ``hypotheses``), and
``lint`` warns of what nothing reads. ``observations`` reads observations files for
updating; ``summary`` lays judgments out for tables.

Nothing is imported here, so that importing a small module of this package (such as
``defaults``) stays cheap: import what you need from its module.
"""

__all__ = ["checks", "compiling", "defaults", "dependence", "distributions", "hedges",
           "hypotheses", "judgments", "lint", "loading", "observations", "schema",
           "sourcepaths", "summary", "vocabularies", "yamlsource"]

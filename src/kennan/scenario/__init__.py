"""Scenario files: the language's schema, loading with positions, and semantic checks.

It flows one way. ``loading.load_scenario`` reads a built-in name or a YAML path
(through ``yamlsource``, a safe loader that keeps every value's line and column),
validates its shape against ``schema`` (pydantic; ``schema_errors`` turns pydantic's
errors into located problems) and its meaning with ``checks``: references,
expressions compiled by :mod:`kennan.compiler` in ``expressions``, citations,
judgments and their ``vocabularies``, ``dependence`` between judgments, and the
``hypotheses`` (each a variant checked as a scenario of its own); ``lint`` warns of
what nothing reads. What comes out, a ``LoadedScenario`` with its ``CheckedScenario``,
is plain data in ``loaded``, below every module that makes or reads it.
``observations`` reads observations files for updating; ``summary`` lays judgments
out for tables.

Nothing is imported here, so that importing a small module of this package (such as
``defaults``) stays cheap: import what you need from its module.
"""

__all__ = ["checks", "defaults", "dependence", "distributions", "expressions", "hedges",
           "hypotheses", "judgments", "lint", "loaded", "loading", "observations", "schema",
           "schema_errors", "sourcepaths", "summary", "vocabularies", "yamlsource"]

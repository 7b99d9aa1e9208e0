"""kennan: turn an appreciation of a strategic situation into an explicit model.

The pipeline runs left to right: ``read`` a source document, write a ``scenario``,
``compiler`` turns its expressions into NumPy kernels, the ``engine`` simulates
courses of action by Monte Carlo, ``bargaining`` settles collective positions,
``experiments`` runs designs at scale, ``analysis`` and ``report`` say what it means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kennan.version import __version__

__all__ = ["__version__", "run"]

if TYPE_CHECKING:  # pragma: no cover
    from kennan.experiments.results import Results


def run(scenario: Any, **options: Any) -> Results:
    """Simulate every course of action of ``scenario`` (a name, a path or a loaded scenario).

    Keyword options are those of :func:`kennan.experiments.runner.run`.
    """
    # Imported here so that ``import kennan`` stays light (no NumPy kernels at import time).
    from kennan.experiments.runner import run as _run

    return _run(scenario, **options)

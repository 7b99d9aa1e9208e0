"""What loading and checking a scenario produce: plain data, no behaviour.

:class:`LoadedScenario` is a validated scenario with the document it was read from;
its ``checked`` is the :class:`CheckedScenario` that semantic checking built
(:mod:`kennan.scenario.checks`): compiled expressions, judgment distributions,
source documents, each hypothesis as a :class:`Variant`, and the
:class:`ScenarioWarning` list of :mod:`kennan.scenario.lint`. These types sit below
every module that makes or reads them, so loading, checking, hypotheses and lint
import them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kennan.compiler import Expression, Namespace
from kennan.errors import Problem
from kennan.scenario.schema import Scenario
from kennan.scenario.yamlsource import PathKey, YamlDocument

if TYPE_CHECKING:
    from kennan.read import Document
    from kennan.scenario.distributions import Distribution

__all__ = ["CheckedScenario", "LoadedScenario", "ScenarioWarning", "Variant", "WarningKind"]


@dataclass
class LoadedScenario:
    """A validated scenario with what it was read from.

    ``model`` is the pydantic tree; ``doc`` keeps the position of every value;
    ``checked`` holds what semantic checking built (compiled expressions,
    judgment distributions, source documents), reused by the engine.
    """

    model: Scenario
    doc: YamlDocument
    origin: str
    checked: CheckedScenario | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self.model.id

    @property
    def base_dir(self) -> Path:
        """The folder that relative source paths are resolved against."""
        return Path(self.doc.file).parent


@dataclass
class CheckedScenario:
    """What checking built: compiled expressions by path, distributions, documents."""

    expressions: dict[PathKey, Expression] = field(default_factory=dict)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    derived_order: list[str] = field(default_factory=list)
    namespace: Namespace | None = None
    #: Each hypothesis as a checked scenario of its own (:mod:`kennan.scenario.hypotheses`).
    hypotheses: dict[str, Variant] = field(default_factory=dict)
    #: What runs but is probably not what was meant (:mod:`kennan.scenario.lint`).
    warnings: list[ScenarioWarning] = field(default_factory=list)


@dataclass(frozen=True)
class Variant:
    """One hypothesis as a checked scenario of its own."""

    id: str
    label: str
    weight: str  # the judgment id of its prior weight
    loaded: LoadedScenario


WarningKind = Literal["number", "unread"]


@dataclass(frozen=True)
class ScenarioWarning:
    """One warning: its kind (a key of :data:`kennan.scenario.lint.KINDS`) and the
    located problem."""

    kind: WarningKind
    problem: Problem

    def __str__(self) -> str:
        return str(self.problem)

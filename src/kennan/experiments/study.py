"""A scenario loaded and compiled once per command, with where its simulations run.

Every analysis (sensitivity, discovery, ablation, decomposition, signposts, the
report) simulates through the experiment runner: :func:`.runner.run` for draws of
the scenario, :func:`.runner.run_design` for designed experiments. A
:class:`Study` is what they share within one command: the loaded scenario, the
model compiled for its courses, the executor the chunks run on (this process, a
process pool, Dask), the chunk size and the progress callback. Analyses that need
fewer courses take a selection of the compiled model
(:func:`~kennan.engine.model.select_courses`),
never a second compilation.

Analysis modules read the scenario's facts through a study (its catalog of
outcomes and metrics, its judgments, its mechanisms) and so do not import the
engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kennan.arguments import whole
from kennan.defaults import CHUNK_SIZE
from kennan.engine.ablation import check_mechanism, mechanisms
from kennan.engine.model import Model, build_model, select_courses
from kennan.errors import UsageError
from kennan.experiments import designs, limits
from kennan.experiments.catalog import Catalog
from kennan.experiments.chunks import file_hash
from kennan.experiments.executors import Executor
from kennan.scenario.loaded import LoadedScenario
from kennan.scenario.loading import load_scenario, resolve_scenario_path

Progress = Callable[[int], Any]


@dataclasses.dataclass
class Study:
    """One scenario, compiled once, and the settings its simulations run with."""

    loaded: LoadedScenario
    model: Model
    #: The scenario's file (absolute) and the sha256 of its bytes; None when the
    #: scenario was not read from a file (it then runs only in this process).
    path: Path | None
    digest: str | None
    executor: Executor = dataclasses.field(default_factory=Executor)
    chunk_size: int = CHUNK_SIZE
    progress: Progress | None = None

    @classmethod
    def open(cls, scenario: str | Path | LoadedScenario | Study, *,
             courses: Sequence[str] | None = None, executor: Executor | None = None,
             chunk_size: int | None = None, progress: Progress | None = None) -> Study:
        """Load and compile ``scenario`` (a name, a file, a loaded scenario), or reuse a
        study (with ``executor``, ``chunk_size`` and ``progress`` replaced when given)."""
        if chunk_size is not None:
            chunk_size = whole("chunk_size", chunk_size, least=1)
        if isinstance(scenario, Study):
            study = scenario
            if courses is not None:
                study = dataclasses.replace(study, model=select_courses(study.model, courses))
            changes = {k: v for k, v in (("executor", executor), ("chunk_size", chunk_size),
                                         ("progress", progress)) if v is not None}
            return dataclasses.replace(study, **changes) if changes else study
        loaded, path, digest = scenario_source(scenario)
        model = build_model(loaded, limits.course_ids(courses))
        return cls(loaded, model, path, digest, executor or Executor(),
                   chunk_size or CHUNK_SIZE, progress)

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self.loaded.id

    @property
    def catalog(self) -> Catalog:
        """The outcomes and metrics a quantity can name."""
        return Catalog.of_model(self.model)

    @property
    def course_ids(self) -> list[str]:
        """The compiled courses, in order."""
        return self.model.course_ids

    @property
    def question(self) -> Any:
        """The scenario's ``question`` (outcome, within, risk, text), or None."""
        return self.model.scenario.question

    def check_courses(self, *courses: str) -> None:
        """Refuse a course the study did not compile, naming the valid ones."""
        unknown = [c for c in courses if c not in self.course_ids]
        if unknown:
            raise UsageError(f"unknown course(s) of action {', '.join(map(repr, unknown))}; "
                             f"valid: {', '.join(self.course_ids)}")

    def judgments(self, chosen: Sequence[str] | None = None) -> list[str]:
        """The uncertain judgments to vary: ``chosen`` checked, or all of them."""
        return designs.check_judgments(self.model, chosen)

    @property
    def judgment_ids(self) -> list[str]:
        """Every judgment, in the model's order (constants included)."""
        return [jid for jid, _ in self.model.judgments]

    def factor_groups(self, names: Sequence[str]) -> list[str] | None:
        """The factor of each judgment of ``names`` (see :func:`.designs.factor_groups`)."""
        return designs.factor_groups(self.model, names)

    def check_design_size(self, *, rows: int, columns: int, what: str, option: str) -> None:
        """Refuse a design too large for this machine (:func:`.limits.check_design_size`)."""
        limits.check_design_size(self.model, rows=rows, columns=columns, what=what,
                                 option=option)

    def mechanisms(self) -> list[tuple[str, str]]:
        """(id, kind) of every mechanism that can be switched off."""
        return mechanisms(self.model)

    def check_mechanism(self, mechanism: str) -> str:
        """The kind of ``mechanism``, or a UsageError naming the valid ones."""
        return check_mechanism(self.model, mechanism)

    def course_model(self, courses: Sequence[str] | None) -> Model:
        """The compiled model for ``courses`` (all of the study's when None)."""
        return self.model if courses is None else select_courses(self.model, courses)


def scenario_source(scenario: str | Path | LoadedScenario
                    ) -> tuple[LoadedScenario, Path | None, str | None]:
    """The loaded scenario, its file (absolute) and the sha256 of the file's bytes."""
    if isinstance(scenario, LoadedScenario):
        path = Path(scenario.doc.file)
        if not path.is_file():
            return scenario, None, None
        return scenario, path.resolve(), file_hash(path)
    path = resolve_scenario_path(scenario)
    return load_scenario(path), path.resolve(), file_hash(path)

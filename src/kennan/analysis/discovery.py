"""Where the answer flips: scenario discovery over the judgments.

The target is the set of draws in which one course does better than another.
:mod:`kennan.analysis.prim` finds boxes of judgment space rich in such draws,
with coverage and density measured on held-out draws; a shallow scikit-learn
decision tree, grown on one half and measured on the other, gives a second view
as rules of the same form.

Two sources of draws: a run's own draws (:func:`discover`), where each draw is
one judgment vector and one roll of the events; or a designed experiment
(:func:`discover_design`): a Latin hypercube over the judgments, each point run
``replicates`` times with different event rolls and averaged, so that "better"
compares each course's estimated *probability* at that point rather than one
roll of the dice. For an outcome (a yes/no per draw) the designed experiment is
the one that finds judgment-driven flips; a single roll is mostly chance. The design
runs through the experiment runner (:func:`kennan.experiments.runner.run_design`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from kennan import defaults
from kennan.analysis.prim import Box, clears, measure_box, prim_boxes
from kennan.analysis.quantity import Quantity, quantity_of
from kennan.analysis.voi import uncertain_judgments
from kennan.arguments import whole
from kennan.errors import UsageError
from kennan.experiments import designs, limits
from kennan.experiments.executors import Executor
from kennan.experiments.results import DrawArrays, Results
from kennan.experiments.runner import run_design
from kennan.experiments.study import Study
from kennan.scenario.loaded import LoadedScenario

Scenario = str | LoadedScenario | Study


@dataclass(frozen=True)
class Discovery:
    """Boxes where ``better`` beats ``than`` on ``quantity``, by PRIM and by a tree.

    ``points`` judgment vectors were examined, in ``hits`` of which ``better`` did
    better; ``source`` says whether they were a run's draws or a designed experiment."""

    better: str
    than: str
    quantity: Quantity
    points: int
    hits: int
    source: str
    boxes: list[Box]
    tree: list[Box]

    @property
    def base_rate(self) -> float:
        """Share of all points in which ``better`` beats ``than``."""
        return self.hits / self.points if self.points else float("nan")

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        def box(b: Box) -> dict[str, Any]:
            return {"rule": b.rule(), "coverage": b.coverage, "density": b.density,
                    "mass": b.mass,
                    "limits": {k: [_json_num(lo), _json_num(hi)] for k, (lo, hi) in
                               b.limits.items()}}
        return {"better": self.better, "than": self.than, "quantity": self.quantity.describe(),
                "points": self.points, "hits": self.hits, "base_rate": self.base_rate,
                "source": self.source, "prim": [box(b) for b in self.boxes],
                "tree": [box(b) for b in self.tree]}


def find_flips(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, better: str, than: str,
               quantity: Quantity, source: str, alpha: float = 0.05, min_mass: float = 0.05,
               min_coverage: float = 0.3, max_boxes: int = 3, tree_depth: int = 3,
               min_z: float = 2.0, seed: int = 0) -> Discovery:
    """PRIM boxes and tree rules for hits ``y`` over judgment values ``x`` (points, D)."""
    y = np.asarray(y, dtype=bool)
    boxes: list[Box] = []
    tree: list[Box] = []
    if 0 < y.sum() < y.size and len(names):
        boxes = prim_boxes(x, y, names, alpha=alpha, min_mass=min_mass,
                           min_coverage=min_coverage, max_boxes=max_boxes, min_z=min_z,
                           seed=seed)
        tree = tree_rules(x, y, names, depth=tree_depth, min_z=min_z, seed=seed)
    return Discovery(better, than, quantity, int(y.size), int(y.sum()), source, boxes, tree)


def discover(results: Results, *, better: str, than: str, quantity: Quantity | None = None,
             judgments: Sequence[str] | None = None, draws: DrawArrays | None = None,
             **options: Any) -> Discovery:
    """The judgment boxes where course ``better`` does better than ``than``, draw by draw,
    over a run's kept draws. ``options`` are those of :func:`find_flips`."""
    if better == than:
        raise UsageError(f"compare '{better}' with a different course, not itself")
    a, b = results.check_course(better), results.check_course(than)
    q = quantity or quantity_of(results.catalog)
    d = draws or results.per_draw()
    s = q.scores(d)
    names = uncertain_judgments(d, judgments)
    x = np.column_stack([d.judgments[n] for n in names]) if names else np.empty((d.count, 0))
    return find_flips(x, s[a] > s[b], names, better=better, than=than, quantity=q,
                      source=f"{d.count:,} draws of the run, one roll of events each",
                      **options)


def discover_design(scenario: Scenario, *, better: str, than: str, outcome: str | None = None,
                    metric: str | None = None, within: int | None = None,
                    lower_is_better: bool = False, judgments: Sequence[str] | None = None,
                    points: int = defaults.DISCOVERY_POINTS,
                    replicates: int = defaults.DISCOVERY_REPLICATES, seed: int = defaults.SEED,
                    chunk_size: int | None = None, executor: Executor | None = None,
                    progress: Callable[[int], Any] | None = None,
                    **options: Any) -> Discovery:
    """The judgment boxes where ``better``'s estimated value beats ``than``'s, over a Latin
    hypercube of ``points`` judgment vectors each run ``replicates`` times (different
    event rolls, the same for both courses) and averaged. Costs ``points * replicates``
    draws of the two courses, run in chunks of ``chunk_size`` on ``executor``.
    ``options`` are those of :func:`find_flips`."""
    return discover_both(scenario, better=better, than=than, outcome=outcome, metric=metric,
                         within=within, lower_is_better=lower_is_better, judgments=judgments,
                         points=points, replicates=replicates, seed=seed,
                         chunk_size=chunk_size, executor=executor, progress=progress,
                         both=False, **options)[0]


def discover_both(scenario: Scenario, *, better: str, than: str, outcome: str | None = None,
                  metric: str | None = None, within: int | None = None,
                  lower_is_better: bool = False, judgments: Sequence[str] | None = None,
                  points: int = defaults.DISCOVERY_POINTS,
                  replicates: int = defaults.DISCOVERY_REPLICATES, seed: int = defaults.SEED,
                  chunk_size: int | None = None, executor: Executor | None = None,
                  progress: Callable[[int], Any] | None = None, both: bool = True,
                  **options: Any) -> list[Discovery]:
    """:func:`discover_design` of ``better`` over ``than`` and (with ``both``) of ``than``
    over ``better``, from one evaluation of the design (the report shows both ways)."""
    if better == than:
        raise UsageError(f"compare '{better}' with a different course, not itself")
    points = whole("points", points, least=20)
    replicates = whole("replicates", replicates, least=1)
    seed = whole("seed", seed, least=0, most=limits.MAX_SEED)
    study = Study.open(scenario, executor=executor, chunk_size=chunk_size, progress=progress)
    study.check_courses(better, than)
    q = quantity_of(study.catalog, outcome=outcome, metric=metric, within=within,
                    lower_is_better=lower_is_better)
    names = study.judgments(judgments)
    study.check_design_size(rows=points * replicates, columns=len(study.judgment_ids),
                            what=f"discovery over {points:,} points x {replicates:,} "
                                 "replicates", option="--points or --replicates")
    u = designs.latin_hypercube(names, count=points, seed=seed)
    out = run_design(study, count=points * replicates, seed=seed, courses=[better, than],
                     names=names, sample=np.repeat(u, replicates, axis=0),
                     extract=ScoresAndJudgments(q, tuple(names)))
    means = out["scores"].reshape(2, points, replicates).mean(axis=2)
    # The values the engine drew (correlations, orders and the hypothesis followed
    # included): the same for every replicate of a point.
    x = out["judgments"][:, ::replicates].T
    source = (f"Latin hypercube of {points:,} judgment points, each run {replicates} times "
              "and averaged")
    found = [find_flips(x, means[0] > means[1], names, better=better, than=than, quantity=q,
                        source=source, seed=seed, **options)]
    if both:
        found.append(find_flips(x, means[1] > means[0], names, better=than, than=better,
                                quantity=q, source=source, seed=seed, **options))
    return found


@dataclass(frozen=True)
class ScoresAndJudgments:
    """What discovery keeps of each chunk: the quantity's scores ``(courses, rows)`` and
    the values of the judgments ``names`` ``(judgments, rows)``."""

    quantity: Quantity
    names: tuple[str, ...]

    def __call__(self, chunk: Any) -> dict[str, np.ndarray]:
        """The two arrays of one chunk."""
        values = [np.asarray(chunk.judgments[n], dtype=np.float64) for n in self.names]
        return {"scores": self.quantity.scores(chunk),
                "judgments": np.stack(values) if values else np.empty((0, chunk.count))}


def tree_rules(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, depth: int = 3,
               min_leaf: float = 0.02, min_z: float = 2.0, seed: int = 0) -> list[Box]:
    """Leaves of a depth-``depth`` decision tree grown on a random half of the draws whose
    held-out density of hits clearly beats the overall share, densest first, as boxes."""
    y = np.asarray(y, dtype=bool)
    n = y.size
    train = np.zeros(n, dtype=bool)
    train[np.random.default_rng(seed).permutation(n)[: n // 2]] = True
    test = ~train
    model = DecisionTreeClassifier(max_depth=depth,
                                   min_samples_leaf=max(5, int(min_leaf * train.sum())),
                                   random_state=0).fit(x[train], y[train])
    t = model.tree_
    leaf_of = model.apply(x)
    base = y[test].mean()
    out = []

    def walk(node: int, lo: np.ndarray, hi: np.ndarray) -> None:
        if t.children_left[node] == -1:
            inside = test & (leaf_of == node)
            if clears(y[inside], base, min_z):
                out.append(measure_box(x, y, names, lo, hi, inside, test))
            return
        f, thr = t.feature[node], t.threshold[node]
        left_hi, right_lo = hi.copy(), lo.copy()
        left_hi[f] = min(hi[f], thr)
        right_lo[f] = max(lo[f], thr)
        walk(t.children_left[node], lo, left_hi)
        walk(t.children_right[node], right_lo, hi)

    d = x.shape[1]
    walk(0, np.full(d, -np.inf), np.full(d, np.inf))
    return sorted(out, key=lambda b: -b.density)


def _json_num(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None

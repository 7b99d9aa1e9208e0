"""Competing hypotheses: alternative readings of a scenario, each a set of overrides.

A hypothesis replaces whole judgments, keys of considerations (``weight``, and the
``values`` of the options it names) and keys of factions (``influence``, ``of``).
Each hypothesis is turned into a scenario of its own (a *variant*) by applying its
overrides to the file's data; the variant is checked like any scenario, with the
positions of the overridden values pointing at the hypothesis in the file, so a
problem inside an override is reported where it was written. The engine runs every
variant on the same draws (common random numbers) and pools them by the prior
weights (see :mod:`kennan.engine.hypotheses`).

A weight is the id of a judgment whose values lie in [0, 1]; the weights must be
able to sum to 1 (the lowest values together at most 1, the highest at least 1).
In each draw the weights drawn are divided by their sum, so they do sum to 1.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from kennan.errors import ScenarioError, did_you_mean
from kennan.scenario.distributions import fmt
from kennan.scenario.loaded import CheckedScenario, LoadedScenario
from kennan.scenario.schema import SINGULAR, Scenario
from kennan.scenario.schema_errors import translate_errors
from kennan.scenario.yamlsource import PathKey, YamlDocument

#: The name of the per-draw factor that says which hypothesis a pooled draw follows.
HYPOTHESIS_FACTOR = "hypothesis"

#: What a hypothesis may override: (scenario list, keys that may be overridden).
OVERRIDABLE = {"judgments": None, "considerations": ("weight", "values"),
               "actors": ("influence", "of")}


def check_hypotheses(loaded: LoadedScenario, out: CheckedScenario, ids: dict[str, str],
                     at: Any) -> list[int]:
    """Check the hypotheses of ``loaded``: references (the weight's judgment, the ids
    overridden) and the weights' ranges, each problem reported through ``at``.

    Returns the indices of the hypotheses whose references hold, whose variants
    (:func:`variant`) can be checked as scenarios (by :mod:`kennan.scenario.checks`);
    none when there are fewer than two hypotheses.
    """
    s = loaded.model
    if not s.hypotheses:
        return []
    if len(s.hypotheses) < 2:
        at(("hypotheses",), "hypotheses: expected at least two competing readings (one of "
                            "them may override nothing: the scenario as written)", key=True)
    judgments = {j.id for j in s.judgments}
    weights = {h.weight for h in s.hypotheses}
    kinds = {a.id: a.kind for a in s.actors}
    if HYPOTHESIS_FACTOR in judgments:
        i = next(k for k, j in enumerate(s.judgments) if j.id == HYPOTHESIS_FACTOR)
        at(("judgments", i, "id"), f"judgment id '{HYPOTHESIS_FACTOR}' is reserved in a "
                                   "scenario with hypotheses: it names which hypothesis a "
                                   "draw follows; choose another id")
    seen: dict[str, int] = {}
    sound: list[int] = []
    for h, hyp in enumerate(s.hypotheses):
        ok = True
        if hyp.id in seen:
            at(("hypotheses", h, "id"), f"duplicate hypothesis id '{hyp.id}' (line "
                                        f"{at.line(('hypotheses', seen[hyp.id], 'id'))})")
        elif ids.get(hyp.id) is not None:
            what = SINGULAR.get(ids[hyp.id], ids[hyp.id])
            at(("hypotheses", h, "id"), f"hypothesis id '{hyp.id}' is already the id of a "
                                        f"{what}; ids must be unique")
        seen.setdefault(hyp.id, h)
        if hyp.weight not in judgments:
            at(("hypotheses", h, "weight"),
               f"hypothesis '{hyp.id}': unknown judgment '{hyp.weight}' as weight"
               f"{did_you_mean(hyp.weight, judgments)}; expected the id of a judgment (the "
               "reading's prior probability)")
            ok = False
        for kind in OVERRIDABLE:
            pool = {item.id for item in getattr(s, kind)}
            named: set[str] = set()
            for k, item in enumerate(getattr(hyp, kind)):
                path = ("hypotheses", h, kind, k, "id")
                if item.id not in pool:
                    at(path, f"hypothesis '{hyp.id}' overrides unknown {SINGULAR[kind]} "
                             f"'{item.id}'{did_you_mean(item.id, pool)}; expected the id of one of "
                             f"the scenario's {kind} (a new one goes in that list)")
                    ok = False
                elif kind == "actors" and kinds.get(item.id) != "faction":
                    at(path, f"hypothesis '{hyp.id}' overrides actor '{item.id}', a "
                             f"{kinds[item.id]}; expected a faction (its influence or the "
                             "state it is of)")
                    ok = False
                elif item.id in named:
                    at(path, f"hypothesis '{hyp.id}' overrides {SINGULAR[kind]} "
                             f"'{item.id}' twice")
                    ok = False
                elif kind == "judgments" and item.id in weights:
                    at(path, f"hypothesis '{hyp.id}' overrides judgment '{item.id}', the prior "
                             "weight of a hypothesis; the weights are judged before any "
                             "hypothesis holds")
                    ok = False
                named.add(item.id)
        if ok:
            sound.append(h)
    _check_weights(s, out, at)
    return sound if len(s.hypotheses) >= 2 else []


def _check_weights(s: Any, out: CheckedScenario, at: Any) -> None:
    """Each weight a probability; together able to sum to 1."""
    lows, highs, all_known = 0.0, 0.0, True
    for h, hyp in enumerate(s.hypotheses):
        dist = out.distributions.get(hyp.weight)
        if dist is None:
            all_known = False
            continue
        low, high = dist.bounds
        if low < 0.0 or high > 1.0:
            at(("hypotheses", h, "weight"),
               f"hypothesis '{hyp.id}': a prior weight is a probability in [0, 1], but "
               f"judgment '{hyp.weight}' ({dist.describe()}) ranges over "
               f"[{fmt(low)}, {fmt(high)}]", text=True)
            all_known = False
        lows += low
        highs += high
    if all_known and len(s.hypotheses) >= 2 and not lows <= 1.0 + 1e-9 <= highs + 2e-9:
        detail = (f"they are at least {fmt(lows)} together" if lows > 1.0
                  else f"they are at most {fmt(highs)} together")
        at(("hypotheses",), f"hypothesis weights cannot sum to 1: {detail}; expected prior "
                            "probabilities of competing readings, which sum to 1", key=True)


def variant(loaded: LoadedScenario, h: int) -> LoadedScenario:
    """The scenario as hypothesis ``h`` reads it, its shape validated but not yet its
    meaning (``checked`` is None); raises :class:`ScenarioError`."""
    data, moves = _overridden(loaded.doc.data, h)
    doc = _moved(loaded.doc, data, moves)
    try:
        model = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(translate_errors(exc, doc)) from None
    return LoadedScenario(model=model, doc=doc, origin=loaded.origin)


def _overridden(data: dict, h: int) -> tuple[dict, list[tuple[PathKey, PathKey]]]:
    """The file's data with hypothesis ``h``'s overrides applied, and (target, source) of
    every value moved."""
    hyp = data["hypotheses"][h]
    out = {k: v for k, v in data.items() if k != "hypotheses"}
    moves: list[tuple[PathKey, PathKey]] = []
    for kind, keys in OVERRIDABLE.items():
        items = hyp.get(kind) or []
        if not items:
            continue
        out[kind] = entities = copy.deepcopy(data[kind])
        index = {e["id"]: i for i, e in enumerate(entities)}
        for k, item in enumerate(items):
            i = index[item["id"]]
            source: PathKey = ("hypotheses", h, kind, k)
            if keys is None:
                entities[i] = copy.deepcopy(item)
                moves.append(((kind, i), source))
                continue
            for key, value in item.items():
                if key == "id":
                    continue
                if isinstance(value, dict):
                    target_map = entities[i].setdefault(key, {})
                    for name, v in value.items():
                        target_map[name] = v
                        moves.append(((kind, i, key, name), (*source, key, name)))
                else:
                    entities[i][key] = value
                    moves.append(((kind, i, key), (*source, key)))
    return out, moves


def _moved(doc: YamlDocument, data: dict, moves: list[tuple[PathKey, PathKey]]
           ) -> YamlDocument:
    """``doc`` for ``data``: each moved value's positions are those of its source."""

    def table(old: dict) -> dict:
        new = dict(old)
        for target, source in moves:
            for path in [p for p in new if p[:len(target)] == target]:
                del new[path]
            n = len(source)
            for path, where in old.items():
                if path[:n] == source:
                    new[(*target, *path[n:])] = where
        return new

    return YamlDocument(doc.file, data, table(doc.positions), table(doc.key_positions),
                        table(doc.spans), doc.lines)

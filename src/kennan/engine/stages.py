"""The stages of one period (see :mod:`kennan.engine.simulate` for their order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kennan.engine.decisions import decide
from kennan.engine.evaluator import Evaluator
from kennan.engine.evidence import Evidence, weigh_events
from kennan.engine.masks import Live, full
from kennan.engine.model import EffectSpec, Model, Site, TrackSpec
from kennan.engine.streams import Streams


@dataclass
class State:
    """Mutable arrays of one block: stocks and derived values live in ``ev.env``.

    ``alive`` changes in place (stage 8); ``live`` writes to the draws it holds and
    must be refreshed (``live.refresh()``) once it has changed."""

    alive: np.ndarray  # (courses, draws) bool: not yet absorbed by an outcome
    level: np.ndarray  # (tracks, courses, draws) int: rungs climbed on each track's ladder
    fired: np.ndarray  # (events, courses, draws) bool: fired at least once
    tried: np.ndarray  # (events, courses, draws) bool: a 'once' event's chance was taken
    live: Live = None  # type: ignore[assignment]  # set from alive after construction
    #: Each event's ``(courses, draws)`` probability this period, an array of its own;
    #: those in ``risky`` may hold values other than 0 (the others are 0 everywhere).
    prob: list[np.ndarray] = None  # type: ignore[assignment]
    risky: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.live is None:
            self.live = Live(self.alive)
        if self.prob is None:
            self.prob = [np.zeros(self.fired.shape[1:]) for _ in range(len(self.fired))]

    @classmethod
    def initial(cls, model: Model, ev: Evaluator, shape: tuple[int, int],
                streams: Streams) -> State:
        """The situation at the start, before the first period.

        Stocks take their initial values; derived values and influences follow; then
        every decision is settled on that situation (discrete ones with the uniforms
        of period -1), and derived values and influences are computed again, so the
        first period already sees choice probabilities that a decision has set
        rather than 1/N."""
        with ev.strict():
            return cls._initial(model, ev, shape, streams)

    @classmethod
    def _initial(cls, model: Model, ev: Evaluator, shape: tuple[int, int],
                 streams: Streams) -> State:
        env = ev.env
        for st in model.stocks:
            env[st.id] = _clip(_array(ev(st.initial), shape), st.bounds)
        for d in model.derived:
            env[d.id] = np.zeros(shape)
        tracks = max((len(c.tracks) for c in model.courses), default=1)
        events = (len(model.events), *shape)
        state = cls(alive=np.ones(shape, dtype=bool),
                    level=np.zeros((tracks, *shape), dtype=np.int64),
                    fired=np.zeros(events, dtype=bool), tried=np.zeros(events, dtype=bool))
        for e in model.events:
            env[f"fired:{e.id}"] = np.zeros(shape)  # as float as run_period keeps it
        for tag in model.tags:
            env[f"tagged:{tag}"] = np.zeros(shape)
        # Only the steps' indicators that an expression reads (of the scenario's checked
        # expressions, whence every site of the model comes): the others would be
        # written every period a rung moves and never read.
        read = {x for e in model.loaded.checked.expressions.values()
                for f, x in e.id_refs if f == "active"}
        for step_id in (*(step.id for c in model.courses for step in c.steps),
                        *model.loaded.checked.namespace.id_functions["active"]):
            if step_id in read and f"active:{step_id}" not in env:
                env[f"active:{step_id}"] = np.zeros(shape)
        for dec in model.decisions:
            if dec.options:
                for o in dec.options:
                    env[o] = np.zeros(shape)
                    env[f"prob:{o}"] = np.full(shape, 1.0 / len(dec.options))
            else:
                env[dec.id] = np.full(shape, 50.0)
        _derive(model, ev, state.live, initial=True)
        _influence(model, ev, state.live, initial=True)
        if model.decisions:
            for dec in model.decisions:
                decide(model, ev, dec, state.live, streams, -1)
            # Again only what reads a decision, at first or second hand: the rest would
            # come out the same.
            changed = {key for dec in model.decisions
                       for key in ((*dec.options, *(f"prob:{o}" for o in dec.options))
                                   if dec.options else (dec.id,))}
            _derive(model, ev, state.live, changed=changed)
            _influence(model, ev, state.live, changed=changed)
        return state


def _array(value: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A new C-ordered float64 array of ``shape`` holding ``value`` (broadcast).

    Why not ``np.array(full(...))``: a copy of a row broadcast down the courses keeps
    its strides' order, Fortran's, and every later operation on it then mixes orders
    and walks a course's row with a stride."""
    out = np.empty(shape)
    np.copyto(out, value)
    return out


def _clip(x: np.ndarray, bounds: tuple[float, float] | None) -> np.ndarray:
    if bounds is not None:
        np.clip(x, bounds[0], bounds[1], out=x)
    return x


def run_period(model: Model, ev: Evaluator, sim: State, streams: Streams, t: int,
               forced: dict[int, int | None] | None, evidence: Evidence | None = None,
               log_w: np.ndarray | None = None) -> None:
    """Stages 1-7 of period ``t``; ``evidence`` forces observed events and adds the
    log probability of each forced step to ``log_w`` (see :mod:`kennan.engine.evidence`).

    In the evaluator's strict mode (:meth:`Evaluator.strict`): arithmetic of the stages'
    own that may fault on finite values runs quietly or distrusts the evaluator."""
    with ev.strict():
        _run_period(model, ev, sim, streams, t, forced, evidence, log_w)


def _run_period(model: Model, ev: Evaluator, sim: State, streams: Streams, t: int,
                forced: dict[int, int | None] | None, evidence: Evidence | None,
                log_w: np.ndarray | None) -> None:
    env = ev.env
    shape = ev.shape
    prob, risky = sim.prob, sim.risky
    # 1-2: scheduled events, hazards and triggers.
    written = set()
    for k, e in enumerate(model.events):
        if e.at is not None:
            if e.at == t:
                np.copyto(prob[k], ev(e.probability))  # broadcast
                written.add(k)
        elif e.hazard is not None:
            value = ev(e.hazard)
            _keep(prob, k, value, ev.owned(e.hazard, value))
            written.add(k)
        elif e.when is not None:
            cond = np.asarray(ev(e.when)).astype(bool, copy=False)
            if e.once:  # one chance: the first period the condition holds
                cond = cond & ~sim.tried[k]
                sim.tried[k] |= cond
            value = np.where(cond, ev(e.probability), 0.0)
            _keep(prob, k, value, value.shape == shape)  # new: np.where's own array
            written.add(k)
    # Why kept arrays: only last period's rows that nothing wrote now need zeros.
    for k in risky - written:
        prob[k].fill(0.0)
    risky.clear()
    risky.update(written)
    # 3: the policy of each course on its own row.
    _policy(model, ev, sim, t, prob)
    # 4: events fire against one uniform per event and period, then apply their effects.
    seen = {}
    if evidence is not None:
        with np.errstate(all="ignore"):  # log weights of -inf are meant
            seen = weigh_events(evidence, t, prob, sim.fired, [e.repeat for e in model.events],
                                sim.alive, log_w)
    changed = []
    for k, e in enumerate(model.events):
        if k in seen:
            fire = seen[k]
        elif forced is not None:
            fire = np.full(shape, forced[k] == t) & sim.alive
        elif k not in risky:
            continue  # a probability of 0 everywhere: it cannot fire, nor needs its uniform
        else:
            u = streams(f"event:{e.id}", t)
            fire = np.less(u, prob[k])
            fire &= sim.alive
            if not e.repeat:  # fire and not fired before: fire > fired, without ~fired
                np.greater(fire, sim.fired[k], out=fire)
        if fire.any():
            sim.fired[k] |= fire
            _apply(model, ev, e.effects, fire, env)
            changed.append(k)
    # Why only the events that fired: the others' 0/1 arrays are unchanged.
    for k in changed:
        np.copyto(env[f"fired:{model.events[k].id}"], sim.fired[k])
    # 5: dynamics, simultaneous.
    nxt = {st.id: ev(st.update) for st in model.stocks if st.update is not None}
    for st in model.stocks:
        if st.id in nxt:
            sim.live.put(env, st.id, nxt[st.id], ev.owned(st.update, nxt[st.id]))
            _clip(env[st.id], st.bounds)
    # 6-7: derived values, influence, decisions.
    _derive(model, ev, sim.live)
    _influence(model, ev, sim.live)
    for dec in model.decisions:
        decide(model, ev, dec, sim.live, streams, t)


def _keep(prob: list[np.ndarray], k: int, value: Any, owned: bool) -> None:
    """``prob[k] = value`` (broadcast): an ``owned`` value (a new float64 array of the
    block's shape that nothing else holds) becomes ``prob[k]`` instead of being copied."""
    if owned and value.dtype == np.float64 and value.flags.c_contiguous:
        prob[k] = value
    else:
        np.copyto(prob[k], value)


def _apply(model: Model, ev: Evaluator, effects: tuple[EffectSpec, ...], mask: np.ndarray,
           env: Mapping[str, Any], row: int | None = None) -> None:
    """Apply ``effects`` where ``mask`` holds (on one course's row when ``row`` is given).

    Why three ways: a masked write costs several plain passes, so a mask that holds
    everywhere writes plainly, one that holds for fewer than half the draws writes only
    those (gathered by index), and one that holds for more writes everywhere and puts
    the other draws' old values back. The values are the same: each changed element is
    computed alike, and clipping only the changed ones is clipping all, since a stock's
    other values are within its bounds already."""
    count = int(np.count_nonzero(mask))
    if not count:
        return
    index = keep = None
    if count * 2 < mask.size:
        index = np.flatnonzero(mask)
    elif count < mask.size:
        keep = np.flatnonzero(~mask)
    for eff in effects:
        value = ev(eff.site, env, course=row)
        target = ev.env[eff.target] if row is None else ev.env[eff.target][row]
        bounds = _bounds(ev)[eff.target]
        if not target.flags.c_contiguous:  # not met in the engine's own arrays
            new = _combine(ev, eff.kind, target, value)
            np.copyto(target, new, where=mask)
            _clip(target, bounds)
            continue
        flat = target.reshape(-1)
        if index is not None:
            new = _combine(ev, eff.kind, flat[index], _at(value, target.shape, index))
            flat[index] = new if bounds is None else np.clip(new, bounds[0], bounds[1])
            continue
        saved = None if keep is None else flat[keep]
        _combine(ev, eff.kind, target, value, out=target)
        _clip(target, bounds)
        if saved is not None:
            flat[keep] = saved


def _bounds(ev: Evaluator) -> dict[str, tuple[float, float] | None]:
    """Each stock's bounds, by id (kept for the block: looked up for every effect)."""
    bounds = ev.memo.get("stock bounds")
    if bounds is None:
        bounds = ev.memo["stock bounds"] = {st.id: st.bounds for st in ev.model.stocks}
    return bounds


def _combine(ev: Evaluator, kind: str, target: np.ndarray, value: Any,
             out: np.ndarray | None = None) -> np.ndarray:
    """An effect's new values of ``target``: ``value`` added, multiplied or set (written
    into ``out`` when given)."""
    if kind == "set":
        if out is None:
            return full(value, target.shape)
        np.copyto(out, value)
        return out
    op = np.add if kind == "add" else np.multiply
    try:
        return op(target, value, out=out)
    except FloatingPointError:  # overflow: the state may now hold infinity
        ev.distrust()
        if out is not None:  # NumPy raises once the result is written: it stands
            return out
        with np.errstate(all="ignore"):
            return op(target, value)


def _at(value: Any, shape: tuple[int, ...], index: np.ndarray) -> Any:
    """``value`` (broadcast to ``shape``) at the flat ``index``; a number stays a number."""
    if np.ndim(value) == 0:
        return value
    if value.shape == shape:
        return value.reshape(-1)[index]
    if len(shape) == 2 and value.shape == shape[1:]:  # a judgment's (draws,) row
        return value[index % shape[1]]
    spread = np.broadcast_to(value, shape)
    return spread[np.unravel_index(index, shape)]


def _policy(model: Model, ev: Evaluator, sim: State, t: int, prob: list[np.ndarray]) -> None:
    env = ev.env
    for c, course, tags, ladder in _plan(ev):
        row = ev.row_env(c)
        alive = sim.alive[c]
        live = sim.live.row(c)
        # Every track moves on the state as the period began, before any step acts (a
        # track's climb reads no level). ``old``: the levels before the move, of the
        # tracks that moved.
        old = {}
        for j, track in enumerate(course.tracks):
            if track.steps:
                level = sim.level[j, c]
                new = _climb(ev, track, row, c, t, level, alive)
                if new is not level:
                    old[j] = level.copy()
                    live.copy(level, new)
        # Ladder indicators first, so this period's effects see the rungs now held. Only
        # this course's tags: no step of it sets the others, which stay 0 on its row.
        # Why only when a track moved: they read nothing but the levels (all 0 at the
        # start, as the indicators), so otherwise they hold their values already.
        held: list[np.ndarray | None] = [None] * len(ladder)
        if old:
            for tag in tags:
                env[tag][c] = 0.0
            for i, (j, k, _, active_key, step_tags) in enumerate(ladder):
                above = held[i] = sim.level[j, c] > k
                if active_key is not None:
                    np.copyto(env[active_key][c], above)  # 1.0 where the rung is held
                for tag in step_tags:  # True counts as 1.0
                    np.maximum(env[tag][c], above, out=env[tag][c])
        for (j, k, step, _, _), above in zip(ladder, held, strict=True):
            if not (step.on_enter or step.effects or step.risks):
                continue
            if above is None:
                above = sim.level[j, c] > k
            active = above & alive
            if step.on_enter and j in old:  # else no rung was entered: old <= k < level
                entered = active & (old[j] <= k)
                if entered.any():
                    _apply(model, ev, step.on_enter, entered, row, row=c)
            if step.effects and active.any():
                _apply(model, ev, step.effects, active, row, row=c)
            for event_k, hazard in step.risks:
                h = np.where(active, ev(hazard, row, course=c), 0.0)
                p = prob[event_k][c]
                # p = 1 - (1 - p) * (1 - h), written into the new arrays and p itself.
                with np.errstate(all="ignore"):  # not state: as it comes
                    q = np.subtract(1.0, p)
                    np.multiply(q, np.subtract(1.0, h, out=h), out=q)
                    np.subtract(1.0, q, out=p)
                sim.risky.add(event_k)


def _plan(ev: Evaluator) -> list[tuple[int, Any, tuple[str, ...], list[tuple[Any, ...]]]]:
    """Each course with steps: its index, itself, the keys of its tags, and each step of
    each track as (track, rung, step, key of its indicator or None when no expression
    reads it, keys of its tags); kept for the block (the same every period)."""
    plan = ev.memo.get("policy plan")
    if plan is None:
        def indicator(step: Any) -> str | None:
            key = f"active:{step.id}"
            return key if key in ev.env else None

        plan = ev.memo["policy plan"] = [
            (c, course, tuple(sorted({f"tagged:{tag}" for st in course.steps for tag in st.tags})),
             [(j, k, step, indicator(step), tuple(f"tagged:{tag}" for tag in step.tags))
              for j, track in enumerate(course.tracks) for k, step in enumerate(track.steps)])
            for c, course in enumerate(ev.model.courses) if course.steps]
    return plan


def _climb(ev: Evaluator, track: TrackSpec, row: Mapping[str, Any], c: int, t: int,
           old: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """The level of one track after this period's climb and step-down on the ``alive``
    draws (``old`` itself, not a copy, when none of them moves; the caller writes the
    live draws' levels only).

    The next rung is climbed on the schedule, or, for a conditional rung, in any
    period its ``when`` holds; ``halt`` stops either, and ``not_before`` holds.
    """
    n_steps = len(track.steps)
    gated, not_before, last = _track_plan(ev, track)
    on_schedule = t >= track.start and (t - track.start) % track.every == 0
    if gated:
        nxt = np.minimum(old, n_steps - 1)
        gates = [np.broadcast_to(ev(st.when, row, course=c), old.shape).astype(bool)
                 if st.when is not None else np.full(old.shape, on_schedule)
                 for st in track.steps]
        can = (old < n_steps) & np.take_along_axis(np.stack(gates), nxt[None, :], 0)[0]
    elif on_schedule:
        can = old < n_steps
    else:
        can = None  # off the schedule: no draw climbs
    if can is not None and track.halt is not None and can.any():
        can &= ~np.asarray(ev(track.halt, row, course=c)).astype(bool, copy=False)
    if can is not None and last > t:
        can &= not_before[np.minimum(old, n_steps - 1)] <= t
    # One rung up where a live draw can climb; ``old`` itself when none moves (the
    # caller then knows that nothing read from the levels changed). Why only the live
    # draws count: a path that ended keeps its level, and a dead draw that could climb
    # would make every period after look like a move.
    if can is not None:
        can &= alive
    new = old if can is None or not can.any() else old + can
    if track.step_down is not None:
        down = np.asarray(ev(track.step_down, row, course=c)).astype(bool, copy=False)
        if (down & alive).any():
            new = np.where(down, np.maximum(old - 1, 0), new)
    return new


def _track_plan(ev: Evaluator, track: TrackSpec) -> tuple[bool, np.ndarray, int]:
    """Whether a step of ``track`` has a condition, each step's ``not_before`` and the
    latest of them; kept for the block."""
    plans = ev.memo.setdefault("track plans", {})
    plan = plans.get(id(track))
    if plan is None:
        not_before = np.array([s.not_before for s in track.steps])
        plan = plans[id(track)] = (any(s.when is not None for s in track.steps), not_before,
                                   int(not_before.max()))
    return plan


def _reads(site: Site) -> set[str]:
    """The environment keys ``site``'s expression reads."""
    return {*site.expr.names, *(f"{f}:{x}" for f, x in site.expr.id_refs)}


def _derive(model: Model, ev: Evaluator, live: Live, *, initial: bool = False,
            changed: set[str] | None = None) -> None:
    """Derived values in dependency order (only those that read a key in ``changed``, at
    first or second hand, when it is given; it gains their ids)."""
    for d in model.derived:
        if changed is not None:
            if not _reads(d.value) & changed:
                continue
            changed.add(d.id)
        value = ev(d.value)
        if initial:
            ev.env[d.id] = _array(value, ev.shape)
        else:
            live.put(ev.env, d.id, value, ev.owned(d.value, value))
        _clip(ev.env[d.id], d.bounds)


def _influence(model: Model, ev: Evaluator, live: Live, *, initial: bool = False,
               changed: set[str] | None = None) -> None:
    """Factions' normalised influences (only of the states whose factions' influence reads
    a key in ``changed``, when it is given).

    Each share is finite, in [0, 1]: a sum that overflows gives shares of 0. Two kernel
    passes per faction (its clipped influence added to the total, then its share) do
    NumPy's operations in its order: ``max(x, 0)``, ``0 + x0 + x1 ...``, ``x / total``."""
    from kennan.engine.kernels import choice as kernels  # numba's import: on first use

    shape = ev.shape
    for members in model.factions.values():
        if changed is not None and not any(_reads(site) & changed for _, site in members):
            continue
        raw = [kernels.grid(ev(site), shape) for _, site in members]
        # The shares' shape: a row shared by the courses unless an influence differs.
        total = np.empty((max(r.shape[0] for r in raw), shape[1]))
        positive = True
        for k, r in enumerate(raw):
            positive = kernels.clipped_sum(r, k == 0, total)
        values = []
        for r in raw:
            values.append(np.empty(total.shape))
            kernels.share(r, total, values[-1])
        if not positive:  # 1 / n where no faction has influence
            values = [np.where(total > 0, v, 1.0 / len(members)) for v in values]
        for (fid, _), value in zip(members, values, strict=True):
            key = f"influence:{fid}"
            if initial:
                ev.env[key] = _array(value, shape)
            else:  # a new array: the environment's when of its shape
                live.put(ev.env, key, value, value.shape == shape)

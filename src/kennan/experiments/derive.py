"""Judgments drawn again from a run folder's scenario and seed, instead of stored.

A draw's judgments are a pure function of the scenario, the root seed and the draw's
global index (:mod:`kennan.engine.streams`), so a run stores none of them: each chunk
file carries, in its key-value metadata, a fingerprint of the chunk's judgment arrays
(``kennan.judgments``: their names and the sha256 of their bytes). The first query
that reads them (:func:`materialise`) draws them again from the scenario file the
manifest names (which must still have the same sha256), checks the fingerprint, so
the values are the engine's bit for bit or an error says why not, and writes
``judgments/chunk-N.parquet`` (a cache: a later query reads it, a resume verifies or
deletes it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from kennan.engine.hypotheses import pooled_judgments
from kennan.engine.model import Model, build_model
from kennan.engine.simulate import judgment_stream_uniforms
from kennan.engine.streams import Streams
from kennan.errors import Location, UsageError
from kennan.experiments.chunkfiles import (
    CHUNK_KEY,
    JUDGMENTS,
    JUDGMENTS_KEY,
    judgments_path,
    judgments_table,
    write_parquet,
)
from kennan.safeio import atomic_write


def fingerprint(judgments: dict[str, np.ndarray]) -> dict[str, Any]:
    """Names and sha256 of a chunk's judgment arrays (dtype, order and bytes)."""
    digest = hashlib.sha256()
    for name, values in judgments.items():
        digest.update(f"{name}\0{values.dtype.str}\0".encode())
        digest.update(np.ascontiguousarray(values).tobytes())
    return {"names": list(judgments), "sha256": digest.hexdigest()}


def draw_judgments(model: Model, *, start: int, count: int, seed: int
                   ) -> dict[str, np.ndarray]:
    """The judgments of draws ``start .. start+count-1`` as :func:`~kennan.engine.simulate.
    simulate` draws them (with hypotheses: each draw's values under the reading it
    follows, and ``hypothesis``, the reading's index)."""
    streams = Streams(seed, np.arange(start, start + count, dtype=np.uint64))
    uniforms = judgment_stream_uniforms(model, streams)
    if not model.hypotheses:
        return model.dependence.sample(model.judgments, uniforms)
    readings = [h.model.dependence.sample(h.model.judgments, uniforms)
                for h in model.hypotheses]
    return pooled_judgments(model, readings, uniforms, start)[0]


def missing(folder: str | Path, chunk_files: list[str]) -> list[Path]:
    """The chunk files (of ``chunk_files``) whose judgments file is not there yet."""
    return [Path(f) for f in chunk_files
            if not (Path(folder) / JUDGMENTS / Path(f).name).exists()]


def materialise(folder: str | Path, manifest: dict[str, Any], chunk_files: list[str]) -> None:
    """Write the judgments file of every chunk file in ``chunk_files`` that lacks one,
    drawing the judgments again and checking them against the chunk's fingerprint."""
    todo = missing(folder, chunk_files)
    if not todo:
        return
    model = _model(Path(folder), manifest)
    (Path(folder) / JUDGMENTS).mkdir(exist_ok=True)
    for file in todo:
        meta = pq.ParquetFile(file).metadata.metadata or {}
        if JUDGMENTS_KEY not in meta:
            raise UsageError("this chunk's judgments are neither stored nor fingerprinted; "
                             "redo the chunk (delete it and finish the run with --resume)",
                             Location(str(file)))
        info = json.loads(meta[CHUNK_KEY])
        judgments = draw_judgments(model, start=int(info["start"]), count=int(info["count"]),
                                   seed=int(info["seed"]))
        if fingerprint(judgments) != json.loads(meta[JUDGMENTS_KEY]):
            raise UsageError("the judgments drawn again by this kennan differ from those of "
                             f"the run (made by kennan {manifest.get('kennan_version')}); "
                             "query course_rows, or use the version that made the run",
                             Location(str(file)))
        table = judgments_table(int(info["start"]), judgments)
        target = judgments_path(folder, int(info["index"]))
        try:
            atomic_write(target, lambda fh, t=table, m={CHUNK_KEY: meta[CHUNK_KEY]}:
                         write_parquet(fh, t, m))
        except OSError as exc:
            raise UsageError(f"cannot store the run's judgments, drawn again on first use: "
                             f"{exc.strerror or exc}; make the folder writable, or query "
                             "course_rows (no judgments)", Location(str(target))) from None


def _model(folder: Path, manifest: dict[str, Any]) -> Model:
    """The run's model, compiled again from the scenario file its manifest names."""
    from kennan.experiments.chunks import file_hash
    from kennan.scenario.loading import load_scenario

    scenario = Path(str(manifest["scenario"]))
    try:
        same = scenario.is_file() and file_hash(scenario) == manifest["scenario_sha256"]
    except OSError:
        same = False
    if not same:
        raise UsageError("the run's judgments are drawn again from its scenario file, which "
                         f"is missing or changed: {scenario}; restore it, or query course_rows "
                         "(no judgments)", Location(str(folder / "manifest.json")))
    return build_model(load_scenario(scenario), list(manifest["courses"]))

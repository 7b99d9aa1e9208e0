"""A run folder: a manifest, a lock, and one Parquet file per chunk, each written atomically.

Layout of a folder written by ``kennan run --out DIR``::

    DIR/manifest.json             what was run (scenario hash, seed, draws, chunk size,
                                  courses, baseline, version), when, and its status
    DIR/.lock                     while a run holds the folder: the PID and host
    DIR/draws/chunk-000000.parquet  one row per (draw, course) of chunk 0, draw-major, with
                                  the chunk's exact summary in the file's key-value metadata
    DIR/judgments/chunk-000000.parquet  chunk 0's judgments, one row per draw: not written
                                  by the run, drawn again on first use (:mod:`.derive`)
    DIR/summary.json              the whole run's exact summary, once complete

Every file is written under a temporary name beginning with a dot and renamed
into place when complete, so a final name never holds a partial file, whatever
kills the run. Resuming verifies each existing chunk file (readable, checksums, row
count, summary) and redoes the chunks that fail (see :mod:`.chunkfiles`).

Longer than 400 lines on purpose: a run folder's whole life (create, lock, manifest,
resume, finish) in one place; the chunk files themselves live in :mod:`.chunkfiles`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import shlex
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa

from kennan.engine.simulate import ChunkResult
from kennan.errors import Location, SimulationError, UsageError
from kennan.experiments.chunkfiles import (
    CHUNK_KEY,
    DOUBLE,
    DRAWS,
    JUDGMENTS,
    JUDGMENTS_KEY,
    chunk_info,
    chunk_path,
    chunk_table,
    judgments_path,
    judgments_sound,
    read_frame,
    summary_metadata,
    verify_chunk,
    write_parquet,
)
from kennan.experiments.derive import fingerprint, materialise
from kennan.experiments.lock import LOCK, acquire_lock, release_lock
from kennan.experiments.summary import Summary
from kennan.safeio import atomic_write, read_regular
from kennan.version import __version__

#: The run-folder format this version writes (the manifest's ``kennan_run``): 2 keeps
#: judgments apart from the course rows (drawn again on first use); 1 repeated them on
#: every course's row.
FORMAT = 2
#: Formats this version can read (query, open_results); only FORMAT can be resumed.
READABLE = (1, 2)
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
#: Manifest fields that must agree for a run to be resumed, and what to say when they do not.
RESUME_FIELDS = {
    "scenario_sha256": "the scenario file differs (sha256 of its bytes)",
    "seed": "the seed differs",
    "draws": "the number of draws differs",
    "chunk_size": "the chunk size differs",
    "courses": "the courses differ",
    "baseline": "the baseline course differs",
    "precision": "the precision of the stored floats differs",
    "kennan_version": "the kennan version differs",
}


@dataclass(frozen=True)
class RunSpec:
    """What a run folder holds the results of."""

    scenario: str
    scenario_id: str
    scenario_sha256: str
    seed: int
    draws: int
    chunk_size: int
    courses: tuple[str, ...]
    baseline: str
    outcomes: tuple[str, ...]
    metrics: tuple[str, ...]
    periods: tuple[str, ...]
    #: How float columns are stored: ``double`` (lossless) or ``single`` (float32).
    precision: str = DOUBLE

    def plan(self) -> list[tuple[int, int, int]]:
        """(index, start, count) of every chunk."""
        return [(i, s, min(self.chunk_size, self.draws - s))
                for i, s in enumerate(range(0, self.draws, self.chunk_size))]


def write_chunk(folder: str | Path, index: int, chunk: ChunkResult, summary: Summary,
                outcomes: list[str], *, seed: int, precision: str = DOUBLE) -> Path:
    """Write one chunk's file, atomically: its course rows (float columns in
    ``precision``), with the summary (of the engine's float64 values) and the judgments'
    fingerprint (the judgments are drawn again on first use, :mod:`.derive`)."""
    info = json.dumps(chunk_info(index, chunk.start, chunk.count, seed, chunk.courses,
                                 precision)).encode()
    table = chunk_table(chunk, outcomes, precision)
    path = chunk_path(folder, index)
    _atomic_write(path, lambda fh: write_parquet(
        fh, table, {CHUNK_KEY: info, **summary_metadata(summary, precision),
                    JUDGMENTS_KEY: json.dumps(fingerprint(chunk.judgments)).encode()}))
    return path


class RunStore:
    """A run folder held by this process for one run (see :meth:`open`)."""

    def __init__(self, folder: Path, spec: RunSpec, manifest: dict[str, Any],
                 done: dict[int, Summary], redone: int):
        self.folder = folder
        self.spec = spec
        self.manifest = manifest
        #: Summaries of the chunks already stored, by index.
        self.done = done
        #: How many stored chunk files failed verification and will be redone.
        self.redone = redone
        self._held = True

    @classmethod
    def open(cls, folder: str | Path, spec: RunSpec, *, resume: bool) -> RunStore:
        """Take the folder for a run of ``spec``: lock it, check it, write the manifest.

        Without ``resume`` the folder must be empty or absent. With ``resume`` its
        manifest must describe the same run; sound chunk files are kept, others
        are deleted to be redone.
        """
        path = Path(folder)
        if resume:
            check_resumable(path)
        _guarded(lambda: path.mkdir(parents=True, exist_ok=True), "create the run folder", path)
        if not path.is_dir():
            raise UsageError("the run folder exists and is not a folder", Location(str(path)))
        acquire_lock(path)
        try:
            return cls._open_locked(path, spec, resume=resume)
        except BaseException:
            release_lock(path)
            raise

    @classmethod
    def _open_locked(cls, path: Path, spec: RunSpec, *, resume: bool) -> RunStore:
        entries = sorted(p.name for p in path.iterdir() if p.name != LOCK)
        now = _now()
        manifest_path = path / MANIFEST
        if entries and not resume:
            raise UsageError(f"the run folder is not empty ({', '.join(entries[:3])}"
                             f"{', ...' if len(entries) > 3 else ''}); to finish the run it "
                             "holds, run the same command again with --resume; or choose an "
                             "empty folder", Location(str(path)))
        if entries and not manifest_path.exists():
            raise UsageError("cannot resume: the folder is not a kennan run folder (no "
                             f"{MANIFEST}); choose an empty folder", Location(str(path)))
        if entries:
            manifest = read_manifest(path)
            check_writable_format(manifest, path)
            _check_same_run(manifest, spec, path)
        else:
            manifest = {"kennan_run": FORMAT, **asdict(spec), "kennan_version": __version__,
                        "chunks": len(spec.plan()), "started": now, "finished": None,
                        "status": "running", "attempts": []}
            for key in ("courses", "outcomes", "metrics", "periods"):
                manifest[key] = list(manifest[key])
        _remove_temporaries(path)
        done: dict[int, Summary] = {}
        redone = 0
        for index, start, count in spec.plan():
            file, judgments = chunk_path(path, index), judgments_path(path, index)
            where = {"index": index, "start": start, "count": count, "courses": spec.courses,
                     "seed": spec.seed, "precision": spec.precision}
            summary = verify_chunk(path, **where) if os.path.lexists(file) else None
            if summary is None and os.path.lexists(file):
                redone += 1
                _guarded(file.unlink, "remove an unsound chunk file", file)
            elif summary is not None:
                done[index] = summary
            # Judgments drawn again on first use are a cache: kept only beside a sound
            # chunk file, and only when sound.
            if os.path.lexists(judgments) and (summary is None or not judgments_sound(
                    path, **where)):
                _guarded(judgments.unlink, "remove an unsound judgments file", judgments)
        manifest["status"] = "running"
        manifest["finished"] = None
        manifest["attempts"].append({"started": now, "finished": None, "status": "running",
                                     "pid": os.getpid(), "chunks_found": len(done),
                                     "chunks_redone": redone})
        store = cls(path, spec, manifest, done, redone)
        # The manifest first: a folder with anything in it is always a resumable run folder.
        store._write_manifest()
        for sub in (DRAWS, JUDGMENTS):
            _guarded(lambda sub=sub: (path / sub).mkdir(exist_ok=True),
                     f"create the {sub} folder", path)
        return store

    def finish(self, summary: Summary) -> None:
        """Record the whole run's summary, mark the run complete and release the folder."""
        try:
            _atomic_write(self.folder / SUMMARY,
                          lambda fh: fh.write(summary.to_json().encode()))
        except BaseException:
            self.close("failed")  # every chunk is stored: a resume only writes the summary
            raise
        self.close("complete")

    def close(self, status: str) -> None:
        """Record ``status`` (complete, interrupted, failed) and release the lock.

        Never raises for an unwritable disk when the run already failed: the lock
        is released either way."""
        if not self._held:
            return
        now = _now()
        self.manifest["status"] = status
        self.manifest["attempts"][-1].update(finished=now, status=status)
        if status == "complete":
            self.manifest["finished"] = now
        try:
            self._write_manifest()
        except SimulationError:
            if status == "complete":
                raise
        finally:
            self._held = False
            release_lock(self.folder)

    def _write_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=2) + "\n"
        _atomic_write(self.folder / MANIFEST, lambda fh: fh.write(text.encode()))


def check_resumable(folder: str | Path) -> None:
    """Refuse to resume a folder that holds no run: missing, empty, or without a manifest.

    Never start a run (the default scenario, seed 0...) when asked to finish one."""
    path = Path(folder)
    if (path / MANIFEST).is_file():
        return
    state = ("does not exist" if not path.exists() else
             "is empty" if path.is_dir() and not any(path.iterdir()) else
             f"holds no run (no {MANIFEST})")
    raise UsageError(f"cannot resume: the run folder {state}; to start a new run there, "
                     "leave out --resume", Location(str(path)))


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a run folder; a UsageError when there is none or it is unreadable."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(_read_small(path))
    except FileNotFoundError:
        raise UsageError(f"not a kennan run folder (no {MANIFEST}); create one with "
                         "'kennan run SCENARIO --out FOLDER'", Location(str(folder))) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the run's manifest: {exc}", Location(str(path))) from None
    if not isinstance(data, dict) or "kennan_run" not in data:
        raise UsageError(f"not a kennan run manifest (expected \"kennan_run\": {FORMAT})",
                         Location(str(path)))
    if data["kennan_run"] not in READABLE:
        raise UsageError(f"the run folder is in format {_show(data['kennan_run'])} (written by "
                         f"kennan {_show(data.get('kennan_version'))}); kennan {__version__} "
                         f"reads formats {', '.join(map(str, READABLE))}: use the version "
                         "that wrote it", Location(str(path)))
    return data


def check_writable_format(manifest: dict[str, Any], folder: Path) -> None:
    """Refuse to resume a run folder in an older format than this version writes."""
    if manifest["kennan_run"] != FORMAT:
        raise UsageError(f"cannot resume: the run folder is in format {manifest['kennan_run']} "
                         f"(written by kennan {_show(manifest.get('kennan_version'))}), this "
                         f"kennan writes format {FORMAT}; finish it with that version, or start "
                         "a new run in an empty folder (it can still be queried)",
                         Location(str(folder / MANIFEST)))


def stored_chunks(folder: str | Path) -> list[Path]:
    """The chunk files under their final names, in order."""
    return sorted((Path(folder) / DRAWS).glob("chunk-*.parquet"))


def read_summary(folder: str | Path) -> Summary:
    """The whole-run summary of a complete run folder."""
    path = Path(folder) / SUMMARY
    try:
        return Summary.from_json(_read_small(path))
    except FileNotFoundError:
        raise UsageError("the run is not complete (no summary.json); finish it with: kennan "
                         f"run --out {shlex.quote(str(folder))} --resume",
                         Location(str(folder))) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the run summary: {exc}", Location(str(path))) from None


#: Rows :func:`read_draws_frame` reads into memory at most (as a query's result).
MAX_FRAME_ROWS = 20_000_000


def read_draws_frame(folder: str | Path, courses: list[str], draws: int) -> pd.DataFrame:
    """Every draw of a complete run folder as one frame, chunk by chunk, as
    :meth:`~.results.Results.draws_table` gives a run that kept its draws."""
    rows = draws * len(courses)
    if rows > MAX_FRAME_ROWS:
        raise UsageError(f"the run has {rows:,} rows of draws, more than {MAX_FRAME_ROWS:,} to "
                         "hold in memory; query it instead: kennan query "
                         f"{shlex.quote(str(folder))} \"select ... from draws\"",
                         Location(str(folder)))
    manifest = read_manifest(folder)
    size = int(manifest["chunk_size"])
    if manifest["kennan_run"] != 1:  # judgments drawn again where not yet stored
        materialise(folder, manifest, [str(p) for p in stored_chunks(folder)])
    try:
        frames = [read_frame(folder, index, courses)
                  for index in range(-(-draws // size))]
    except (OSError, pa.ArrowException) as exc:
        raise UsageError(f"cannot read the run's chunk files: {exc}",
                         Location(str(folder))) from None
    return pd.concat(frames, ignore_index=True)


# -- helpers ---------------------------------------------------------------------------

#: A manifest or a summary larger than this is not one kennan wrote (a folder from
#: elsewhere could hold a link to /dev/zero under those names).
MAX_JSON_BYTES = 64 * 1024 * 1024


def _read_small(path: Path) -> bytes:
    data = read_regular(path, max_bytes=MAX_JSON_BYTES)
    if len(data) > MAX_JSON_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_JSON_BYTES:,} bytes")
    return data



def precision_of(manifest: dict[str, Any]) -> str:
    """The precision of a run folder's float columns (folders made before there was a
    choice recorded none: they are double)."""
    return str(manifest.get("precision", DOUBLE))


def _check_same_run(manifest: dict[str, Any], spec: RunSpec, path: Path) -> None:
    now = {**asdict(spec), "kennan_version": __version__}
    differences = []
    for key, name in RESUME_FIELDS.items():
        was = precision_of(manifest) if key == "precision" else manifest.get(key)
        is_ = now[key]
        if isinstance(is_, tuple):
            is_ = list(is_)
        if was != is_:
            differences.append(f"{name} (folder: {_show(was)}, now: {_show(is_)})")
    if differences:
        raise SimulationError(
            "cannot resume this run: " + "; ".join(differences) + ". Resume with the folder's "
            "settings, or start a new run in an empty folder", Location(str(path / MANIFEST)))


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, str) and len(value) == 64:
        return value[:12] + "..."  # a sha256
    return str(value)


def _remove_temporaries(folder: Path) -> None:
    # Leftovers of a killed run: never under a final name, safe to delete while we hold the lock.
    for base in (folder, folder / DRAWS, folder / JUDGMENTS):
        if base.is_dir():
            for tmp in base.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()


def _atomic_write(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write ``path`` through ``write(file)`` then rename; no partial file under ``path``.

    The temporary file has an unpredictable name and is created with O_EXCL
    (:func:`kennan.safeio.atomic_write`), so nothing planted in the folder is followed."""
    try:
        atomic_write(path, write)
    except OSError as exc:
        raise SimulationError(_os_message(exc, f"write {path.name}", path),
                              Location(str(path))) from None


def _guarded(action: Callable[[], Any], what: str, where: Path) -> None:
    try:
        action()
    except OSError as exc:
        raise SimulationError(_os_message(exc, what, where), Location(str(where))) from None


def _os_message(exc: OSError, what: str, where: Path) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return f"cannot {what}: the disk is full ({reason}); free some space, then " + \
            _finish_advice(where)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot {what}: the folder is not writable ({reason}); choose another --out"
    return f"cannot {what}: {reason}"


def _finish_advice(where: Path) -> str:
    """How to finish the run in the folder holding ``where``: a command that resumes this
    very run (its settings are in the manifest), or, with no manifest yet, a new start."""
    if where.parent.name in (DRAWS, JUDGMENTS):  # a chunk file
        folder = where.parent.parent
    else:  # the run folder itself, or one of its files
        folder = where if where.is_dir() else where.parent
    if not (folder / MANIFEST).is_file():
        return "run the same command again (nothing was stored yet)"
    return f"finish the run with: kennan run --out {shlex.quote(str(folder))} --resume"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def resume_settings(folder: str | Path) -> dict[str, Any] | None:
    """The run options a folder's manifest records (scenario, draws, seed, chunk size,
    courses, baseline, precision), or None when the folder holds no run yet."""
    if not (Path(folder) / MANIFEST).exists():
        return None
    m = read_manifest(folder)
    try:
        return {"scenario": str(m["scenario"]), "draws": int(m["draws"]), "seed": int(m["seed"]),
                "chunk_size": int(m["chunk_size"]), "courses": list(m["courses"]),
                "baseline": str(m["baseline"]), "precision": precision_of(m)}
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"the run's manifest lacks a setting: {exc}",
                         Location(str(Path(folder) / MANIFEST))) from None

"""Where a scenario's sources may be read from.

A scenario names its sources by path, and checking a citation reads the file and
reports whether a quote is in it; the report copies the cited paragraphs. So a
scenario from someone else could name ``/etc/passwd`` or ``~/.ssh/id_rsa`` and use
the report, or the "quote not found" messages, to read it. Sources are therefore
read only from the scenario's own folder and the folders below it, and from the
package's shipped data (the built-in scenarios' sources), after resolving every
symbolic link; any other folder must be named by the user: ``kennan
--allow-sources DIR COMMAND ...`` or the environment variable
:data:`ALLOW_ENV` (folders separated by ``os.pathsep``), which worker processes
inherit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

#: Folders besides the scenario's own from which sources may be read.
ALLOW_ENV = "KENNAN_ALLOW_SOURCES"


class SourceOutside(ValueError):
    """A source path leads out of the folders sources may be read from."""


def allowed_folders(base_dir: Path) -> list[Path]:
    """The folders a scenario in ``base_dir`` may read sources from, resolved."""
    folders = [base_dir.resolve(), Path(str(resources.files("kennan") / "data")).resolve()]
    extra = os.environ.get(ALLOW_ENV, "")
    folders.extend(Path(p).expanduser().resolve() for p in extra.split(os.pathsep) if p)
    return folders


def source_path(base_dir: Path, path: str) -> Path:
    """The file a source's ``path`` names (relative to ``base_dir``, the scenario's
    folder); :class:`SourceOutside` when it leads out of :func:`allowed_folders`."""
    given = Path(path).expanduser()
    full = given if given.is_absolute() else base_dir / given
    real = full.resolve()  # every link followed: a link out of the folder is out
    folders = allowed_folders(base_dir)
    if any(real == f or real.is_relative_to(f) for f in folders):
        return full
    raise SourceOutside(
        f"'{path}' is outside the scenario's folder ({folders[0]}); sources are read only "
        "from the scenario's folder and below, so that a scenario cannot read other "
        "files; to allow another folder, run kennan --allow-sources FOLDER ... (or set "
        f"{ALLOW_ENV})")


@contextmanager
def allowing(*folders: str | os.PathLike[str]) -> Iterator[None]:
    """Within the block, sources may also be read from ``folders`` (for a program that
    has itself been told so: the explorer, loading an edited copy saved elsewhere of
    the scenario it was asked to explore, lets it read that scenario's folder)."""
    before = os.environ.get(ALLOW_ENV)
    kept = [p for p in (before or "").split(os.pathsep) if p]
    os.environ[ALLOW_ENV] = os.pathsep.join([*kept, *map(str, folders)])
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ALLOW_ENV, None)
        else:
            os.environ[ALLOW_ENV] = before

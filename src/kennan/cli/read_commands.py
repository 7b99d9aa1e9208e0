"""``kennan read``: a telegram's metadata, paragraphs, footnotes and judgment inventory."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from kennan.cli.common import command
from kennan.errors import UsageError
from kennan.read import load_document
from kennan.read.actors import default_gazetteer, load_gazetteer_file
from kennan.read.draft import actors_in
from kennan.read.draft import draft_scenario as make_draft
from kennan.read.estimative import find_judgments
from kennan.read.inventory import inventory, render_text
from kennan.safeio import check_target, write_file


def register(app: typer.Typer) -> None:
    """Add the read command to ``app``."""
    command(app, "read")(read)


def read(
    path: Annotated[Path, typer.Argument(help="A FRUS TEI (.xml) or plain-text document.")],
    expand: Annotated[bool, typer.Option(
        "--expand", help="Show the text with telegraphese expanded.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (a stable layout).")] = False,
    draft_scenario: Annotated[Path | None, typer.Option(
        "--draft-scenario", help="Write a scenario skeleton (YAML) to this file.")] = None,
    doc: Annotated[str | None, typer.Option(
        "--doc", help="The document's id in a file that holds several (a FRUS volume), "
        "e.g. d237.")] = None,
    vocabulary: Annotated[str, typer.Option(
        "--vocabulary", help="Estimative vocabulary for the probability ranges.")] = "icd203",
    actors: Annotated[Path | None, typer.Option(
        "--actors", help="More actors for the gazetteer: a TSV with columns id, kind, name, "
        "aliases, or a scenario (.yaml) whose actors are found by name.")] = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="Start month (YYYY-MM) of the draft when the document has no "
        "date.")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="The text's encoding when it is not UTF-8 (e.g. cp1252).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite an existing draft file.")] = False,
) -> None:
    """Read a telegram: metadata, paragraphs, footnotes and its estimative judgments."""
    output = read_document(
        path=path, expand=expand, as_json=as_json, draft_scenario=draft_scenario, doc=doc,
        vocabulary=vocabulary, actors=actors, start=start, encoding=encoding, force=force,
    )
    if output:
        typer.echo(output, nl=False)


def read_document(
    *,
    path: Path,
    expand: bool = False,
    as_json: bool = False,
    draft_scenario: Path | None = None,
    doc: str | None = None,
    vocabulary: str = "icd203",
    actors: Path | None = None,
    start: str | None = None,
    encoding: str | None = None,
    force: bool = False,
) -> str:
    """Do what ``kennan read`` does and return what it prints; write the draft if asked.

    Everything is read and checked before anything is written, so bad input leaves no
    file behind.
    """
    if draft_scenario is not None:
        check_target(draft_scenario, force=force, what="the draft scenario")
    if start is not None:
        _check_month(start)
    ranges = _ranges(vocabulary)
    gazetteer = default_gazetteer()
    if actors is not None:
        gazetteer = gazetteer.extended(load_gazetteer_file(actors))
    document = load_document(path, document=doc, encoding=encoding)
    judgments = find_judgments(document.paragraphs, gazetteer=gazetteer)
    data = inventory(document, judgments, ranges=ranges)
    if draft_scenario is not None:
        # The folder resolved (for the source's relative path), never the name itself: a
        # link planted under the draft's name is replaced, not written through.
        target = draft_scenario.absolute().parent.resolve() / draft_scenario.name
        rel = os.path.relpath(path.resolve(), target.parent)
        text = make_draft(document, judgments, source_path=Path(rel).as_posix(),
                          gazetteer=gazetteer, start=start,
                          vocabulary=vocabulary if vocabulary != "icd203" else None)
        write_file(target, text, force=force, what="the draft scenario")
        note = (f"wrote {draft_scenario}: {len(actors_in(document, judgments, gazetteer))} "
                f"actors, {len(judgments)} judgment stubs")
        if as_json:
            typer.echo(note, err=True)
        else:
            return note + "\n"
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return render_text(data, expanded=expand)


def _ranges(vocabulary: str) -> Callable[[str], tuple[float, float] | None]:
    """phrase -> (low, high) under ``vocabulary``; unknown vocabulary is a usage error."""
    # read/ sits left of scenario/ in the pipeline: only this command layer joins them.
    from kennan.scenario.vocabularies import VocabularyLookupError, load_vocabulary

    try:
        vocab = load_vocabulary(vocabulary)
    except VocabularyLookupError as exc:
        raise UsageError(str(exc)) from None

    def bounds(phrase: str) -> tuple[float, float] | None:
        try:
            return vocab.distribution(phrase).bounds
        except VocabularyLookupError:
            return None

    return bounds


def _check_month(value: str) -> None:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise UsageError(f"--start {value!r}: expected a month as YYYY-MM, e.g. 1951-06")

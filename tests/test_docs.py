"""Every YAML example in the docs validates, so the docs cannot drift from the language.

A fenced ``yaml`` block is checked by what it is:

- a whole scenario (it has ``kennan: 1``) must validate as if saved in
  ``docs/examples/``, so its sources resolve there;
- after a ``<!-- fragment -->`` comment, the block's keys are spliced into a minimal
  scenario and the result must validate; after ``<!-- fragment: fails -->`` it must
  fail, and a plain fenced block right after it shows the messages to expect; after
  ``<!-- fragment: warns -->`` it must validate with exactly the warnings shown in the
  plain block right after it;
- after ``<!-- file: examples/NAME -->`` the block must equal that shipped file;
- any other block must at least parse as YAML.

The reference must also name every key of the schema, every function, every
distribution and every vocabulary.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel

from kennan.compiler import FUNCTIONS
from kennan.errors import ScenarioError
from kennan.scenario import judgments, schema
from kennan.scenario.checks import ID_FUNCTIONS
from kennan.scenario.judgments import DISTRIBUTION_KEYS, VOCABULARY_NAMES
from kennan.scenario.loading import load_scenario_text
from kennan.scenario.yamlsource import load_yaml

DOCS = Path(__file__).parent.parent / "docs"
EXAMPLES = DOCS / "examples"
PAGES = ("scenario-language.md", "tutorial.md")
BASE = {
    "kennan": 1,
    "id": "fragment",
    "title": "A fragment of the docs in a minimal scenario",
    "time": {"start": "1951-09", "horizon": 12},
    "sources": [{"id": "t412", "title": "Telegram 412", "path": "telegram-412.txt"}],
    "policies": [{"id": "wait"}],
}

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_MARK = re.compile(r"<!--\s*(fragment(?::\s*(?:fails|warns))?|file:\s*\S+)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    text: str
    mark: str | None  # "fragment", "fragment: fails", "file: examples/x.yaml" or None
    after: str | None  # the plain block right after this one, if any

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def blocks() -> list[Block]:
    out = []
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        found = list(_FENCE.finditer(text))
        for k, m in enumerate(found):
            before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            mark = _MARK.search(before)
            nxt = found[k + 1] if k + 1 < len(found) else None
            after = None
            if nxt is not None and not nxt.group(1) and not text[m.end():nxt.start()].strip():
                after = nxt.group(2)
            out.append(Block(page, text[: m.start()].count("\n") + 2, m.group(1), m.group(2),
                             " ".join(mark.group(1).split()) if mark else None, after))
    return out


YAML_BLOCKS = [b for b in blocks() if b.lang == "yaml"]


def _file(block: Block) -> str:
    return str(EXAMPLES / f"{block.page}-{block.line}.yaml")


def _splice(block: Block) -> str:
    data = load_yaml(block.text, str(block)).data
    assert isinstance(data, dict), f"{block}: a fragment is a mapping of top-level keys"
    lines = [f"{key}: {_flow(value)}" for key, value in {**BASE, **data}.items()]
    return "\n".join(lines) + "\n"


def _flow(value: object) -> str:
    # JSON is YAML: the spliced scenario is written in flow style, the fragment's
    # values kept exactly as loaded.
    import json

    return json.dumps(value)


def test_there_are_examples() -> None:
    kinds = {b.mark or ("scenario" if "kennan: 1" in b.text else "yaml") for b in YAML_BLOCKS}
    assert {"fragment", "fragment: fails", "scenario"} <= kinds
    assert sum(1 for b in YAML_BLOCKS if b.mark == "fragment") >= 15


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=str)
def test_yaml_example(block: Block) -> None:
    if block.mark is not None and block.mark.startswith("file:"):
        shipped = DOCS / block.mark.split(":", 1)[1].strip()
        assert block.text == shipped.read_text(encoding="utf-8"), f"{block} differs from {shipped}"
    if re.search(r"^kennan: 1$", block.text, re.MULTILINE):
        load_scenario_text(block.text, _file(block))
    elif block.mark == "fragment":
        load_scenario_text(_splice(block), _file(block))
    elif block.mark == "fragment: warns":
        found = [w.problem.message
                 for w in load_scenario_text(_splice(block), _file(block)).checked.warnings]
        assert block.after is not None, f"{block}: list the warnings in the block after it"
        shown = [re.sub(r"^\S+:\d+:\d+: ", "", line) for line in block.after.splitlines()]
        assert sorted(shown) == sorted(found), f"{block}: shows {shown}, gives {found}"
    elif block.mark == "fragment: fails":
        with pytest.raises(ScenarioError) as info:
            load_scenario_text(_splice(block), _file(block))
        if block.after is not None:
            found = [p.message for p in info.value.problems]
            for line in block.after.splitlines():
                message = re.sub(r"^\S+:\d+:\d+: ", "", line)
                assert message in found, f"{block}: {message!r} not in {found}"
    else:
        load_yaml(block.text, str(block))


def _models() -> list[type[BaseModel]]:
    found = []
    for module in (schema, judgments):
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseModel)
                    and value.__module__ == module.__name__ and value.model_fields):
                found.append(value)
    return found


def test_reference_names_every_key() -> None:
    text = (DOCS / "scenario-language.md").read_text(encoding="utf-8")
    missing = [f"{model.__name__}.{key}" for model in _models() for key in model.model_fields
               if f"`{key}`" not in text]
    assert not missing, f"keys the reference does not document: {missing}"


def test_reference_names_every_choice() -> None:
    text = (DOCS / "scenario-language.md").read_text(encoding="utf-8")
    combine = typing.get_args(schema.CombineModel)
    kinds = typing.get_args(schema.Actor.model_fields["kind"].annotation)
    aggregates = typing.get_args(schema.Metric.model_fields["aggregate"].annotation)
    names = [*FUNCTIONS, *ID_FUNCTIONS, *DISTRIBUTION_KEYS, *VOCABULARY_NAMES, *combine,
             *kinds, *aggregates, "t"]
    missing = [n for n in names if f"`{n}" not in text]
    assert not missing, f"names the reference does not document: {missing}"

"""The report file: self-contained, every section, links both ways, bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kennan.errors import UsageError
from kennan.report.ladder import ladder_views
from kennan.report.render import write_report
from kennan.scenario.loading import load_scenario

from .conftest import SMALL, TOY

SECTIONS = ["question", "outcomes", "risk", "compare", "hinges", "flips", "signposts", "factions",
            "ladders",
            "judgments", "source"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    p = _Tags()
    p.feed(html)
    return p.tags


def test_every_section_is_there(toy_report):
    html = toy_report.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert html.count("<svg") >= 4  # outcomes, risk, sensitivity bars, trajectories


def test_self_contained_nothing_fetched(toy_report):
    tags = _tags(toy_report.read_text(encoding="utf-8"))
    for tag, attrs in tags:
        assert tag not in {"link", "iframe", "img", "object", "embed"}, tag
        if tag == "script":
            assert "src" not in attrs
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"^(https?:)?//", value), (tag, value)


def test_judgments_and_quotes_link_both_ways(toy_report):
    html = toy_report.read_text(encoding="utf-8")
    ids = {a["id"] for _, a in _tags(html) if "id" in a}
    hrefs = {a["href"] for t, a in _tags(html) if t == "a" and "href" in a}
    for j in ("balance", "vindication"):  # the toy's cited judgments
        assert f"q-{j}" in ids and f"j-{j}" in ids
        assert f"#q-{j}" in hrefs and f"#j-{j}" in hrefs
    assert "j-monthly_hazard" in ids  # an assumption has its row, and no quote
    assert "q-monthly_hazard" not in ids
    for href in hrefs:
        if href.startswith("#"):
            assert href[1:] in ids, f"dangling link {href}"


def test_script_marks_itself_and_courses_are_addressable(toy_report):
    html = toy_report.read_text(encoding="utf-8")
    assert 'setAttribute("data-script", "ok")' in html
    for course in ("wait", "appeal", "squeeze"):
        assert f'data-course="{course}"' in html


def test_ladders_show_steps_schedule_and_halt():
    loaded = load_scenario(TOY)
    views = {v.id: v for v in ladder_views(loaded.model, ["wait", "squeeze"])}
    sq = views["squeeze"]
    assert [r.id for r in sq.rungs] == ["blockade", "bombing"]
    assert sq.schedule == "climbs one rung every 2 months from 2000-02"
    assert sq.halt == "prob(press) > 0.9" and sq.forbid == ["manchuria"]
    assert sq.rungs[1].risks == ["alliance at hazard 0.05"]
    assert sq.rungs[0].effects == ["strain + 0.5"]
    assert views["wait"].schedule == "no rungs: nothing is done"


def test_missing_folders_are_created(tmp_path):
    out = tmp_path / "a" / "b" / "r.html"
    assert write_report(TOY, output=out, **{**SMALL, "sobol_base": 0}) == out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(out.parent.glob("*.tmp"))


@pytest.mark.parametrize(("options", "message"), [
    ({"outcome": "nope"}, "unknown outcome 'nope'; valid: war, deal"),
    ({"risk": "nope"}, "unknown risk 'nope'.*valid: war, deal, strain_total, hawk_influence"),
    ({"courses": ["nope"]}, "unknown course.*'nope'.*valid: wait, appeal, squeeze"),
    ({"sobol_base": 33}, "power of two"),
])
def test_bad_input(tmp_path, options, message):
    with pytest.raises(UsageError, match=message):
        write_report(TOY, output=tmp_path / "r.html", **{**SMALL, **options})


def test_a_single_course_has_no_pairs_and_no_flips(tmp_path):
    out = write_report(TOY, output=tmp_path / "r.html", **{**SMALL, "courses": ["squeeze"]})
    html = out.read_text(encoding="utf-8")
    assert "Only one course: nothing to flip." in html


def test_a_scenario_without_outcomes_is_refused(tmp_path):
    linear = str(Path(__file__).resolve().parent.parent / "analysis" / "linear.yaml")
    with pytest.raises(UsageError, match="has no outcome"):
        write_report(linear, output=tmp_path / "r.html", **SMALL)


def test_output_that_is_a_folder_is_refused(tmp_path):
    with pytest.raises(UsageError, match="is a folder"):
        write_report(TOY, output=tmp_path, **SMALL)


def test_grounds_show_the_citation_and_the_assumption_together():
    from kennan.report.render import environment
    from kennan.scenario.summary import JudgmentRow

    macro = environment().from_string(
        '{% from "macros.html.j2" import grounds %}{{ grounds(info, info.id, "t") }}')
    both = JudgmentRow(id="lift", kind="range", distribution="uniform", p5=0, p50=0, p95=0,
                       source="t", paragraph=2, quote="would strengthen the moderates",
                       assumption="a few points a month", supports="direction")
    html = macro.render(info=both)
    assert '<a href="#q-lift">t ¶2</a>' in html
    assert '<span class="supports" title="what the quoted words support">direction</span>' in html
    assert "<q>would strengthen the moderates</q>" in html
    assert "<em>assumption (size):</em> a few points a month" in html
    plain = JudgmentRow(id="j", kind="beta", distribution="beta", p5=0, p50=0, p95=0,
                        source="t", paragraph=1, quote="balance is probably close",
                        supports="magnitude", size_from="text")
    html = macro.render(info=plain)
    assert "supports" not in html and "assumption" not in html


def test_the_report_counts_whose_size_each_judgment_is(toy_report):
    text = " ".join(re.sub(r"<[^>]+>", "", toy_report.read_text(encoding="utf-8")).split())
    assert ("3 judgments. 2 take their size from the text (a quote that supports the "
            "magnitude); 1 takes it from the modeller (an assumption).") in text


def test_ladders_show_conditional_rungs_and_tracks():
    from kennan.report.render import environment
    from kennan.scenario.loading import load_scenario_text

    loaded = load_scenario_text("""\
kennan: 1
id: t
title: T
time: {start: 2000-01, horizon: 6}
state: [{id: blocked, initial: 0}]
policies:
  - id: firm
    tracks:
      - id: talks
        name: Diplomatic track
        ladder: [{id: note}, {id: envoy}]
      - id: force
        halt: blocked > 2
        ladder: [{id: convoy, when: blocked > 0}]
  - id: mixed
    ladder: [{id: protest}, {id: airlift, when: blocked > 0}]
""", "t.yaml")
    firm, mixed = ladder_views(loaded.model, ["firm", "mixed"])
    assert firm.rungs == [] and [t.id for t in firm.tracks] == ["talks", "force"]
    talks, force = firm.tracks
    assert talks.schedule == "climbs one rung every month from 2000-01"
    assert force.schedule == "each rung is entered when its condition holds"
    assert force.rungs[0].when == "blocked > 0" and force.halt == "blocked > 2"
    assert mixed.schedule.endswith("a conditional rung is entered when its condition holds "
                                   "instead")
    html = environment().get_template("ladders.html.j2").render(
        ladders=[firm, mixed], colours={"firm": "#123456", "mixed": "#654321"})
    assert 'data-track="talks"' in html and 'data-track="force"' in html
    assert "Track: Diplomatic track" in html
    assert html.count('class="rung conditional"') == 2
    assert "if <code>blocked &gt; 0</code>" in html


def test_the_report_says_how_much_is_judgment_and_shows_each_mechanism(tmp_path):
    path = write_report(TOY, output=tmp_path / "r.html", **{**SMALL, "sobol_base": 0},
                        ablate_draws=100)
    html = path.read_text(encoding="utf-8")
    assert 'id="judgment-and-chance"' in html and "of its variance" in html
    assert 'id="ablation"' in html
    for mechanism in ("gain", "fear", "hawks", "doves", "election", "blockade",
                      "pressure_scale"):
        assert f"<code>{mechanism}</code>" in html

"""The explorer over HTTP: the page, the token, bad requests, a second tab, a taken port."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from kennan.errors import UsageError
from kennan.explore.server import HOST, bind

from .conftest import DRAWS, TOY

TOKEN = "test-token"


@dataclass
class Answer:
    status_code: int
    text: str
    headers: dict

    def json(self):
        return json.loads(self.text)


class Client:
    """Plain HTTP to the served explorer (the standard library's client)."""

    def __init__(self, url: str):
        self.url = url

    def request(self, method, path, content=None, headers=None):
        req = urllib.request.Request(self.url + path, data=content, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return Answer(r.status, r.read().decode(), dict(r.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read().decode(), dict(exc.headers))

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, content=None, headers=None):
        return self.request("POST", path, content, headers)


@pytest.fixture
def client(served):
    return Client(served[0])


def _post(client, path, body, token=TOKEN):
    return client.post(path, json.dumps(body).encode(),
                       {"X-Kennan-Token": token, "Content-Type": "application/json"})


def test_the_page_shows_every_course_with_a_figure_and_loads_nothing_from_outside(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    for course in ("wait", "appeal", "squeeze"):
        card = html.split(f'class="card course" data-course="{course}"', 1)[1]
        assert "<svg" in card.split('class="card course"', 1)[0]
    assert 'content="test-token"' in html and "http://" not in html.split("<main", 1)[0]
    assert "default-src 'none'" in r.headers["content-security-policy"]
    # the judgment's quoted words are marked in its source paragraph
    assert "<mark " in html and 'id="j-balance"' in html
    for name in ("explore.js", "explore.css", "report.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/secrets.txt").status_code == 404


def test_a_change_runs_and_answers_with_the_new_view(client):
    r = _post(client, "/api/run", {"version": 0, "draws": DRAWS, "seed": 0,
                                   "edits": {"balance": {"mode": "pin", "value": 0.1}}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 1 and set(body["numbers"]) == {"wait", "appeal", "squeeze"}
    assert "<svg" in body["html"] and body["timings"]["total"] > 0


def test_requests_without_the_token_or_from_another_host_are_refused(client):
    body = {"version": 0, "edits": {}}
    assert _post(client, "/api/run", body, token="").status_code == 403
    assert _post(client, "/api/run", body, token="guess").status_code == 403
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(("content", "kind", "message"), [
    (b"{not json", "application/json", "not JSON"),
    (b"[1, 2]", "application/json", "expected a JSON object"),
    (b"version=0", "application/x-www-form-urlencoded", "expected a JSON body"),
    (b'{"version": "0", "edits": {}}', "application/json", "'version' must be an integer"),
    (b'{"version": 0, "edits": []}', "application/json", "edits must be a mapping"),
    (b'{"version": 0, "edits": {"nope": {"mode": "pin", "value": 1}}}', "application/json",
     "unknown judgment 'nope'"),
    (b'{"version": 0, "edits": {"balance": {"mode": "pin", "value": "x"}}}',
     "application/json", "malformed edit at balance > pin > value"),
    (b'{"version": 0, "edits": {}, "tab": 7}', "application/json", "'tab' must be"),
    (b'{"version": 0, "edits": {}, "draws": "all"}', "application/json", "draws must be"),
    (b" " * 1_000_001, "application/json", "larger than 1,000,000 bytes"),
])
def test_malformed_requests_get_a_clear_message(client, content, kind, message):
    r = client.post("/api/run", content=content,
                    headers={"X-Kennan-Token": TOKEN, "Content-Type": kind})
    assert r.status_code == 422
    assert message in r.json()["errors"][0]


def test_a_value_outside_the_support_is_named_in_the_answer(client):
    r = _post(client, "/api/run", {"version": 0, "draws": DRAWS, "seed": 0,
                                   "edits": {"balance": {"mode": "pin", "value": -3}}})
    assert r.status_code == 422
    assert r.json()["errors"] == ["balance: -3 is outside the judgment's support (0 to 1)"]


def test_a_second_tab_editing_at_the_same_time_is_told_to_reload(client):
    first = {"version": 0, "draws": DRAWS, "seed": 0,
             "edits": {"balance": {"mode": "pin", "value": 0.2}}}
    assert _post(client, "/api/run", first).status_code == 200
    second = {**first, "edits": {"balance": {"mode": "pin", "value": 0.9}}}
    r = _post(client, "/api/run", second)
    assert r.status_code == 409 and "reload this page" in r.json()["errors"][0]


def test_save_over_http_writes_a_valid_file(client, tmp_path):
    _post(client, "/api/run", {"version": 0, "draws": DRAWS, "seed": 0,
                               "edits": {"balance": {"mode": "pin", "value": 0.2}}})
    r = _post(client, "/api/save", {"version": 1, "name": "mine.yaml", "why": "closer"})
    assert r.status_code == 200, r.text
    assert r.json()["summary"].startswith("valid: ")
    assert (tmp_path / "mine.yaml").is_file()
    again = _post(client, "/api/save", {"version": 1, "name": "mine.yaml", "why": "closer"})
    assert again.status_code == 422 and "already exists" in again.json()["errors"][0]


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind(port)
        from kennan.cli.app import app

        result = CliRunner().invoke(app, ["explore", str(TOY), "--port", str(port),
                                          "--no-browser"])
    assert result.exit_code == 1
    assert "already in use" in result.output and "Traceback" not in result.output


def test_a_port_out_of_range_is_a_clear_error():
    from kennan.cli.app import app

    result = CliRunner().invoke(app, ["explore", str(TOY), "--port", "70000", "--no-browser"])
    assert result.exit_code == 1
    assert "--port must be from 0 to 65535, got 70000" in result.output
    assert "Traceback" not in result.output


def test_a_superseded_change_is_answered_as_such(client, explorer, monkeypatch):
    """Two changes from one tab: the older, still running, is stopped and told so; the
    newer is answered."""
    import threading

    import kennan.explore.session as session

    real = session.run_scenario
    called = threading.Event()

    def endless(*args, **kwargs):
        called.set()
        while True:
            real(*args, **kwargs)

    monkeypatch.setattr(session, "run_scenario", endless)
    body = {"version": 0, "draws": DRAWS, "seed": 0, "tab": "t",
            "edits": {"balance": {"mode": "pin", "value": 0.2}}}
    answers = {}
    older = threading.Thread(target=lambda: answers.update(older=_post(client, "/api/run",
                                                                       body)))
    older.start()
    # Why wait for the call itself: the run's ticket is taken before the engine is
    # looked up, so putting the real engine back on the ticket alone is a race.
    assert called.wait(60)
    monkeypatch.setattr(session, "run_scenario", real)
    newer = _post(client, "/api/run", {**body, "edits": {}})
    older.join()
    assert answers["older"].status_code == 409 and answers["older"].json()["superseded"]
    assert "superseded" in answers["older"].json()["errors"][0]
    assert newer.status_code == 200 and newer.json()["version"] == 1


def test_the_server_listens_on_this_machine_only():
    sock = bind(0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


@pytest.mark.parametrize(("scenario", "message"), [
    ("no-such-scenario", "no built-in scenario 'no-such-scenario'"),
    (str(TOY.parent / "missing.yaml"), "missing.yaml"),
])
def test_a_scenario_that_cannot_be_read_is_one_clear_line(scenario, message):
    from kennan.cli.app import app

    result = CliRunner().invoke(app, ["explore", scenario, "--port", "0", "--no-browser"])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_on_demand_fragments_over_http(client):
    r = _post(client, "/api/mechanism", {"version": 0})
    assert r.status_code == 200 and "<svg" in r.json()["html"]
    assert 'id="mechanism"' in r.json()["html"]
    r = _post(client, "/api/sensitivity", {"version": 0, "method": "morris", "size": 4})
    assert r.status_code == 200 and set(r.json()["judgments"]) == {"balance", "vindication"}
    assert "balance is probably close" in r.json()["html"]  # the citation beside the rank
    r = _post(client, "/api/split", {"version": 0, "draws": 50, "replications": 2})
    assert r.status_code == 200 and "judgments" in r.json()["html"]
    assert r.json()["html"].count("<tr>") == 4  # the head and three courses
    r = _post(client, "/api/split", {"version": 0, "draws": 50, "replications": 1})
    assert r.status_code == 422 and "replications must be" in r.json()["errors"][0]
    r = _post(client, "/api/flips", {"version": 0, "points": 50, "replicates": 1})
    assert r.status_code == 200 and r.json()["html"].count('<div class="flip">') == 2

"""The explorer's web server: a Starlette application served by uvicorn on 127.0.0.1.

Only requests naming this machine as their host are answered (a page elsewhere
cannot reach the server through a rebound DNS name), and every change must carry
the secret token written into the page at ``/`` (a page from another site can
neither read it nor send the header without the browser asking first). The
responses forbid loading anything from anywhere but this server.
"""

from __future__ import annotations

import errno
import json
import secrets
import socket
import sys
import threading
import time
import webbrowser
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kennan.errors import KennanError, UsageError
from kennan.experiments.runner import KEEP_DRAWS_LIMIT
from kennan.explore.runs import Superseded
from kennan.explore.session import MIN_DRAWS, Conflict, Explorer, settle
from kennan.explore.view import environment, judgment_controls
from kennan.scenario.summary import describe_counts, entity_counts
from kennan.version import __version__

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Largest request body accepted (a full set of edits is a few kilobytes).
MAX_BODY = 1_000_000
#: Nothing from outside this server: scripts and styles from it, figures inline.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
_STATIC = {"explore.js": ("explore", "application/javascript"),
           "explore.css": ("explore", "text/css"), "report.css": ("report", "text/css")}


def create_app(explorer: Explorer, *, token: str | None = None) -> Starlette:
    """The web application exploring ``explorer``'s scenario (``token``: the secret every
    change must carry; a fresh random one by default)."""
    secret = token or secrets.token_urlsafe(24)

    async def page(request: Request) -> Response:
        e = explorer
        html = environment().get_template("explore.html.j2").render(
            token=secret, tab=secrets.token_urlsafe(12), title=e.original.model.title,
            scenario_id=e.original.id,
            version_kennan=__version__, state=e.state, path=str(e.path),
            folder=str(e.folder), judgments=judgment_controls(e.original, e.state),
            hypotheses=e.original.model.hypotheses,
            results_html=Markup(e.view.html), min_draws=MIN_DRAWS, max_draws=KEEP_DRAWS_LIMIT,
            save_name=f"{e.original.id}-edited.yaml", export_name=f"{e.original.id}-report.html")
        return _secure(HTMLResponse(html))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return _secure(Response("not found", status_code=404, media_type="text/plain"))
        package, media = _STATIC[name]
        text = (resources.files("kennan") / package / "templates" / name).read_text("utf-8")
        return _secure(Response(text, media_type=media))

    def action(work: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if not secrets.compare_digest(request.headers.get("x-kennan-token", ""), secret):
                return _error(403, "this request did not come from the explorer's page "
                              "(missing or wrong token); reload the page")
            try:
                body = await _json_body(request)
                started = time.perf_counter()
                out = await run_in_threadpool(work, body)
                if isinstance(out, dict) and "timings" in out:
                    out["timings"]["total"] = time.perf_counter() - started
                return _secure(JSONResponse(out))
            except Superseded as exc:
                return _secure(JSONResponse({"errors": [p.message for p in exc.problems],
                                             "superseded": True}, status_code=409))
            except Conflict as exc:
                return _error(409, *[p.message for p in exc.problems])
            except KennanError as exc:
                return _error(422, *[p.message for p in exc.problems])
        return endpoint

    def run(body: dict) -> dict:
        view = explorer.update(version=body.get("version"), edits=body.get("edits", {}),
                               draws=body.get("draws", explorer.state.draws),
                               seed=body.get("seed", explorer.state.seed), tab=body.get("tab"))
        return view.as_json()

    def save(body: dict) -> dict:
        path, loaded = explorer.save(version=body.get("version"), name=body.get("name"),
                                     why=body.get("why", ""), reasons=body.get("reasons"),
                                     overwrite=body.get("overwrite", False), tab=body.get("tab"))
        return {"path": str(path), "summary": "valid: " + describe_counts(entity_counts(loaded))}

    def export(body: dict) -> dict:
        path = explorer.export(version=body.get("version"), name=body.get("name"),
                               overwrite=body.get("overwrite", False), tab=body.get("tab"),
                               sobol_base=0,
                               points=500, replicates=4)
        return {"path": str(path)}

    def sensitivity(body: dict) -> dict:
        from kennan.explore.ranking import sensitivity_html

        result = explorer.sensitivity(version=body.get("version"),
                                      method=body.get("method", "morris"), size=body.get("size"),
                                      tab=body.get("tab"))
        return {"html": sensitivity_html(result), "judgments": list(result.table["judgment"])}

    def flips(body: dict) -> dict:
        from kennan.explore.ranking import flips_html

        found = explorer.flips(version=body.get("version"), points=body.get("points"),
                               replicates=body.get("replicates"), tab=body.get("tab"))
        labels = {c.id: c.label for c in explorer.current.model.policies}
        return {"html": flips_html(found, labels)}

    def mechanism(body: dict) -> dict:
        from kennan.explore.ranking import mechanism_html

        return {"html": mechanism_html(explorer.current)}

    def split(body: dict) -> dict:
        from kennan.explore.ranking import split_html

        draws, replications = body.get("draws", 1000), body.get("replications", 8)
        frame = explorer.decompose(version=body.get("version"), draws=draws,
                                   replications=replications, tab=body.get("tab"))
        labels = {c.id: c.label for c in explorer.current.model.policies}
        return {"html": split_html(frame, labels, draws=draws, replications=replications)}

    routes = [Route("/", page), Route("/static/{name}", static),
              Route("/api/run", action(run), methods=["POST"]),
              Route("/api/save", action(save), methods=["POST"]),
              Route("/api/export", action(export), methods=["POST"]),
              Route("/api/sensitivity", action(sensitivity), methods=["POST"]),
              Route("/api/flips", action(flips), methods=["POST"]),
              Route("/api/mechanism", action(mechanism), methods=["POST"]),
              Route("/api/split", action(split), methods=["POST"])]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=[HOST, "localhost"])]
    return Starlette(routes=routes, middleware=middleware)


async def _json_body(request: Request) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise UsageError("malformed request: expected a JSON body (Content-Type: "
                         "application/json)")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise UsageError(f"malformed request: larger than {MAX_BODY:,} bytes")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"malformed request: not JSON ({exc})") from None
    if not isinstance(body, dict):
        raise UsageError("malformed request: expected a JSON object")
    return body


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, *messages: str) -> Response:
    return _secure(JSONResponse({"errors": list(messages)}, status_code=status))


def bind(port: int) -> socket.socket:
    """A socket listening on 127.0.0.1:``port`` (0: any free port), or a clear error."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, got {port}")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {HOST} is already in use (another kennan explore?);"
                             f" choose another with --port, e.g. --port {port + 1}") from None
        raise UsageError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
    return sock


def serve(scenario: str | Path, *, port: int = DEFAULT_PORT, open_browser: bool = True,
          draws: int | None = None, seed: int = 0, folder: str | Path = ".") -> None:
    """Explore ``scenario`` at http://127.0.0.1:``port``/ until interrupted."""
    import uvicorn

    sock = bind(port)  # first: a taken port is said before any time is spent
    try:
        options = {"draws": draws} if draws is not None else {}
        explorer = Explorer(scenario, seed=seed, folder=folder, **options)
        settle()  # what lives as long as the server, out of the garbage collector's way
        url = f"http://{HOST}:{sock.getsockname()[1]}/"
        config = uvicorn.Config(create_app(explorer), log_level="warning", lifespan="off",
                                access_log=False)
        server = uvicorn.Server(config)
        print(f"kennan explore: {explorer.original.id} at {url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            threading.Timer(0.3, webbrowser.open, (url,)).start()
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()

"""Shared fixtures of the explorer tests: the toy scenario and a small explorer of it."""

from __future__ import annotations

from pathlib import Path

import pytest

TOY = Path(__file__).resolve().parent.parent / "fixtures" / "toy.yaml"
#: Enough draws for the toy's numbers to move visibly, few enough to keep tests quick.
DRAWS = 400


@pytest.fixture
def explorer(tmp_path):
    """An explorer of the toy scenario saving into a fresh folder."""
    from kennan.explore.session import Explorer

    return Explorer(TOY, draws=DRAWS, folder=tmp_path)


@pytest.fixture
def served(explorer):
    """The explorer's server on a free port of 127.0.0.1, in a thread: (url, token)."""
    import threading
    import time

    import uvicorn

    from kennan.explore.server import bind, create_app

    token = "test-token"
    sock = bind(0)
    config = uvicorn.Config(create_app(explorer, token=token), log_level="warning",
                            lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", token
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()

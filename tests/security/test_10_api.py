"""Item 10: ``kennan.run`` checks its arguments as the command line does, with the same
messages."""

from __future__ import annotations

import pytest

import kennan
from kennan.cli.app import app
from kennan.errors import UsageError

from .conftest import FIXTURES, one_line

TOY = str(FIXTURES / "toy.yaml")


@pytest.mark.parametrize(("options", "message"), [
    ({"draws": "100"}, "draws must be a whole number, got '100'"),
    ({"draws": True}, "draws must be a whole number, got True"),
    ({"draws": 0}, "draws must be at least 1, got 0"),
    ({"seed": 1.5}, "seed must be a whole number, got 1.5"),
    ({"seed": -1}, "seed must be at least 0, got -1"),
    ({"chunk_size": 0}, "chunk_size must be at least 1, got 0"),
    ({"courses": "wait"}, "courses must be a list of course ids, got the text 'wait'"),
    ({"courses": []}, "courses must name at least one course"),
    ({"courses": [1]}, "courses must be course ids (text), got 1"),
])
def test_bad_arguments_are_refused(options, message):
    with pytest.raises(UsageError) as info:
        kennan.run(TOY, **options)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(("args", "message"), [
    (["--draws", "0"], "draws must be at least 1, got 0"),
    (["--seed", "-1"], "seed must be at least 0, got -1"),
    (["--chunk-size", "0"], "chunk_size must be at least 1, got 0"),
    (["--courses", ","], "courses must name at least one course (leave it out for every "
                         "course)"),
])
def test_the_command_line_says_the_same(runner, args, message):
    result = runner.invoke(app, ["run", TOY, *args])
    assert result.exit_code == 1
    assert one_line(result.stderr) == message


def test_numpy_integers_are_whole_numbers():
    import numpy as np

    assert kennan.run(TOY, draws=np.int64(20), seed=np.uint8(3)).draws == 20

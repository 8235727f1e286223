"""Running the Node client tests from pytest: Node and the pinned packages, or a skip (a failure under CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

CLIENTS = Path(__file__).resolve().parent
INSTALLED = CLIENTS / "node_modules" / ".installed"


def require_node() -> str:
    """The node binary; skip (or fail under CI=true) when Node or `make client-deps` is missing."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed (Node 20 runs the mini-program client tests)"
    elif not INSTALLED.exists():
        problem = "the client test packages are not installed (run `make client-deps`)"
    if problem:
        if IN_CI:
            pytest.fail(f"{problem}; under CI=true these tests must run")
        pytest.skip(problem)
    return node


def run_node_tests(test_file: Path, env: dict[str, str], timeout: float = 240) -> None:
    """Run one `node --test` file; fail with its TAP output when any of its tests fails."""
    node = require_node()
    result = subprocess.run([node, "--test", "--test-reporter=tap", str(test_file)], cwd=CLIENTS,
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"node --test {test_file.name} failed:\n{result.stdout[-12000:]}\n{result.stderr[-4000:]}",
                    pytrace=False)

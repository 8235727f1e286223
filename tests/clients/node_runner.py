"""Running the Node client tests from pytest: Node and the pinned packages, or a skip (a failure under CI)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

CLIENTS = Path(__file__).resolve().parent
NODE_MODULES = CLIENTS / "node_modules"
INSTALLED = NODE_MODULES / ".installed"


def require_node(*packages: str) -> str:
    """The node binary; skip (or fail under CI=true) when Node, `make client-deps` or a package is missing."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed (Node 20 runs the client SDK tests)"
    elif not INSTALLED.exists():
        problem = "the client test packages are not installed (run `make client-deps`)"
    else:
        missing = [p for p in packages if not (NODE_MODULES / p / "package.json").is_file()]
        if missing:
            problem = f"{', '.join(missing)} not installed in tests/clients (run `make client-deps`)"
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


def run_node_json(script: str, *args: str, packages: tuple[str, ...], timeout: float = 90) -> dict[str, Any]:
    """Run tests/clients/<script> with `args`; its last stdout line is JSON. Fails with stderr on error."""
    node = require_node(*packages)
    done = subprocess.run([node, str(CLIENTS / script), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=CLIENTS)
    assert done.returncode == 0, f"{script} failed ({done.returncode}):\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])

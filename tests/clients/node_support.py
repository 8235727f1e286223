"""Running the client SDK scripts under Node 20 against the local stack.

The SDKs come from tests/clients/package.json + lock (`make client-deps`). Outside CI the tests skip
when Node or the installed SDKs are missing; under CI=true a missing one fails the test.
"""

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


def require_node() -> str:
    """The node binary, or skip (outside CI) / fail (CI) with the reason."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed"
    elif not (NODE_MODULES / ".installed").exists():
        problem = "the client SDKs are not installed (make client-deps)"
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} under CI=true")
        pytest.skip(problem)
    return node


def run_node(script: str, config: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """Run tests/clients/<script> with `config` as JSON on argv; return the JSON of its last `RESULT ` line."""
    node = require_node()
    done = subprocess.run([node, str(CLIENTS / script), json.dumps(config)], capture_output=True, text=True,
                          timeout=timeout, cwd=CLIENTS, env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    lines = [line[len("RESULT "):] for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise AssertionError(f"{script} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])

"""Running the official SDKs' Node scripts: Node 20 and the packages `make client-deps` installs.

Outside CI a missing Node or missing packages skip the test with the reason; under CI=true they fail,
because the project's own files (Makefile, tests/clients/package-lock.json) install them there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

CLIENTS = Path(__file__).resolve().parent
NODE_MODULES = CLIENTS / "node_modules"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} under CI=true: `make test` installs what the client tests need")
    pytest.skip(reason)


def require_node(*packages: str) -> str:
    """The node executable, after checking the packages are installed; skips (fails in CI) otherwise."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed (the client SDK tests need Node 20)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 20:
        _missing(f"node {version} is older than Node 20")
    for package in packages:
        if not (NODE_MODULES / package / "package.json").is_file():
            _missing(f"{package} is not installed in tests/clients (run `make client-deps`)")
    return node


def package_version(package: str) -> str:
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def run_node_json(script: str, *args: str, packages: tuple[str, ...], timeout: float = 90) -> dict[str, Any]:
    """Run tests/clients/<script> with `args`; its last stdout line is JSON. Fails with stderr on error."""
    node = require_node(*packages)
    done = subprocess.run([node, str(CLIENTS / script), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=CLIENTS)
    assert done.returncode == 0, f"{script} failed ({done.returncode}):\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])

"""Running one client SDK script under Node 20 against the local stack and reading its outcome.

The SDKs come from tests/clients/package.json + lock (`make client-deps`); require_node skips outside CI
when Node or the packages are missing and fails under CI=true.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from tests.clients.node_runner import CLIENTS, require_node

NODE_MODULES = CLIENTS / "node_modules"


def run_node(script: str, config: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """Run tests/clients/<script> with `config` as JSON on argv; return the JSON of its last `RESULT ` line."""
    node = require_node()
    done = subprocess.run([node, str(CLIENTS / script), json.dumps(config)], capture_output=True, text=True,
                          timeout=timeout, cwd=CLIENTS, env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    lines = [line[len("RESULT "):] for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise AssertionError(f"{script} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])

"""Importing a function loads no cloud SDK, no cryptography and no database driver: those come with the first
request that needs them, so a cold start pays only for what that request uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.template import load_template

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("aliyunsdk", "tencentcloud", "cryptography", "jwt", "pymysql", "psycopg", "requests", "urllib3")
FOLDERS = sorted({fn.folder for fn in load_template(REPO / "template.yaml").functions})
PROBE = """
import importlib.util, json, sys
sys.path.insert(0, sys.argv[2])
spec = importlib.util.spec_from_file_location("index", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
heavy = tuple(sys.argv[3].split(","))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules if name.startswith(heavy)})))
"""


@pytest.mark.parametrize("folder", FOLDERS)
def test_importing_a_function_loads_nothing_heavy(folder):
    done = subprocess.run([sys.executable, "-I", "-c", PROBE, str(REPO / folder / "index.py"), str(REPO / "shared"),
                           ",".join(HEAVY)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_probe_sees_a_heavy_import(tmp_path):
    """The check can fail: a function that imports the SDK at module level is caught."""
    index = tmp_path / "index.py"
    index.write_text("import json\nimport cryptography\n")
    done = subprocess.run([sys.executable, "-c", PROBE, str(index), str(REPO / "shared"), ",".join(HEAVY)],
                          capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["cryptography"]

"""Loading an Aliyun function imports no cloud SDK (they load on the first call)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ["aliyun_vod_upload_video", "aliyun_vod_refresh_video", "aliyun_vod_upload_image", "aliyun_sts",
           "aliyun_oss_post_policy"]


def modules_loaded_by(folders: list[str], handler: str, prefixes: tuple[str, ...]) -> str:
    """Load each function's index.py in a fresh interpreter; print the loaded modules under `prefixes`."""
    script = (
        "import importlib.util, sys\n"
        f"sys.path.insert(0, {str(REPO / 'shared')!r})\n"
        f"for folder in {folders!r}:\n"
        f"    spec = importlib.util.spec_from_file_location('fn_' + folder, {str(REPO)!r} + '/functions/' + folder + '/index.py')\n"
        "    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        f"    assert callable(module.{handler})\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {prefixes!r}))\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def test_function_modules_import_no_sdk():
    assert modules_loaded_by(FOLDERS, "handler", ("aliyunsdkcore", "aliyunsdksts", "aliyunsdkvod", "oss2")) == "[]"

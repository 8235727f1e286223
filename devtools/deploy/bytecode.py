"""Byte-compile for the target Python, with that Python: bytecode of another version would be ignored."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path


def _version_of(executable: str) -> str | None:
    try:
        done = subprocess.run([executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_interpreter(python: str) -> str | None:
    """A CPython `python` (e.g. "3.10") on this machine: this one, UPVEND_PYTHON_3_10, python3.10 on PATH,
    or a pyenv installation; None when there is none."""
    if "%d.%d" % sys.version_info[:2] == python:
        return sys.executable
    candidates = [os.environ.get("UPVEND_PYTHON_" + python.replace(".", "_"), ""), shutil.which(f"python{python}") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{python}.*", "bin", f"python{python}")),
                         reverse=True)
    for candidate in filter(None, candidates):
        if _version_of(candidate) == python:
            return candidate
    return None


def compile_tree(interpreter: str, folder: Path, runtime_path: str) -> list[str]:
    """Write __pycache__/*.pyc for every .py under `folder`; tracebacks name `runtime_path`/... .
    unchecked-hash pycs are used without comparing source mtimes, which zip round-trips do not keep
    exactly (and /opt is read-only, so a stale pyc could never be rewritten). Returns compile errors."""
    done = subprocess.run([interpreter, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                           "-s", str(folder), "-p", runtime_path, str(folder)], capture_output=True, text=True)
    if done.returncode == 0:
        return []
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]

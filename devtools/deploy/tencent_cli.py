"""The Tencent deploy tools `make deploy` runs, and the versions the rendered files need.

- `scf` must be Serverless Cloud Framework (npm serverless-cloud-framework) 1.2.0 or later. The rendered
  functions are reached through function URLs (`http` events): 1.2.0 (2024-06-27, "feat: 函数URL") is the
  first CLI that tells the platform it speaks them, and the `scf` component runs on Tencent's platform, not
  on this machine (the CLI sends the inputs to it). The component's public source (serverless-components/
  tencent-scf, last tag 0.9.10, `serverless.component.yml` still 0.9.7) accepts only apigw, cos, timer, cmq,
  ckafka, cls, mps and clb events and lists no Python3.10: the files follow the registry's current `scf`
  component as Tencent's SCF component guide documents it (cloud.tencent.com/document/product/1154/43228:
  `events: - http: parameters: {netConfig, qualifier, authType}`), which deploys with tencent-component-toolkit
  2.26.0 or later (2024-06-11, "feat: 支持函数URL"; the function URL's corsConfig needs the 2025-05-28 change).
  That component version has no public source to pin, so `component: scf` stays unpinned and the CLI
  version is what `make deploy` checks.
- The retired Python SCF CLI (`pip install scf`, package tcfcli) installs a command of the same name that
  knows neither serverless.yml nor function URLs: refused.
- tccli (PyPI tccli) sets each function's reserved quota (PutReservedConcurrencyConfig), which the scf
  component has no input for.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Callable

MINIMUM_SCF = (1, 2, 0)
_VERSION = re.compile(r"serverless-cloud-framework version: (\d+)\.(\d+)\.(\d+)")
INSTALL_SCF = "npm i -g serverless-cloud-framework"
INSTALL_TCCLI = "pip install tccli, then `tccli configure` (the same SecretId/SecretKey)"


class ToolProblem(RuntimeError):
    """The installed tool cannot deploy the rendered files; the message says what to install."""


def scf_version(text: str) -> tuple[int, int, int] | None:
    """The version in `scf --version` output ("serverless-cloud-framework version: 1.3.0(npm)")."""
    match = _VERSION.search(text)
    return (int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


def check_scf_cli(which: Callable[[str], str | None]) -> None:
    """Refuse an installed `scf` that is the retired Python CLI or a Serverless Cloud Framework older than
    the function URLs the files use."""
    path = which("scf")
    if path is None:
        return
    try:
        head = Path(path).read_bytes()[:4096].decode("utf-8", "replace")
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolProblem(f"`scf --version` at {path} did not answer ({exc}); reinstall it: {INSTALL_SCF}") from None
    output = done.stdout + done.stderr
    if "tcfcli" in head or re.search(r"^\[o\] Version: 0\.", output, re.MULTILINE):
        raise ToolProblem(f"`scf` at {path} is the retired Python SCF CLI (pip package scf / tcfcli): it cannot "
                          "deploy serverless.yml apps. Uninstall it (`pip uninstall scf`) and install Serverless "
                          f"Cloud Framework: {INSTALL_SCF}")
    version = scf_version(output)
    wanted = ".".join(map(str, MINIMUM_SCF))
    if version is None:
        raise ToolProblem(f"`scf --version` at {path} printed no serverless-cloud-framework version; the rendered "
                          f"files need Serverless Cloud Framework {wanted} or later: {INSTALL_SCF}")
    if version < MINIMUM_SCF:
        raise ToolProblem(f"`scf` at {path} is serverless-cloud-framework {'.'.join(map(str, version))}; the "
                          f"rendered functions use function URLs (`http` events), which need {wanted} or later: "
                          f"{INSTALL_SCF}")


def reserved_concurrency_commands(reserved_file: Path, region: str) -> list[tuple[str, list[str]]]:
    """(description, argv) of each PutReservedConcurrencyConfig in build/tencent/reserved-concurrency.json."""
    if not reserved_file.is_file():
        return []
    steps = []
    for entry in json.loads(reserved_file.read_text(encoding="utf-8")):
        steps.append((f"reserve {entry['ReservedConcurrencyMem']} MB of concurrency for {entry['FunctionName']} "
                      "(its instance cap)",
                      ["tccli", "scf", "PutReservedConcurrencyConfig", "--region", region,
                       "--FunctionName", entry["FunctionName"], "--Namespace", entry["Namespace"],
                       "--ReservedConcurrencyMem", str(entry["ReservedConcurrencyMem"])]))
    return steps

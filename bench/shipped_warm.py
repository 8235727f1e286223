"""Warm latency of what ships: one process per function on the packaged layer, at the log level the
environment sets (INFO by default) with the function's own logging writing to a null sink; then the
request log line alone, in the same process."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.shipped import Shipped
from bench.shipped_cold import Target, function_target, spawn


def warm_target(shipped: Shipped, python: str, fn: Any, event: Path, calls: int) -> Target:
    target = function_target(shipped, python, fn, event)
    target.argv[2] = "warm"
    target.argv.append(str(calls))
    return target


def measure(targets: list[Target], env: dict[str, str]) -> dict[str, Any]:
    """{function: {warm: p50/p99 µs, log_line: p50/mean µs, log_level}} from one process each."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for target in targets:
            answer = spawn(target, env, Path(tmp) / "result.json")
            out[target.label] = {"warm": answer["warm"], "log_line": answer["log_line"], "python": answer["python"],
                                 "log_level": env.get("UPVEND_LOG_LEVEL", "INFO (default)")}
    return out

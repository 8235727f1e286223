"""Cold start of what ships: a fresh interpreter per sample, timed from spawn to first answer, interleaved
round-robin with a bare interpreter and the baselines, reported as min / median and over the bare one."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.shipped import Shipped

BASELINES = Path(__file__).with_name("baselines")
# The functions whose jobs the baselines do too: the upvend function -> the baselines' file stem.
BASELINE_JOBS = {"aliyun-sts": "aliyun_sts", "aliyun-oss-post-policy": "aliyun_oss_post_policy",
                 "tencent-vod-signature": "tencent_vod_signature"}


@dataclass
class Target:
    """One kind of process to start: what it runs, on which interpreter, with which import path."""

    label: str
    argv: list[str]
    pythonpath: str
    cwd: str
    bare: str  # the label of the bare interpreter this one is compared with


def spawn(target: Target, env: dict[str, str], result: Path) -> dict[str, Any]:
    """Start `target` once; its answer time less the spawn time is the cold start (one monotonic clock)."""
    child_env = {**env, "PYTHONPATH": target.pythonpath, "PYTHONDONTWRITEBYTECODE": "1"}
    result.unlink(missing_ok=True)
    spawned = time.perf_counter()
    done = subprocess.run([str(result) if a == "RESULT" else a for a in target.argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=child_env, cwd=target.cwd, timeout=120)
    if done.returncode != 0 or not result.exists():
        raise RuntimeError(f"{target.label}: exit {done.returncode}\n{done.stderr.decode()[-2000:]}")
    out = json.loads(result.read_text())
    out["total_ms"] = (out["answered"] - spawned) * 1000
    if "started" in out:
        out["interpreter_ms"] = (out["started"] - spawned) * 1000
        out["import_ms"] = (out["imported"] - out["started"]) * 1000
        out["first_call_ms"] = (out["answered"] - out["imported"]) * 1000
    return out


def function_target(shipped: Shipped, python: str, fn: Any, event: Path) -> Target:
    """The packaged function `fn`, started the way its platform starts it; compared with a bare interpreter
    that has its provider's layer on the import path (see `bare_target`)."""
    return Target(fn.name, [python, str(shipped.runtime / "bootstrap.py"), "cold", "RESULT", str(event),
                            fn.provider, fn.name, fn.module, fn.attribute],
                  shipped.pythonpath(fn.name), str(shipped.functions[fn.name]), bare=_bare_label(python, fn.provider))


def baseline_target(kind: str, function: Any, python: str, runtime: Path, event: Path) -> Target:
    """A `stdlib_*` or `sdk_*` baseline of `function`'s job, from bench/baselines."""
    module = f"{kind}_{BASELINE_JOBS[function.name]}"
    return Target(f"{kind}:{function.name}", [python, str(runtime / "bootstrap.py"), "cold", "RESULT", str(event),
                                              function.provider, function.name, module, "handler"],
                  str(BASELINES), str(BASELINES), bare=f"bare:{python}")


def _bare_label(python: str, layer_of: str | None) -> str:
    return f"bare:{python}" + (f" with the {layer_of} layer on the path" if layer_of else "")


def bare_target(python: str, runtime: Path, shipped: Shipped | None = None) -> Target:
    """The same interpreter running a script that only writes its answer time; with `shipped`, with that
    provider's layer on the import path, so that whatever the interpreter's own start-up imports (a .pth
    file in its site-packages, say) resolves the same way for it as for the functions."""
    label = _bare_label(python, shipped.provider if shipped else None)
    return Target(label, [python, str(runtime / "bare.py"), "RESULT"], shipped.pythonpath(None) if shipped else "",
                  str(runtime), bare=label)


def _summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    totals = [s["total_ms"] for s in samples]
    out = {"min_ms": min(totals), "median_ms": statistics.median(totals), "runs": len(samples),
           "peak_rss_mib": max(s.get("peak_rss_mib", 0) for s in samples)}
    for part in ("interpreter_ms", "import_ms", "first_call_ms"):
        if part in samples[0]:
            out[part] = statistics.median(s[part] for s in samples)
    for flag in ("status", "python", "has_cryptography", "has_pydantic"):
        if flag in samples[0]:
            out[flag] = samples[0][flag]
    return out


def measure(targets: list[Target], runs: int, env: dict[str, str]) -> dict[str, Any]:
    """{label: summary} over `runs` samples per target, taken round-robin; each with min/median over its bare."""
    samples: dict[str, list[dict[str, Any]]] = {t.label: [] for t in targets}
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        for target in targets:  # one unmeasured start each: the first start reads files from disk
            spawn(target, env, result)
        for _ in range(runs):
            for target in targets:
                samples[target.label].append(spawn(target, env, result))
    out = {t.label: _summary(samples[t.label]) for t in targets}
    for target in targets:
        bare = out.get(target.bare)
        if bare is not None and target.label != target.bare:
            out[target.label]["over_bare_min_ms"] = out[target.label]["min_ms"] - bare["min_ms"]
            out[target.label]["over_bare_median_ms"] = out[target.label]["median_ms"] - bare["median_ms"]
    return out


def sdk_python() -> str:
    """The interpreter the SDK-heavy baselines run on: this one, which has their packages installed."""
    return sys.executable


def environment(settings: dict[str, str]) -> dict[str, str]:
    """The platform's environment for a child: the function settings, without this process's import path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **settings}

"""Cold start per HTTP function, and for the two baselines of the jobs they share, in fresh processes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.jobs import Job, event_bytes
from devtools.gateway.registry import REPO

BASELINES = REPO / "bench" / "baselines"
# Baseline jobs: the upvend function and the route it answers.
BASELINE_JOBS = {"aliyun-sts": "aliyun_sts", "aliyun-oss-post-policy": "aliyun_oss_post_policy",
                 "tencent-vod-signature": "tencent_vod_signature"}


def _run_child(module: Path, attribute: str, layer: str, event_file: Path, provider: str, name: str,
               env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(REPO / "bench" / "child.py"), str(module), attribute, layer,
                          str(event_file), provider, name], capture_output=True, text=True, env=env, timeout=120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"{name}: child failed\n{out.stderr[-2000:]}")
    return json.loads(line[6:])


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"median_ms": statistics.median(r["total_ms"] for r in runs),
            "import_ms": statistics.median(r["import_ms"] for r in runs),
            "first_call_ms": statistics.median(r["first_call_ms"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "status": runs[0]["status"], "runs": len(runs),
            "has_cryptography": runs[0]["has_cryptography"]}


def measure(jobs: list[Job], runs: int, env: dict[str, str]) -> dict[str, Any]:
    """{function: {upvend: summary, stdlib?: summary, sdk?: summary}} with medians over `runs` fresh processes."""
    child_env = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for job in jobs:
            fn = job.function
            event_file = Path(tmp) / f"{fn.name}.json"
            event_file.write_bytes(event_bytes(job))
            targets = {"upvend": (REPO / fn.folder / f"{fn.module}.py", fn.attribute, str(REPO / "shared"))}
            if fn.name in BASELINE_JOBS:
                base = BASELINE_JOBS[fn.name]
                targets["stdlib"] = (BASELINES / f"stdlib_{base}.py", "handler", "")
                targets["sdk"] = (BASELINES / f"sdk_{base}.py", "handler", "")
            entry = results.setdefault(fn.name, {"route": f"{job.method} {job.path}"})
            for label, (module, attribute, layer) in targets.items():
                # Fresh event each run for signed callbacks would be fairer to replay protection; the
                # events here carry no nonce, so one file serves every run.
                samples = [_run_child(module, attribute, layer, event_file, fn.provider, fn.name, child_env)
                           for _ in range(runs)]
                entry[label] = _summary(samples)
    return results


def jwt_import_cost(runs: int) -> dict[str, float]:
    """Median ms to import PyJWT plainly and without its cryptography backend, each in a fresh process."""
    code = {"plain": "import time;t=time.perf_counter();import jwt;print((time.perf_counter()-t)*1000)",
            "upvend": "import sys,time;sys.path.insert(0,{layer!r});t=time.perf_counter();import upvend.auth;"
                      "print((time.perf_counter()-t)*1000)".format(layer=str(REPO / "shared")),
            "plain_upvend_auth_deps": "import time;t=time.perf_counter();import jwt, upvend.settings, upvend.errors;"
                                      "print((time.perf_counter()-t)*1000)"}
    env = {**os.environ, "PYTHONPATH": str(REPO / "shared")}
    out: dict[str, float] = {}
    for label, snippet in code.items():
        values = [float(subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, env=env,
                                       check=True).stdout.strip()) for _ in range(runs)]
        out[label] = statistics.median(values)
    return out

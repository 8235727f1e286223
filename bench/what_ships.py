"""The sections of `make bench` that run what ships: cold start, warm latency with the log line alone,
sizes, and the HTTP path comparison, on the packaged layer and function zips, in the platform's layout,
on the platform's CPython."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import http_path, shipped, shipped_cold, shipped_warm
from bench.jobs import Job, event_bytes

# Measured cold: the signing functions, STS (first AssumeRole through the SDK), and one more
# signing function per cloud.
COLD = ("tencent-vod-signature", "aliyun-oss-post-policy", "aliyun-sts", "tencent-cos-post-policy")
SIGNING = ("tencent-vod-signature", "aliyun-oss-post-policy", "tencent-cos-post-policy")


def build(template: Any, root: Path) -> dict[str, shipped.Shipped]:
    """Both providers' packages, unpacked under `root`."""
    return {provider: shipped.build(template, provider, root / provider) for provider in ("aliyun", "tencent")}


def _event(job: Job, folder: Path) -> Path:
    path = folder / f"{job.function.name}.json"
    path.write_bytes(event_bytes(job))
    return path


def run(template: Any, jobs: dict[str, Job], settings: dict[str, str], root: Path, *, runs: int, warm_calls: int,
        sections: set[str]) -> dict[str, Any]:
    """{interpreter, cold_start, warm, sizes, http_path} for the sections asked for."""
    packages = build(template, root)
    python, label = shipped.interpreter(template.python)
    sdk_python = shipped_cold.sdk_python()
    runtime = packages["aliyun"].runtime
    env = shipped_cold.environment(settings)
    out: dict[str, Any] = {"interpreter": {"functions": label, "stdlib_baselines": label,
                                           "sdk_baselines": f"CPython {_version(sdk_python)} ({sdk_python}): "
                                           "the SDK-heavy baselines' packages are installed for it"}}
    if "sizes" in sections:
        out["sizes"] = {provider: shipped.sizes(package) for provider, package in packages.items()}
        out["peak_rss"] = _peak_rss(packages, python, jobs, root, env)
    if "cold" in sections:
        targets = [shipped_cold.bare_target(python, runtime),
                   *(shipped_cold.bare_target(python, runtime, package) for package in packages.values())]
        if sdk_python != python:
            targets.append(shipped_cold.bare_target(sdk_python, runtime))
        for name in COLD:
            fn = jobs[name].function
            event = _event(jobs[name], root)
            targets.append(shipped_cold.function_target(packages[fn.provider], python, fn, event))
            if name in shipped_cold.BASELINE_JOBS:
                targets.append(shipped_cold.baseline_target("stdlib", fn, python, runtime, event))
                targets.append(shipped_cold.baseline_target("sdk", fn, sdk_python, runtime, event))
        out["cold_start"] = {"samples": shipped_cold.measure(targets, runs, env)}
    if "warm" in sections:
        targets = [shipped_warm.warm_target(packages[jobs[n].function.provider], python, jobs[n].function,
                                            _event(jobs[n], root), warm_calls) for n in SIGNING]
        out["warm"] = shipped_warm.measure(targets, env)
    if "http" in sections:
        event = _event(jobs["tencent-vod-signature"], root)
        out["http_path"] = {"one_route": http_path.one_route(python, runtime, packages["aliyun"].layer_path, event,
                                                             runs, warm_calls, env),
                            "token_check": http_path.token_check(warm_calls)}
    return out


def _peak_rss(packages: dict[str, shipped.Shipped], python: str, jobs: dict[str, Job], root: Path,
              env: dict[str, str]) -> dict[str, Any]:
    """{function: peak RSS MiB at its first answer, and that answer's status}, one fresh process each."""
    import tempfile

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, job in sorted(jobs.items()):
            package = packages[job.function.provider]
            if name not in package.functions:
                continue
            answer = shipped_cold.spawn(shipped_cold.function_target(package, python, job.function, _event(job, root)),
                                        env, Path(tmp) / "result.json")
            out[name] = {"peak_rss_mib": answer["peak_rss_mib"], "status": answer["status"]}
    return out


def _version(python: str) -> str:
    import subprocess

    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"], capture_output=True,
                          text=True, timeout=30).stdout.strip()

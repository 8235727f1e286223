"""`make bench`: run every benchmark against the local stack, print a table, write bench/results.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from devtools.gateway.registry import REPO, Registry
from devtools.stack import LocalStack
from devtools.template import load_template

RESULTS = REPO / "bench" / "results.json"


def _machine() -> dict[str, Any]:
    model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.system()}


def _jobs(stack: LocalStack, registry: Registry) -> dict[str, Any]:
    import httpx

    from bench.jobs import request_for
    from bench.vod_videos import VIDEO_BYTES, upload_file
    from upvend.auth import issue_token

    token = issue_token("o-bench")[0]
    answer = httpx.post(f"{stack.gateway_url}/aliyun/vod/upload-video", headers={"Authorization": f"Bearer {token}"},
                        json={"title": "Bench", "fileName": "bench.mp4", "fileSize": len(VIDEO_BYTES)},
                        timeout=30).json()
    upload_file(answer["uploadAddress"], answer["uploadAuth"])  # the VOD callback reads the video back from VOD
    video = answer["videoId"]
    return {fn.spec.name: request_for(stack, fn.spec, fn.spec.http[0].method, fn.spec.http[0].path, token, video)
            for fn in registry.functions.values() if fn.spec.http and not fn.spec.local_only}


def _sizes(template: Any) -> dict[str, Any]:
    from devtools.deploy.package import package

    out: dict[str, Any] = {}
    for provider in ("aliyun", "tencent"):
        built = package(template, provider, repo=REPO, out=REPO / "build" / provider, cache_root=REPO / "build" / "wheels")
        out[provider] = {"layer_kb": built.layer.size / 1024, "layer_unpacked_kb": built.layer.unpacked / 1024,
                         "functions_kb": {n: a.size / 1024 for n, a in built.functions.items()}}
    return out


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def report(results: dict[str, Any]) -> str:
    lines = [f"upvend bench — {results['machine']['cpu']} ({results['machine']['cores']} cores), "
             f"Python {results['machine']['python']}", "",
             "1. Cold start (fresh process: import handler + first invocation; median ms, peak RSS MB)",
             f"   {'function':28} {'upvend':>9} {'RSS':>6} {'stdlib':>9} {'RSS':>6} {'ratio':>7} "
             f"{'sdk-heavy':>10} {'RSS':>6} {'ratio':>7}"]
    for name, entry in results["cold_start"].items():
        up = entry["upvend"]
        row = f"   {name:28} {up['median_ms']:9.1f} {up['peak_rss_mb']:6.1f}"
        if "stdlib" in entry:
            std, sdk = entry["stdlib"], entry["sdk"]
            row += (f" {std['median_ms']:9.1f} {std['peak_rss_mb']:6.1f} {_ratio(up['median_ms'], std['median_ms']):>7}"
                    f" {sdk['median_ms']:10.1f} {sdk['peak_rss_mb']:6.1f} {_ratio(up['median_ms'], sdk['median_ms']):>7}")
        lines.append(row + ("" if up["status"] == 200 else f"   (status {up['status']})"))
    jwt = results["jwt_import_ms"]
    lines += ["", f"   import PyJWT: {jwt['plain']:.1f} ms plain; upvend.auth (PyJWT without cryptography) "
                  f"{jwt['upvend']:.1f} ms vs {jwt['plain_upvend_auth_deps']:.1f} ms with it",
              "", "2. Warm latency in-process (ms)"]
    lines += [f"   {n:28} p50 {w['p50_ms']:7.3f}  p99 {w['p99_ms']:7.3f}" for n, w in results["warm"].items()]
    rps = results["gateway_rps"]
    lines += [f"   gateway {rps['route']}: {rps['rps']:.0f} req/s ({rps['workers']} clients, {rps['errors']} errors)",
              "", "3. STS AssumeRole round trips (simulated 30 min, one call per user every 10 s)"]
    sts = results["sts"]
    lines += [f"   cached {sts['cached']['assume_role']} ({sts['cached']['per_user']:.1f}/user) vs no cache "
              f"{sts['no_cache']['assume_role']} ({sts['no_cache']['per_user']:.1f}/user): {sts['reduction']:.0f}x fewer",
              "", "4. Ingest (30 % duplicates, shuffled, concurrent)"]
    for name, r in results["ingest"].items():
        lines.append(f"   {name:12} " + (r["skipped"] if "skipped" in r else
                                         f"{r['events_per_second']:8.0f} events/s  rows exact: {r['exact']}"))
    lines += ["", "5. Sizes (zipped KB)"]
    for provider, s in results.get("sizes", {}).items():
        if "error" in s:
            lines.append(f"   {provider}: {s['error']}")
            continue
        lines.append(f"   {provider} layer {s['layer_kb']:.0f} KB; functions "
                     + ", ".join(f"{n} {kb:.1f}" for n, kb in s["functions_kb"].items()))
    if "many_instances" in results:
        lines += ["", *instances_report(results["many_instances"])]
    if "limits" in results:
        from bench.limit_checks import report as limits_report
        lines += ["", *limits_report(results["limits"])]
    return "\n".join(lines)


def instances_report(runs: dict[str, Any]) -> list[str]:
    from bench.instances import row

    return ["6. Many warm instances, one database (each sender's retry rule; connections counted on the server)",
            *[row(name, r) for name, r in runs.items()]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the upvend benchmarks.")
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per cold-start measurement")
    parser.add_argument("--warm-calls", type=int, default=300)
    parser.add_argument("--ingest", type=int, default=2000, help="deliveries per database")
    parser.add_argument("--no-sizes", action="store_true")
    parser.add_argument("--instances", type=int, default=300, help="warm instances in the many-instance run")
    parser.add_argument("--instance-rate", type=float, default=300, help="notices per second in total")
    parser.add_argument("--instance-seconds", type=float, default=10)
    parser.add_argument("--only-instances", action="store_true", help="run only the many-instance section")
    parser.add_argument("--limit-calls", type=int, default=300, help="calls per side in the usage-limit section")
    parser.add_argument("--uncapped", action="store_true",
                        help="also run --instances straight at each server (fills its connection limit)")
    args = parser.parse_args(argv)

    from bench import cold_start, ingest, limit_checks, loads, many_instances

    # One bench user makes thousands of requests: the usage limits are off except where section 7 measures them.
    for name in (*limit_checks.OFF, "UPVEND_LIMIT_OPEN_UPLOADS"):
        os.environ.setdefault(name, "0")

    if args.only_instances:
        results = {"many_instances": many_instances.run(args.instances, args.instance_rate, args.instance_seconds,
                                                                  args.uncapped)}
        print("\n".join(instances_report(results["many_instances"])))
        (REPO / "bench" / "instances.json").write_text(json.dumps(results, indent=2))
        return

    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack(Path(tmp) / "stack").start()
        try:
            stack.database_path()
            registry = Registry(load_template(REPO / "template.yaml"), REPO)
            jobs = _jobs(stack, registry)
            results: dict[str, Any] = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                       "machine": _machine()}
            results["cold_start"] = cold_start.measure(list(jobs.values()), args.runs, stack.settings)
            results["jwt_import_ms"] = cold_start.jwt_import_cost(args.runs)
            results["warm"] = loads.warm_latency(registry, jobs, args.warm_calls)
            results["gateway_rps"] = loads.gateway_rps(stack.gateway_url, jobs["tencent-vod-signature"], 3.0, 4)
            results["sts"] = loads.sts_round_trips(stack.emulator_url, users=5, minutes=30, every_seconds=10)
            results["ingest"] = ingest.run(args.ingest, 8, tmp)
            results["limits"] = {"routes": limit_checks.route_cost(registry, jobs, args.limit_calls),
                                 "checks": limit_checks.check_cost(args.limit_calls, tmp)}
        finally:
            stack.stop()
    results["many_instances"] = many_instances.run(args.instances, args.instance_rate, args.instance_seconds,
                                                   args.uncapped)
    if not args.no_sizes:
        try:
            results["sizes"] = _sizes(load_template(REPO / "template.yaml"))
        except Exception as exc:  # packaging needs wheels for the target Python; report why not
            results["sizes"] = {"all": {"error": f"{type(exc).__name__}: {exc}"}}
    RESULTS.write_text(json.dumps(results, indent=2))
    print(report(results))
    print(f"\nwritten: {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()

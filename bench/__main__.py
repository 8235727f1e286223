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


def instances_report(runs: dict[str, Any]) -> list[str]:
    from bench.instances import row

    return ["6. Many warm instances, one database (each sender's retry rule; connections counted on the server)",
            *[row(name, r) for name, r in runs.items()]]


SECTIONS = ("cold", "warm", "sizes", "http", "ingest", "sts", "gateway", "instances", "limits")
# Sections that run against the local stack (the others start what they need themselves).
ON_STACK = {"cold", "warm", "sizes", "http", "ingest", "sts", "gateway", "limits"}


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _selected(args: argparse.Namespace) -> set[str]:
    chosen = set(args.only.split(",")) if args.only else set(SECTIONS)
    chosen -= set(args.skip.split(",")) if args.skip else set()
    unknown = chosen - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s) {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    return chosen


def _on_stack(sections: set[str], args: argparse.Namespace, results: dict[str, Any]) -> None:
    from bench import ingest, limit_checks, loads, what_ships

    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack(Path(tmp) / "stack").start()
        try:
            stack.database_path()
            template = load_template(REPO / "template.yaml")
            registry = Registry(template, REPO)
            jobs = _jobs(stack, registry)
            if sections & {"cold", "warm", "sizes", "http"}:
                results.update(what_ships.run(template, jobs, stack.settings, Path(tmp) / "ships", runs=args.runs,
                                              warm_calls=args.warm_calls, sections=sections))
            if "gateway" in sections:
                results["gateway_rps"] = loads.gateway_rps(stack.gateway_url, jobs["tencent-vod-signature"], 3.0, 4)
            if "sts" in sections:
                results["sts"] = loads.sts_round_trips(stack.emulator_url, users=5, minutes=30, every_seconds=10)
            if "ingest" in sections:
                results["ingest"] = ingest.run(stack, args.ingest, tmp)
            if "limits" in sections:
                results["limits"] = {"routes": limit_checks.route_cost(registry, jobs, args.limit_calls),
                                     "checks": limit_checks.check_cost(args.limit_calls, tmp)}
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the upvend benchmarks.")
    parser.add_argument("--only", help="comma-separated sections to run: " + ", ".join(SECTIONS))
    parser.add_argument("--skip", help="comma-separated sections not to run")
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per cold-start target")
    parser.add_argument("--warm-calls", type=int, default=5000, help="timed calls per function, warm")
    parser.add_argument("--ingest", type=int, default=1000, help="deliveries per kind, database and instance count")
    parser.add_argument("--instances", type=int, default=300, help="warm instances in the many-instance run")
    parser.add_argument("--instance-rate", type=float, default=300, help="notices per second in total")
    parser.add_argument("--instance-seconds", type=float, default=10)
    parser.add_argument("--limit-calls", type=int, default=300, help="calls per side in the usage-limit section")
    parser.add_argument("--uncapped", action="store_true",
                        help="also run --instances straight at each server (fills its connection limit)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to merge the figures into")
    parser.add_argument("--no-tables", action="store_true", help="do not regenerate the documentation tables")
    args = parser.parse_args(argv)
    sections = _selected(args)

    from bench import limit_checks, many_instances, report

    # One bench user makes thousands of requests: the usage limits are off except where section 7 measures them.
    for name in (*limit_checks.OFF, "UPVEND_LIMIT_OPEN_UPLOADS"):
        os.environ.setdefault(name, "0")
    # Earlier figures of the sections not run this time are kept.
    results: dict[str, Any] = json.loads(args.results.read_text()) if args.results.is_file() else {}
    results["time"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["machine"] = {**_machine(), "load_average_start": _load_average()}
    results["sections_run"] = sorted(sections)
    if sections & ON_STACK:
        _on_stack(sections, args, results)
    if "instances" in sections:
        results["many_instances"] = many_instances.run(args.instances, args.instance_rate, args.instance_seconds,
                                                       args.uncapped)
    results["machine"]["load_average_end"] = _load_average()
    # When each section's figures were taken: a run of some sections keeps the others' earlier figures.
    for section in sections:
        results.setdefault("measured", {})[section] = {
            "time": results["time"], "load_average_start": results["machine"]["load_average_start"],
            "load_average_end": results["machine"]["load_average_end"]}
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(report.terminal(results))
    if "many_instances" in results:
        print("\n".join(["", *instances_report(results["many_instances"])]))
    if "limits" in results:
        print("\n".join(["", *limit_checks.report(results["limits"])]))
    print(f"\nwritten: {args.results}")
    if not args.no_tables and args.results == RESULTS:
        for path in report.write_tables(results):
            print(f"table regenerated: {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()

"""`make bench` has a realistic first request for every deployable HTTP function, and each one works."""

from __future__ import annotations

import json

from devtools.gateway.events import context_for, read_result
from devtools.gateway.registry import Registry
from devtools.template import load_template
from tests.functional.test_gateway import REPO


def test_every_deployable_http_function_has_a_bench_job_that_succeeds(stack, gateway, login):
    from bench.__main__ import _jobs
    from bench.jobs import event_bytes

    registry = Registry(load_template(REPO / "template.yaml"), REPO)
    jobs = _jobs(stack, registry)
    expected = {fn.name for fn in registry.template.functions if fn.http and not fn.local_only}
    assert set(jobs) == expected
    for name, job in jobs.items():
        loaded = registry.functions[name]
        context, _ = context_for(loaded.spec)
        raw = event_bytes(job)
        event = raw if loaded.spec.provider == "aliyun" else json.loads(raw)
        status, _, body = read_result(loaded.handler(event, context))
        allowed = {404} if job.path.startswith("/media/") else set()  # looks up an id nobody owns
        assert status < 300 or status in allowed, f"{name}: {status} {body[:200]!r}"


def test_the_usage_limit_section_runs_on_a_tiny_sample(stack, tmp_path):
    from bench.__main__ import _jobs
    from bench.limit_checks import check_cost, report, route_cost

    registry = Registry(load_template(REPO / "template.yaml"), REPO)
    routes = route_cost(registry, _jobs(stack, registry), 3)
    checks = check_cost(3, str(tmp_path))
    assert set(routes) == {"tencent-vod-signature", "aliyun-oss-post-policy"}
    for entry in routes.values():
        assert entry["off"]["calls"] == entry["on"]["calls"] == 3 and entry["on"]["p50_ms"] > 0
    assert checks["sqlite"]["calls"] == 3 and checks["sqlite"]["p50_ms"] > 0
    assert len(report({"routes": routes, "checks": checks})) == 1 + len(routes) + len(checks)

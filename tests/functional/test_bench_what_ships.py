"""`make bench`'s sections on what ships run on a tiny sample: packaged, unpacked, started, answered."""

from __future__ import annotations

from devtools.gateway.registry import Registry
from devtools.template import load_template
from tests.functional.test_gateway import REPO


def test_cold_warm_http_and_sizes_run_on_the_packaged_functions(stack, tmp_path, monkeypatch):
    from bench import limit_checks, report, what_ships
    from bench.__main__ import _jobs

    for name in limit_checks.OFF:  # as `make bench` does: the bench user's many requests are not limited
        monkeypatch.setenv(name, "0")
    template = load_template(REPO / "template.yaml")
    jobs = _jobs(stack, Registry(template, REPO))
    results = what_ships.run(template, jobs, stack.settings, tmp_path, runs=1, warm_calls=5,
                             sections={"cold", "warm", "sizes", "http"})
    samples = results["cold_start"]["samples"]
    for name in what_ships.COLD:
        assert samples[name]["status"] == 200 and samples[name]["runs"] == 1, name
        assert samples[name]["median_ms"] > samples[name]["over_bare_median_ms"] > 0
    assert samples["stdlib:aliyun-sts"]["status"] == samples["sdk:aliyun-sts"]["status"] == 200
    for name in what_ships.SIGNING:
        warm = results["warm"][name]
        assert warm["warm"]["calls"] == 5 and warm["warm"]["statuses"] == [200]
        assert warm["log_line"]["calls"] == 5 and warm["log_line"]["p50_us"] > 0  # INFO: the line is written
    assert set(results["http_path"]["one_route"]) == {"Starlette", "small ASGI router"}
    assert results["sizes"]["aliyun"]["layer_zip_mib"] > 0
    assert set(what_ships.COLD) <= set(results["peak_rss"]) <= set(jobs)  # every packaged HTTP function
    assert all(r["peak_rss_mib"] > 0 and r["status"] in (200, 404) for r in results["peak_rss"].values())
    assert "| Measure | Now | Goal |" in report.performance_table(results)


def test_ingest_runs_through_the_handlers_on_a_tiny_sample(stack, tmp_path):
    from bench import ingest

    results = ingest.run(stack, 10, str(tmp_path), instance_counts=(1, 2), databases=("sqlite",))
    for kind in ingest.KINDS:
        for instances in ("1", "2"):
            run = results["runs"]["sqlite"][kind][instances]
            assert run["exact"], (kind, instances, run)
            assert run["answers"] == {"warm-up recorded": int(instances), "recorded": 7, "duplicate": 3}

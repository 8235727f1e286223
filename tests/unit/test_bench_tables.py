"""The performance tables in docs/performance.md and README.md are the ones bench/results.json gives."""

from __future__ import annotations

import json

import pytest

from bench import report


def test_the_committed_tables_match_the_committed_results():
    results = json.loads(report.RESULTS.read_text())
    for path, text in report.expected(results).items():
        assert path.read_text() == text, f"{path.name} is stale: run `python -m bench.report`"


def test_a_goal_is_met_or_missed_by_how_much():
    results = {"warm": {name: {"warm": {"p50_us": p50, "p99_us": 900.0}, "log_line": {"p50_us": 31.5}}
                        for name, p50 in zip(report.SIGNING, (120.0, 180.0))},
               "ingest": {"runs": {"mariadb": {"oss-callback": {"1": {"events_per_second": 1250.0}}}}}}
    rows = {what: (now, goal, verdict) for what, now, goal, verdict in report.goal_rows(results)}
    assert rows["Warm p50, tencent-vod-signature, log level INFO"] == ("120 µs", "≤ 150 µs", "met")
    warm = "Warm {}, aliyun-oss-post-policy (signs, and writes its upload reservation to the database), log level INFO"
    assert rows[warm.format("p50")] == ("180 µs", "≤ 150 µs", "missed by 30.0 µs")
    assert rows[warm.format("p99")] == ("900 µs", "≤ 1,000 µs", "met")
    assert rows["The request log line alone (p50)"][2] == "missed by 1.5 µs"
    assert rows["OSS upload callbacks through the handler, one instance, MariaDB"][2] == "met"
    assert rows["Layer zip, largest of the two providers"] == ("not measured", "≤ 12.0 MiB", "-")


def test_tables_without_their_markers_are_refused(tmp_path):
    with pytest.raises(ValueError):
        report._replace("no markers here", "| table |")

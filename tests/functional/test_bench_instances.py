"""The many-instance bench runs (a tiny sample: a bench is measured by `make bench`, not timed here)."""

from __future__ import annotations

import pytest

from bench import many_instances
from bench.instances import spread
from tests.storage.conftest import server_url


@pytest.mark.parametrize("server", [pytest.param("mysql", marks=pytest.mark.mysql),
                                    pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_tiny_many_instance_run_records_every_notice_exactly(server):
    admin = server_url(server)
    many_instances.instances.ensure_bench_user(admin)
    result = many_instances._one(admin, count=spread(4), total=24, seconds=0.5)
    assert result["rows_exact"] and result["deliveries"] == 24
    assert sum(result["lost"].values()) == 0 and result["per_kind"]["vod-callback"]["ignored"] == 0
    assert 1 <= result["connections_peak"] <= 4  # one connection per instance at most
    assert result["per_kind"]["oss-callback"]["sent"] > 0 and result["per_kind"]["oss-callback"]["first_failed"] == 0

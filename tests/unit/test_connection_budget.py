"""Instance caps from the database's connection limit: their sum stays under it with headroom."""

from __future__ import annotations

import pytest

from devtools.connection_budget import BudgetExceeded, ConnectionBudget


def test_caps_share_the_usable_budget_by_weight():
    budget = ConnectionBudget(151)
    assert budget.usable == 115  # 20 % headroom, 5 kept for operators and migrations
    caps = budget.caps({"vod-callback": 2, "oss-trigger": 1, "media-query": 1})
    assert caps == {"vod-callback": 57, "oss-trigger": 28, "media-query": 28}
    assert budget.check(caps) <= budget.usable


def test_instance_concurrency_counts_each_connection_an_instance_keeps():
    caps = ConnectionBudget(100).caps({"api": 1, "trigger": 1}, connections_per_instance={"api": 4, "trigger": 1})
    assert caps["api"] * 4 + caps["trigger"] <= ConnectionBudget(100).usable


def test_fixed_caps_above_the_budget_are_refused():
    with pytest.raises(BudgetExceeded, match="allow 120 database connections, above the 75 usable"):
        ConnectionBudget(100).caps({"a": 1, "b": 1}, fixed={"a": 100, "b": 20})

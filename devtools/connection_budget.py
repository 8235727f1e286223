"""The database's connection limit, shared out as per-function instance caps.

Every warm instance keeps up to `connections_per_instance` connections (UPVEND_DATABASE_CONNECTIONS,
its instance concurrency), so connections follow instances: the platform's instance cap per
function (FC `instanceConcurrency` x max instances, SCF reserved concurrency) is what bounds
them. The caps' sum times the connections each instance keeps must stay below the budget
with headroom for migrations, operators and failover overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class BudgetExceeded(ValueError):
    """The caps would open more connections than the database allows."""


@dataclass(frozen=True)
class ConnectionBudget:
    """`limit`: the database's max connections; `headroom`: the share kept free; `reserved`: kept for admins."""

    limit: int
    headroom: float = 0.2
    reserved: int = 5

    @property
    def usable(self) -> int:
        return max(0, math.floor(self.limit * (1 - self.headroom)) - self.reserved)

    def caps(self, weights: dict[str, int], connections_per_instance: dict[str, int] | None = None,
             fixed: dict[str, int] | None = None) -> dict[str, int]:
        """Instance caps per function: `fixed` ones as given, the rest shared by weight; refused when over."""
        per = {name: (connections_per_instance or {}).get(name, 1) for name in weights}
        fixed = dict(fixed or {})
        used = sum(fixed[n] * per[n] for n in fixed)
        free = {n: w for n, w in weights.items() if n not in fixed}
        left = self.usable - used
        caps = dict(fixed)
        total_weight = sum(free.values()) or 1
        for name, weight in free.items():
            caps[name] = max(1, math.floor(left * weight / total_weight / per[name]))
        self.check(caps, per)
        return caps

    def check(self, caps: dict[str, int], connections_per_instance: dict[str, int] | None = None) -> int:
        """The connections the caps allow; BudgetExceeded when above the usable budget."""
        total = sum(cap * (connections_per_instance or {}).get(name, 1) for name, cap in caps.items())
        if total > self.usable:
            raise BudgetExceeded(f"the instance caps allow {total} database connections, above the "
                                 f"{self.usable} usable of the limit {self.limit} (headroom "
                                 f"{self.headroom:.0%}, {self.reserved} reserved)")
        return total

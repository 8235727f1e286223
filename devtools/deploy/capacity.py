"""Instance caps from `template.yaml`, checked against the database's connection budget and the region quotas.

Connections follow instances, not load: every warm instance of a function that reads the database keeps up to
its instance concurrency in connections (the rendered UPVEND_DATABASE_CONNECTIONS). So the caps of those
functions, times their instance concurrency, must stay inside `capacity.<provider>` (devtools/connection_budget.py
keeps the headroom); render refuses a template that does not. The caps are also reservations (FC 3.0
`reservedConcurrency`, SCF reserved quota), so a flood on one anonymous route cannot take the instances of the
callbacks and triggers: an OSS upload callback is never retried.
"""

from __future__ import annotations

import math
from typing import Any

from devtools.connection_budget import BudgetExceeded, ConnectionBudget
from devtools.deploy.targets import deployable, uses_database
from devtools.template import Function, Template, TemplateError

CONNECTIONS_SETTING = "UPVEND_DATABASE_CONNECTIONS"
# FC 3.0: function caps may add up to 90 % of the region's instance quota ("配置实例数上限", FC 3.0 user guide).
FC_CAPPABLE_SHARE = 0.9
# SCF: 12,800 MB of the region's quota stays with functions that have no reserved quota
# (PutReservedConcurrencyConfig, tencentcloud.com/document/product/583/39224; concurrency: 583/39464).
SCF_UNRESERVED_MB = 12800


def _where(template: Template, fn: Function) -> str:
    return f"template.yaml: functions[{template.functions.index(fn)}] ({fn.name})"


def _breakdown(functions: list[Function]) -> str:
    return ", ".join(f"{fn.name} {fn.instances} x {fn.instance_concurrency}" for fn in functions)


def check_capacity(template: Template, provider: str) -> None:
    """Refuse caps the database or the region cannot hold, naming the numbers."""
    functions = deployable(template, provider)
    for fn in functions:
        if provider == "tencent" and fn.instance_concurrency != 1:
            raise TemplateError(f"{_where(template, fn)}.instance_concurrency: SCF event functions serve one "
                                "request per instance; leave it at 1")
        entry = next((e for e in fn.env if e.name == CONNECTIONS_SETTING), None)
        if entry is not None and entry.value is not None and entry.value != str(fn.instance_concurrency):
            raise TemplateError(f"{_where(template, fn)}: {CONNECTIONS_SETTING} is rendered from instance_concurrency "
                                f"({fn.instance_concurrency}); remove its value")
    database = [fn for fn in functions if uses_database(fn)]
    capacity = getattr(template.capacity, provider)
    if database and capacity is None:
        raise TemplateError(f"template.yaml: capacity.{provider}: the deployed functions {', '.join(f.name for f in database)} "
                            "read the database: give its connection limit (capacity.{0}.database_connections) so "
                            "their instance caps can be checked".format(provider))
    if capacity is None:
        return
    uncapped = [fn for fn in database if fn.instances is None]
    if uncapped:
        raise TemplateError(f"{_where(template, uncapped[0])}.instances: a function that reads the database needs an "
                            f"instance cap, or its instances can take every connection of capacity.{provider}")
    budget = ConnectionBudget(capacity.database_connections, capacity.headroom, capacity.reserved)
    try:
        budget.check({fn.name: fn.instances or 0 for fn in database},
                     {fn.name: fn.instance_concurrency for fn in database})
    except BudgetExceeded as exc:
        raise TemplateError(f"template.yaml: capacity.{provider}: {exc} ({_breakdown(database)} instances x "
                            "connections): lower `instances:` or raise database_connections (behind a proxy, its "
                            "client-connection limit)") from None
    capped = [fn for fn in functions if fn.instances is not None]
    if provider == "aliyun":
        allowed = math.floor(capacity.region_instances * FC_CAPPABLE_SHARE)
        total = sum(fn.instances or 0 for fn in capped)
        if total > allowed:
            raise TemplateError(f"template.yaml: capacity.aliyun: the instance caps add up to {total}, above the "
                                f"{allowed} FC allows (90 % of region_instances {capacity.region_instances}): lower "
                                "`instances:` or raise the region's instance quota in the quota centre")
    else:
        allowed = capacity.region_memory_mb - SCF_UNRESERVED_MB
        total = sum(reserved_memory(fn) for fn in capped)
        if total > allowed:
            raise TemplateError(f"template.yaml: capacity.tencent: the reserved quotas add up to {total} MB "
                                f"(instances x memory), above the {allowed} MB SCF lets functions reserve "
                                f"(region_memory_mb {capacity.region_memory_mb} - {SCF_UNRESERVED_MB}): lower "
                                "`instances:` or memory")


def pinned_environment(fn: Function) -> dict[str, str]:
    """Settings the caps fix: a database function keeps as many connections as it serves requests at once."""
    listed = any(e.name == CONNECTIONS_SETTING for e in fn.env)
    return {CONNECTIONS_SETTING: str(fn.instance_concurrency)} if listed and uses_database(fn) else {}


def reserved_memory(fn: Function) -> int:
    """SCF counts a reserved quota in MB: instances x the function's memory."""
    return (fn.instances or 0) * fn.memory


def reserved_concurrency(template: Template) -> list[dict[str, Any]]:
    """PutReservedConcurrencyConfig parameters of each capped Tencent function (the scf component has no input
    for it; `make deploy` sends them with tccli after `scf deploy`)."""
    return [{"FunctionName": fn.name, "Namespace": "default", "ReservedConcurrencyMem": reserved_memory(fn)}
            for fn in deployable(template, "tencent") if fn.instances is not None]

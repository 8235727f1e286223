"""Instance caps against the connection budget and the region quotas: rendered for every function, refused with
the numbers when they do not fit, and sent to SCF with tccli (the scf component cannot set them)."""

from __future__ import annotations

import copy
import io
import json
import os

import pytest
import yaml

from devtools.connection_budget import ConnectionBudget
from devtools.deploy.deploy import deploy, make_plan
from devtools.deploy.render import render, write
from devtools.deploy.targets import deployable, uses_database
from devtools.template import TemplateError, parse_template
from tests.deploy.real_tools import repo_raw, schema_errors
from tests.deploy.test_deploy import SCF_VERSION, calls, fake_cli

RAW = repo_raw()


def raw_with(**caps: int) -> dict:
    raw = copy.deepcopy(RAW)
    for fn in raw["functions"]:
        if fn["name"] in caps:
            fn["instances"] = caps[fn["name"]]
    return raw


def s_yaml(raw: dict) -> dict:
    """The rendered s.yaml with the region `s` would put in (the schema lists the regions; test_real_cli
    validates what the real `s preview` resolves)."""
    text = render(parse_template(raw), "aliyun")["s.yaml"]
    return yaml.safe_load(text.replace("${vars.region}", "cn-shanghai"))


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_the_shipped_caps_keep_the_database_functions_inside_the_budget(provider):
    template = parse_template(RAW)
    capacity = getattr(template.capacity, provider)
    database = [fn for fn in deployable(template, provider) if uses_database(fn)]
    budget = ConnectionBudget(capacity.database_connections, capacity.headroom, capacity.reserved)
    used = budget.check({fn.name: fn.instances for fn in database}, {fn.name: fn.instance_concurrency for fn in database})
    # a flood on any other database function, all at their caps, still leaves the callbacks, the storage
    # triggers and the pull timer their own instances and connections
    for fn in database:
        if fn.trigger or "callback" in fn.name:
            others = sum(o.instances * o.instance_concurrency for o in database if o is not fn)
            assert budget.usable - others >= fn.instances * fn.instance_concurrency >= 2 or fn.trigger.timer
    assert used <= budget.usable


def test_every_aliyun_function_gets_its_cap_reserved_and_the_props_meet_the_fc3_schema():
    template = parse_template(RAW)
    document = s_yaml(RAW)
    props = {r["props"]["functionName"]: r["props"] for r in document["resources"].values() if "functionName" in r["props"]}
    for fn in deployable(template, "aliyun"):
        assert props[fn.name]["concurrencyConfig"] == {"reservedConcurrency": fn.instances}
        assert props[fn.name]["instanceConcurrency"] == fn.instance_concurrency
        if uses_database(fn):  # the pool keeps exactly what the budget counted
            assert props[fn.name]["environmentVariables"]["UPVEND_DATABASE_CONNECTIONS"] == str(fn.instance_concurrency)
    assert schema_errors(document) == {rid: [] for rid in document["resources"]}


def test_instance_concurrency_counts_each_connection_and_pins_the_pool_size():
    raw = copy.deepcopy(RAW)
    media = next(fn for fn in raw["functions"] if fn["name"] == "media-query")
    media["instance_concurrency"] = 2
    with pytest.raises(TemplateError, match="allow 90 database connections, above the 75 usable"):
        render(parse_template(raw), "aliyun")  # 75 + 15 more for media-query's second connection per instance
    media["instances"] = 4
    props = next(r["props"] for r in s_yaml(raw)["resources"].values() if r["props"].get("functionName") == "media-query")
    assert props["instanceConcurrency"] == 2 and props["environmentVariables"]["UPVEND_DATABASE_CONNECTIONS"] == "2"
    assert schema_errors({"resources": {"m": {"component": "fc3@0.1.22", "props": props}}}) == {"m": []}


def test_an_over_budget_template_is_refused_naming_the_numbers():
    with pytest.raises(TemplateError) as caught:
        render(parse_template(raw_with(**{"aliyun-oss-callback": 30})), "aliyun")
    message = str(caught.value)
    assert message.startswith("template.yaml: capacity.aliyun: the instance caps allow 90 database connections, "
                              "above the 75 usable of the limit 100 (headroom 20%, 5 reserved)")
    assert "aliyun-oss-callback 30 x 1" in message and "lower `instances:` or raise database_connections" in message
    with pytest.raises(TemplateError, match="capacity.tencent: the instance caps allow 80 database connections"):
        render(parse_template(raw_with(**{"media-query-scf": 40})), "tencent")
    render(parse_template(raw_with(**{"media-query-scf": 35})), "tencent")  # 75 exactly: accepted


def test_a_database_function_without_a_cap_or_a_deployment_without_a_budget_is_refused():
    raw = copy.deepcopy(RAW)
    del raw["defaults"]["instances"]
    del next(fn for fn in raw["functions"] if fn["name"] == "aliyun-oss-trigger")["instances"]
    with pytest.raises(TemplateError, match=r"\(aliyun-oss-trigger\)\.instances: a function that reads the database "
                                            "needs an instance cap"):
        render(parse_template(raw), "aliyun")
    raw = copy.deepcopy(RAW)
    del raw["capacity"]["tencent"]
    with pytest.raises(TemplateError, match="capacity.tencent: the deployed functions .*tencent-cos-trigger.* read the "
                                            "database: give its connection limit"):
        render(parse_template(raw), "tencent")


def test_the_region_quotas_are_checked():
    raw = copy.deepcopy(RAW)
    raw["capacity"]["aliyun"]["region_instances"] = 60
    with pytest.raises(TemplateError, match="the instance caps add up to 78, above the 54 FC allows "
                                            r"\(90 % of region_instances 60\)"):
        render(parse_template(raw), "aliyun")
    raw = raw_with(**{"console-scf": 1000})  # no database: only the memory quota applies
    with pytest.raises(TemplateError, match=r"reserved quotas add up to 143360 MB \(instances x memory\), above the "
                                            "115200 MB SCF lets functions reserve"):
        render(parse_template(raw), "tencent")
    raw = copy.deepcopy(RAW)
    next(fn for fn in raw["functions"] if fn["name"] == "auth-wechat-scf")["instance_concurrency"] = 4
    with pytest.raises(TemplateError, match="SCF event functions serve one request per instance"):
        render(parse_template(raw), "tencent")


def test_a_pool_size_given_in_the_template_must_match_the_instance_concurrency():
    raw = copy.deepcopy(RAW)
    fn = next(fn for fn in raw["functions"] if fn["name"] == "aliyun-vod-callback")
    fn["env"] = [e for e in fn["env"] if e != "UPVEND_DATABASE_CONNECTIONS"] + [
        {"name": "UPVEND_DATABASE_CONNECTIONS", "value": "8"}]
    with pytest.raises(TemplateError, match="UPVEND_DATABASE_CONNECTIONS is rendered from instance_concurrency"):
        render(parse_template(raw), "aliyun")


@pytest.fixture
def tencent_build(tmp_path):
    template = parse_template(RAW)
    out = tmp_path / "tencent"
    write(render(template, "tencent"), out)
    (out / "dist").mkdir()
    (out / "dist" / f"{template.layer.name}.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return template, out


def test_the_tencent_plan_reserves_each_cap_with_tccli_after_scf_deploy(tencent_build, tmp_path):
    template, out = tencent_build
    plan = make_plan(template, "tencent", out, {"UPVEND_TENCENT_REGION": "ap-guangzhou"})
    assert plan.steps[0].argv == ["scf", "deploy"]
    reserved = {step.argv[6]: step.argv for step in plan.steps[1:]}
    assert set(reserved) == {fn.name for fn in deployable(template, "tencent")}
    pull = template.function("tencent-vod-pull")
    assert reserved[pull.name] == ["tccli", "scf", "PutReservedConcurrencyConfig", "--region", "ap-guangzhou",
                                   "--FunctionName", pull.name, "--Namespace", "default",
                                   "--ReservedConcurrencyMem", str(pull.instances * pull.memory)]
    entries = json.loads((out / "reserved-concurrency.json").read_text())
    assert {e["FunctionName"]: e["ReservedConcurrencyMem"] for e in entries}[pull.name] == pull.instances * pull.memory


def test_a_deploy_without_tccli_stops_before_scf_deploy_and_says_what_to_install(tencent_build, tmp_path,
                                                                                monkeypatch):
    template, out = tencent_build
    bin_dir = fake_cli(tmp_path / "bin", "scf", SCF_VERSION.format("1.3.0"))
    env = {name: "x" for name in make_plan(template, "tencent", out, {}).required}
    text = io.StringIO()
    status = deploy(template, "tencent", out, env, which=lambda n: str(bin_dir / n) if n == "scf" else None,
                    stdout=text)
    assert status == 1 and "tccli is not installed" in text.getvalue() and "pip install tccli" in text.getvalue()
    assert [c["argv"] for c in calls(bin_dir)] == [["--version"]]  # scf deploy never ran

    fake_cli(bin_dir, "tccli", '{"RequestId": "r"}')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert deploy(template, "tencent", out, {**os.environ, **env, "UPVEND_TENCENT_REGION": "ap-shanghai"},
                  stdout=io.StringIO()) == 0
    ran = [c["argv"] for c in calls(bin_dir)][1:]  # after the first run's version question
    assert ran[:2] == [["--version"], ["deploy"]]  # then the reserved quotas, once the functions exist
    assert all(argv[:2] == ["scf", "PutReservedConcurrencyConfig"] for argv in ran[2:])
    assert len(ran[2:]) == len(deployable(template, "tencent")) and ran[2][3] == "ap-shanghai"

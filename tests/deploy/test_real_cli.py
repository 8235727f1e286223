"""The rendered deploy files, read by the real tools: Serverless Devs `s` (npm @serverless-devs/s, pinned in
tests/deploy/cli), the fc3 component's own JSON schema, and the Tencent serverless component loader and toolkit.
Every CLI runs in a network namespace with only loopback; where it stops there is asserted too."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.deploy.real_tools import (CLI, LAYER_ARN, ORIGIN, REPO, S, UNRESOLVED, base_env, need, offline, rendered,
                                     repo_raw, required_only, schema_errors, with_deploy_sections)


@pytest.fixture
def s_cli(tmp_path: Path) -> Path:
    """The pinned `s`, with an access alias holding made-up keys and an AccountID (written offline)."""
    need(S.is_file(), f"{S} is not installed (make deploy-cli-deps)")
    home = tmp_path / "home"
    done = offline([str(S), "config", "add", "-a", "default", "--AccessKeyID", "LTAI-test", "--AccessKeySecret",
                    "not-a-secret", "--AccountID", "1234567890123456", "-f"], tmp_path, base_env(home))
    assert done.returncode == 0, done.stdout + done.stderr
    return home


def s_preview(out: Path, env: dict[str, str]) -> dict:
    done = offline([str(S), "preview", "-t", "s.yaml", "-o", "json"], out, env)
    assert done.returncode == 0 and "{" in done.stdout, (done.stdout + done.stderr)[-3000:]
    return json.loads(done.stdout[done.stdout.index("{"):])


@pytest.mark.parametrize("sections", ["template.yaml", "with domain"])
def test_s_preview_resolves_every_variable_with_only_the_required_ones_set(s_cli, tmp_path, sections):
    raw = repo_raw() if sections == "template.yaml" else with_deploy_sections(repo_raw())
    out = tmp_path / "aliyun"
    template, variables = rendered(raw, "aliyun", out, {"UPVEND_CORS_ORIGINS": ORIGIN})
    assert "UPVEND_WECHAT_API_BASE" in variables.optional and "UPVEND_UPLOAD_PREFIX" in variables.defaults
    env = required_only(variables, s_cli, UPVEND_FC_LAYER_ARN=LAYER_ARN)
    assert not set(variables.optional) & set(env) and "UPVEND_UPLOAD_PREFIX" not in env

    resolved = s_preview(out, env)
    text = json.dumps(resolved)
    assert not UNRESOLVED.search(text), UNRESOLVED.findall(text)[:5]
    props = {r["props"].get("functionName", rid): r["props"] for rid, r in resolved["resources"].items()}
    auth = props["auth-wechat"]
    assert auth["environmentVariables"]["UPVEND_WECHAT_API_BASE"] == ""  # unset optional: the default applies
    assert auth["environmentVariables"]["UPVEND_JWT_SECRET"] == env["UPVEND_JWT_SECRET"]
    assert "OPTIONS" in auth["triggers"][0]["triggerConfig"]["methods"]  # preflights reach the function
    [oss] = props["aliyun-oss-trigger"]["triggers"]
    assert oss["sourceArn"] == "acs:oss:cn-shanghai:1234567890123456:media-uploads"
    assert oss["triggerConfig"]["filter"]["key"]["prefix"] == "uploads/"  # the functions' default prefix
    assert props["media-query"]["vpcConfig"]["vpcId"] == env["UPVEND_ALIYUN_VPC_ID"]
    assert auth["vpcConfig"]["vpcId"] == env["UPVEND_ALIYUN_VPC_ID"]  # login counts attempts in the database
    assert "vpcConfig" not in props["console"]  # only the functions that use the database join the VPC
    assert auth["logConfig"]["project"] == env["UPVEND_ALIYUN_LOG_PROJECT"]
    # instance caps and the OSS trigger's failure destination, as `s` hands them to the fc3 component
    template_caps = {fn.name: fn for fn in template.functions if fn.provider == "aliyun" and template.enabled(fn)}
    assert {name: p["concurrencyConfig"]["reservedConcurrency"] for name, p in props.items() if name in template_caps} \
        == {name: fn.instances for name, fn in template_caps.items()}
    assert props["aliyun-oss-callback"]["environmentVariables"]["UPVEND_DATABASE_CONNECTIONS"] == "1"
    assert props["aliyun-oss-trigger"]["asyncInvokeConfig"]["destinationConfig"]["onFailure"]["destination"] == (
        f"acs:mns:cn-shanghai:1234567890123456:/queues/{env['UPVEND_ALIYUN_FAILED_EVENTS_QUEUE']}/messages")
    assert "asyncInvokeConfig" not in props["aliyun-oss-callback"]  # an HTTP callback is answered, not queued
    assert schema_errors(resolved) == {rid: [] for rid in resolved["resources"]}
    if sections == "with domain":
        domain = resolved["resources"]["custom_domain"]["props"]
        routes = {r["path"]: r for r in domain["routeConfig"]["routes"]}
        assert routes["/media/*"]["functionName"] == "media-query" and "/console/assets/*" in routes
        assert domain["certConfig"] == {"certId": env["UPVEND_ALIYUN_DOMAIN_CERT_ID"]}


def test_s_preview_names_a_required_variable_that_is_unset(s_cli, tmp_path):
    out = tmp_path / "aliyun"
    _, variables = rendered(repo_raw(), "aliyun", out, {})
    env = required_only(variables, s_cli, UPVEND_FC_LAYER_ARN=LAYER_ARN)
    del env["UPVEND_JWT_SECRET"]
    done = offline([str(S), "preview", "-t", "s.yaml", "-o", "json"], out, env)
    assert "env('UPVEND_JWT_SECRET') not found" in done.stdout + done.stderr


def test_dry_run_runs_s_preview_and_the_real_s_stops_at_the_registry(s_cli, tmp_path):
    """`make deploy PROVIDER=aliyun DRY_RUN=1` with the real `s`: the preview resolves everything offline, and
    `s deploy` itself stops when it asks the Serverless Devs registry for the fc3 component."""
    out = tmp_path / "build" / "aliyun"
    template, variables = rendered(repo_raw(), "aliyun", out, {})
    (tmp_path / "template.yaml").write_text((REPO / "template.yaml").read_text())
    env = required_only(variables, s_cli, UPVEND_FC_LAYER_ARN=LAYER_ARN)
    env["PATH"] = f"{S.parent}:{env['PATH']}"
    dry = offline([sys.executable, "-m", "devtools.cli", "deploy", "--provider", "aliyun", "--dry-run",
                   "--build", str(tmp_path / "build"), "--file", str(REPO / "template.yaml")], REPO, env)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "s preview: every variable of s.yaml resolved" in dry.stdout
    assert env["UPVEND_JWT_SECRET"] not in dry.stdout + dry.stderr

    deploy = offline([str(S), "deploy", "-t", "s.yaml", "-y"], out, env)
    assert deploy.returncode != 0
    assert "getaddrinfo EAI_AGAIN api.devsapp.cn" in deploy.stdout + deploy.stderr


def load_scf_app(out: Path, env: dict[str, str]) -> dict:
    need((CLI / "node_modules" / "tencent-component-toolkit").is_dir(), "the Tencent component toolkit is not installed")
    done = offline(["node", str(CLI / "load_scf_app.js"), "."], out, env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_the_tencent_loader_and_toolkit_turn_the_app_into_complete_scf_requests(tmp_path):
    out = tmp_path / "tencent"
    raw = repo_raw()
    raw["failed_events"] = {**raw["failed_events"], "tencent": {"type": "${UPVEND_TENCENT_DEAD_LETTER_TYPE}",
                                                                 "name": "${UPVEND_TENCENT_DEAD_LETTER_QUEUE}"}}
    template, variables = rendered(raw, "tencent", out, {"UPVEND_CORS_ORIGINS": ORIGIN})
    assert "UPVEND_TENCENT_VOD_CALLBACK_TOKEN" not in variables.required  # push mode is switched off
    # as `make deploy` runs `scf`: the required values set, unset optional ones empty, defaults filled
    env = required_only(variables, tmp_path / "home", UPVEND_CORS_ORIGINS=ORIGIN, **variables.defaults)
    env.update({name: "" for name in variables.optional if name not in env})
    app = load_scf_app(out, env)
    assert app["template"] and app["sameAppAndStage"]
    assert app["order"][0] == template.layer.name
    functions = {name: i for name, i in app["instances"].items() if i["component"] == "scf"}
    assert set(functions) == {fn.name for fn in template.functions
                              if fn.provider == "tencent" and template.enabled(fn)}
    for name, instance in functions.items():
        assert instance["dependencies"] == [template.layer.name] and instance["stage"] == "prod"
        request, triggers = instance["createFunction"], instance["createTriggers"]
        resolved = [request["Environment"]] + [(t["TriggerName"], t["TriggerDesc"]) for t in triggers]
        assert "undefined" not in json.dumps(resolved), name
        assert request["Runtime"] == "Python3.10" and request["ClsTopicId"] == env["UPVEND_TENCENT_CLS_TOPIC_ID"]
        database = any(v["Key"] == "UPVEND_DATABASE_URL" for v in request["Environment"]["Variables"])
        assert ("VpcConfig" in request) == database, name
        if database:
            assert request["VpcConfig"] == {"VpcId": env["UPVEND_TENCENT_VPC_ID"],
                                            "SubnetId": env["UPVEND_TENCENT_SUBNET_ID"]}
            assert request["PublicNetConfig"]["PublicNetStatus"] == "ENABLE"
        assert all("error" not in t for t in triggers), triggers
    [url] = functions["auth-wechat-scf"]["createTriggers"]
    desc = json.loads(url["TriggerDesc"])
    assert url["Type"] == "http" and desc["AuthType"] == "NONE" and desc["NetConfig"]["EnableExtranet"] is True
    assert desc["CorsConfig"]["Origins"] == [ORIGIN] and "OPTIONS" in desc["CorsConfig"]["Methods"]
    [cos] = functions["tencent-cos-trigger"]["createTriggers"]
    assert cos["TriggerName"] == "media-1250000000.cos.ap-guangzhou.myqcloud.com"
    assert json.loads(cos["TriggerDesc"]) == {"event": "cos:ObjectCreated:*",
                                              "filter": {"Prefix": "uploads/", "Suffix": ""}}
    [timer] = functions["tencent-vod-pull"]["createTriggers"]
    assert timer["TriggerName"] == "timer" and timer["TriggerDesc"] == "0 */1 * * * * *"
    # the COS trigger's dead-letter queue reaches CreateFunction; no other function has one
    assert functions["tencent-cos-trigger"]["createFunction"]["DeadLetterConfig"] == {
        "Type": env["UPVEND_TENCENT_DEAD_LETTER_TYPE"], "Name": env["UPVEND_TENCENT_DEAD_LETTER_QUEUE"]}
    assert [n for n, i in functions.items() if "DeadLetterConfig" in i["createFunction"]] == ["tencent-cos-trigger"]
    # reserved quotas: the toolkit's own PutReservedConcurrencyConfig request for each capped function
    assert sorted(app["reserved"], key=lambda r: r["FunctionName"]) == [
        {"Action": "PutReservedConcurrencyConfig", "FunctionName": name, "Namespace": "default",
         "ReservedConcurrencyMem": template.function(name).instances * template.function(name).memory}
        for name in sorted(functions)]


def test_the_tencent_loader_shows_an_unset_variable_as_missing(tmp_path):
    """What the real loader does with an unset ${env:NAME}: the value is gone, which is why `make deploy`
    fills optional settings and refuses to start without the required ones."""
    out = tmp_path / "tencent"
    rendered(repo_raw(), "tencent", out, {})
    app = load_scf_app(out, base_env(tmp_path / "home"))
    variables = app["instances"]["auth-wechat-scf"]["createFunction"]["Environment"]["Variables"]
    assert {"Key": "UPVEND_JWT_SECRET", "Value": "undefined"} in variables


def test_the_serverless_components_cli_stops_offline_at_the_tencent_account_lookup(tmp_path):
    """serverless-cloud-framework is not on the npm registry reachable here; @serverless/components is the CLI it
    was forked from (same loader, same platform SDK). Run on the rendered app with keys set, offline it stops
    when it asks CAM for the account, before any instance is sent to the platform."""
    components = CLI / "node_modules" / "@serverless" / "components" / "bin" / "bin"
    need(components.is_file(), "@serverless/components is not installed")
    out = tmp_path / "tencent"
    _, variables = rendered(repo_raw(), "tencent", out, {})
    env = required_only(variables, tmp_path / "home", SERVERLESS_PLATFORM_VENDOR="tencent",
                        TENCENT_SECRET_ID="AKIDexample", TENCENT_SECRET_KEY="example")
    done = offline(["node", str(components), "deploy"], out, env)
    assert "getaddrinfo EAI_AGAIN cam.tencentcloudapi.com" in done.stdout + done.stderr
    assert env["UPVEND_JWT_SECRET"] not in done.stdout + done.stderr

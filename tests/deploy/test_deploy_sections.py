"""template.yaml's deployment sections: `features` (what is deployed), `network` (the VPC of the functions that
use the database), `logs`, `domain`; browser origins; the database URL a deployment cannot use."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from typing import Any

import pytest
import yaml

from devtools.cli import main
from devtools.deploy.deploy import make_plan
from devtools.deploy.render import render
from devtools.deploy.targets import deployable
from devtools.deploy.variables import function_variables
from devtools.template import TemplateError, parse_template
from tests.deploy.real_tools import REPO, repo_raw, schema_errors, with_deploy_sections

ORIGIN = "https://console.example.com"


def docs(raw: dict[str, Any], provider: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    files = render(parse_template(raw), provider, environ=environ or {})
    return {p: yaml.safe_load(t) if p.endswith((".yml", ".yaml")) else json.loads(t) for p, t in files.items()}


def aliyun_props(raw: dict[str, Any], environ: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    resources = docs(raw, "aliyun", environ)["s.yaml"]["resources"]
    return {r["props"].get("functionName", rid): r["props"] for rid, r in resources.items()}


def only_oss(raw: dict[str, Any]) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    raw["features"].update({name: False for name in raw["features"]}, **{"aliyun-oss": True})
    return raw


def test_a_switched_off_feature_is_not_rendered_packaged_permitted_or_asked_for():
    raw = only_oss(repo_raw())
    template = parse_template(raw)
    names = {fn.name for fn in deployable(template, "aliyun")}
    assert names == {"auth-wechat", "aliyun-sts", "aliyun-oss-post-policy", "aliyun-oss-callback",
                     "aliyun-oss-trigger", "media-query", "media-expiry"}  # features off; login, media API, expiry
    files = docs(raw, "aliyun")
    assert set(aliyun_props(raw)) == names
    assert not any("vod" in path for path in files)  # no policy for a VOD function
    needed = set(function_variables(template, "aliyun").required)
    assert "UPVEND_ALIYUN_VOD_CALLBACK_KEY" not in needed and "UPVEND_JWT_SECRET" in needed
    everything = set(function_variables(parse_template(repo_raw()), "aliyun").required)
    assert "UPVEND_ALIYUN_VOD_CALLBACK_KEY" in everything


def test_tencent_push_callback_is_off_by_default_and_its_token_is_asked_only_when_on():
    raw = repo_raw()
    assert "tencent-vod-callback/serverless.yml" not in docs(raw, "tencent")
    assert "UPVEND_TENCENT_VOD_CALLBACK_TOKEN" not in function_variables(parse_template(raw), "tencent").required
    raw["features"]["tencent-vod-push"] = True
    assert "tencent-vod-callback/serverless.yml" in docs(raw, "tencent")
    assert "UPVEND_TENCENT_VOD_CALLBACK_TOKEN" in function_variables(parse_template(raw), "tencent").required


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["functions"][1].update(feature="aliyun-vdo"), "names feature 'aliyun-vdo', which `features:` does not"),
    (lambda t: t["features"].update(spare=True), "feature 'spare' is declared but no function names it"),
    (lambda t: t["network"]["aliyun"].pop("security_group_id"), "network.aliyun.security_group_id: Field required"),
    (lambda t: t["network"]["tencent"].update(subnet_id="subnet 1; rm"), "network.tencent.subnet_id: String should"),
    (lambda t: t["network"]["aliyun"].update(vswitch_ids=[]), "network.aliyun.vswitch_ids: List should have at least"),
    (lambda t: t["logs"].update(aliyun={"project": "p"}), "logs.aliyun.logstore: Field required"),
    (lambda t: t.update(domain={"aliyun": {"name": "api.example.com"}}), "an HTTPS domain needs cert_id"),
    (lambda t: t.update(domain={"aliyun": {"name": "not a domain", "protocol": "HTTP"}}), "domain.aliyun.name"),
])
def test_the_deploy_sections_are_validated_with_their_location(change, message):
    raw = repo_raw()
    change(raw)
    with pytest.raises(TemplateError, match=re.escape(message)):
        parse_template(raw)


def test_only_the_functions_that_use_the_database_join_the_vpc():
    props = aliyun_props(repo_raw())
    inside = {name for name, p in props.items() if "vpcConfig" in p}
    users = {fn.name for fn in deployable(parse_template(repo_raw()), "aliyun")
             if any(e.name == "UPVEND_DATABASE_URL" for e in fn.env)}
    assert inside == users and "media-query" in inside and "console" not in inside
    assert props["media-query"]["vpcConfig"] == {"vpcId": "${env('UPVEND_ALIYUN_VPC_ID')}",
                                                 "vSwitchIds": ["${env('UPVEND_ALIYUN_VSWITCH_ID')}"],
                                                 "securityGroupId": "${env('UPVEND_ALIYUN_SECURITY_GROUP_ID')}"}
    assert all(p["internetAccess"] is True for p in props.values())
    tencent = docs(repo_raw(), "tencent")["media-query-scf/serverless.yml"]["inputs"]
    assert tencent["vpcConfig"] == {"vpcId": "${env:UPVEND_TENCENT_VPC_ID}", "subnetId": "${env:UPVEND_TENCENT_SUBNET_ID}"}
    assert tencent["publicAccess"] is True
    assert "vpcConfig" not in docs(repo_raw(), "tencent")["console-scf/serverless.yml"]["inputs"]


def test_without_network_or_logs_sections_nothing_of_them_is_rendered():
    raw = repo_raw()
    del raw["network"], raw["logs"]
    props = aliyun_props(raw)
    assert not any("vpcConfig" in p or "logConfig" in p for p in props.values())
    inputs = docs(raw, "tencent")["media-query-scf/serverless.yml"]["inputs"]
    assert "vpcConfig" not in inputs and "cls" not in inputs
    assert "UPVEND_ALIYUN_VPC_ID" not in function_variables(parse_template(raw), "aliyun").required


def test_logs_go_to_the_named_sls_logstore_and_cls_topic():
    props = aliyun_props(repo_raw())
    assert all(p["logConfig"]["project"] == "${env('UPVEND_ALIYUN_LOG_PROJECT')}" for p in props.values())
    inputs = docs(repo_raw(), "tencent")["tencent-vod-pull/serverless.yml"]["inputs"]
    assert inputs["cls"] == {"logsetId": "${env:UPVEND_TENCENT_CLS_LOGSET_ID}",
                             "topicId": "${env:UPVEND_TENCENT_CLS_TOPIC_ID}"}


def test_browser_origins_open_preflights_on_fc_and_a_cors_rule_on_function_urls():
    closed = aliyun_props(repo_raw())
    assert "OPTIONS" not in closed["media-query"]["triggers"][0]["triggerConfig"]["methods"]
    opened = aliyun_props(repo_raw(), {"UPVEND_CORS_ORIGINS": f"{ORIGIN}, https://h5.example.com"})
    assert opened["media-query"]["triggers"][0]["triggerConfig"]["methods"] == ["DELETE", "GET", "OPTIONS"]
    [url] = docs(repo_raw(), "tencent", {"UPVEND_CORS_ORIGINS": ORIGIN})["media-query-scf/serverless.yml"][
        "inputs"]["events"]
    assert url["http"]["parameters"]["corsConfig"] == {
        "enable": True, "origins": [ORIGIN], "methods": ["DELETE", "GET", "OPTIONS"],
        "headers": ["Authorization", "Content-Type"], "maxAge": 600}
    [closed_url] = docs(repo_raw(), "tencent")["media-query-scf/serverless.yml"]["inputs"]["events"]
    assert "corsConfig" not in closed_url["http"]["parameters"]


def test_a_named_domain_routes_every_http_route_to_its_function_by_path():
    resources = docs(with_deploy_sections(repo_raw()), "aliyun", {"UPVEND_CORS_ORIGINS": ORIGIN})["s.yaml"]["resources"]
    domain = resources["custom_domain"]
    assert domain["component"] == "fc3-domain@0.0.29"
    routes = {r["path"]: r for r in domain["props"]["routeConfig"]["routes"]}
    assert routes["/media"]["functionName"] == routes["/media/*"]["functionName"] == \
        "${resources.media_query.props.functionName}"
    assert routes["/auth/wechat"]["methods"] == ["OPTIONS", "POST"]
    assert set(routes) == {"/auth/wechat", "/aliyun/vod/upload-video", "/aliyun/vod/upload-video/refresh",
                           "/aliyun/vod/upload-image", "/aliyun/sts", "/aliyun/oss/post-policy", "/aliyun/vod/callback",
                           "/aliyun/oss/callback", "/media", "/media/*", "/console", "/console/upload",
                           "/console/config.json", "/console/assets/*"}
    assert domain["props"]["protocol"] == "HTTPS"
    assert "custom_domain" not in docs(repo_raw(), "aliyun")["s.yaml"]["resources"]


SUBSTITUTE = [(re.compile(r"\$\{env\('([A-Z0-9_]+)'(?:, '([^']*)')?\)\}"), lambda m: m.group(2) or "x-1"),
              (re.compile(r"\$\{vars\.region\}"), lambda m: "cn-shanghai"),
              (re.compile(r"\$\{config\('AccountID'\)\}"), lambda m: "1234567890123456"),
              (re.compile(r"\$\{resources\.(\w+)\.props\.functionName\}"), lambda m: m.group(1).replace("_", "-"))]


def resolved(document: Any) -> Any:
    """Stand-in values for every ${...}, so the props can meet the schema's enums (`s preview` does this for
    real in test_real_cli.py, which needs Node)."""
    text = json.dumps(document)
    for pattern, value in SUBSTITUTE:
        text = pattern.sub(value, text)
    return json.loads(text)


def test_every_rendered_resource_meets_its_pinned_component_schema(full_template):
    for raw in (with_deploy_sections(repo_raw()), {**full_template, **{k: with_deploy_sections(repo_raw())[k]
                                                                         for k in ("network", "logs", "domain")}}):
        document = resolved(docs(raw, "aliyun", {"UPVEND_CORS_ORIGINS": ORIGIN})["s.yaml"])
        assert schema_errors(document) == {rid: [] for rid in document["resources"]}


def test_the_schema_check_can_fail():
    document = resolved(docs(repo_raw(), "aliyun")["s.yaml"])
    document["resources"]["auth_wechat"]["props"]["runtime"] = "python3.11"  # FC 3.0 has no such runtime
    document["resources"]["media_query"]["props"]["vpcConfig"].pop("securityGroupId")
    errors = schema_errors(document)
    assert errors["auth_wechat"] and errors["media_query"]


SQLITE = "sqlite:////tmp/upvend-secret-name.db"


def test_render_and_deploy_refuse_a_sqlite_database_url(tmp_path):
    with pytest.raises(TemplateError, match=r"sqlite:// URL, which only works locally[\s\S]*mysql://"):
        render(parse_template(repo_raw()), "aliyun", environ={"UPVEND_DATABASE_URL": SQLITE})
    with pytest.raises(TemplateError, match="postgresql://"):
        render(parse_template(repo_raw()), "tencent", environ={"UPVEND_DATABASE_URL": "SQLite+x:///db"})
    render(parse_template(repo_raw()), "aliyun", environ={"UPVEND_DATABASE_URL": "mysql://u:p@db:3306/x"})
    out = tmp_path / "aliyun"
    (out / "dist").mkdir(parents=True)
    (out / "dist" / "upvend-layer.zip").write_bytes(b"")
    (out / "s.yaml").write_text("edition: 3.0.0\n")
    with pytest.raises(TemplateError, match="sqlite://"):
        make_plan(parse_template(repo_raw()), "aliyun", out, {"UPVEND_DATABASE_URL": SQLITE})


def test_the_cli_render_refuses_sqlite_without_showing_the_url(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("UPVEND_DATABASE_URL", SQLITE)
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--provider", "tencent", "--build", str(tmp_path / "b")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "UPVEND_DATABASE_URL is a sqlite:// URL" in err and "upvend-secret-name" not in err
    assert not (tmp_path / "b" / "tencent" / "serverless.yml").exists()


def test_make_deploy_without_a_provider_fails_before_packaging():
    done = subprocess.run(["make", "--no-print-directory", "deploy", "PROVIDER="], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "make deploy needs PROVIDER=aliyun or PROVIDER=tencent" in done.stdout + done.stderr
    assert "package" not in done.stdout and "wheels" not in done.stdout + done.stderr


def test_make_deploy_with_a_provider_packages_and_renders_first():
    done = subprocess.run(["make", "-n", "--no-print-directory", "deploy", "PROVIDER=aliyun"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "package render PROVIDER=aliyun" in done.stdout and "devtools.cli deploy --provider aliyun" in done.stdout


def test_the_dry_run_names_and_explains_the_missing_network_and_log_variables(tmp_path):
    import io

    from devtools.deploy.deploy import deploy
    from tests.deploy.real_tools import rendered

    template, _ = rendered(repo_raw(), "tencent", tmp_path / "tencent", {})
    out = io.StringIO()
    assert deploy(template, "tencent", tmp_path / "tencent", {}, dry_run=True, which=lambda _: None, stdout=out) == 0
    text = out.getvalue()
    missing = text.split("MISSING: ")[1].splitlines()[0].split(", ")
    assert {"UPVEND_TENCENT_VPC_ID", "UPVEND_TENCENT_SUBNET_ID", "UPVEND_TENCENT_CLS_TOPIC_ID",
            "UPVEND_DATABASE_URL"} <= set(missing)
    assert "UPVEND_TENCENT_VPC_ID: VPC of the database (network.tencent)" in text


def test_render_refuses_a_database_url_whose_driver_the_layer_does_not_ship():
    raw = repo_raw()
    raw["database"] = "mysql"
    with pytest.raises(TemplateError, match=r"postgresql:// URL[\s\S]*database: postgresql"):
        render(parse_template(raw), "aliyun", environ={"UPVEND_DATABASE_URL": "postgresql://u:p@db:5432/x"})
    raw["database"] = ["mysql", "postgresql"]
    render(parse_template(raw), "aliyun", environ={"UPVEND_DATABASE_URL": "postgresql://u:p@db:5432/x"})

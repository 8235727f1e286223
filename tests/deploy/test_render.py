"""`upvend render`: both deploy files, parsed, carry every function, route, trigger, env name and layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.cli import main
from devtools.deploy.render import render
from devtools.deploy.targets import deployable
from devtools.template import load_template, parse_template

REPO = Path(__file__).resolve().parents[2]
COS_UPLOADS = ("qcs::cos:${UPVEND_TENCENT_REGION}:uid/${UPVEND_TENCENT_APPID}:${UPVEND_TENCENT_COS_BUCKET}/"
               "${UPVEND_UPLOAD_PREFIX}/*")


def rendered(raw: dict[str, Any], provider: str) -> dict[str, Any]:
    files = render(parse_template(raw), provider)
    return {path: (yaml.safe_load(text) if path.endswith(".yml") or path.endswith(".yaml") else json.loads(text))
            for path, text in files.items()}


def run_cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return int(exit_info.value.code)


def test_s_yaml_has_every_aliyun_function_with_its_props(full_template):
    s_yaml = rendered(full_template, "aliyun")["s.yaml"]
    assert s_yaml["edition"] == "3.0.0"
    props = {r["props"]["functionName"]: r["props"] for r in s_yaml["resources"].values()}
    assert all(r["component"] == "fc3@0.1.22" for r in s_yaml["resources"].values())  # the schema-checked version
    assert set(props) == {"auth-wechat", "vod-upload", "oss-uploaded"}
    for fn in (f for f in full_template["functions"] if f["provider"] == "aliyun"):
        p = props[fn["name"]]
        assert p["runtime"] == "python3.10" and p["handler"] == fn["handler"]
        assert p["code"] == f"./dist/{fn['name']}.zip"
        assert p["memorySize"] == fn.get("memory", 256) and p["timeout"] == fn.get("timeout", 10)
        assert p["layers"] == ["${env('UPVEND_FC_LAYER_ARN')}"]
        assert p["region"] == "${vars.region}"
    assert s_yaml["vars"]["region"] == "${env('UPVEND_ALIYUN_REGION')}"


def test_aliyun_environment_names_and_secret_references(full_template):
    props = {r["props"]["functionName"]: r["props"] for r in rendered(full_template, "aliyun")["s.yaml"]["resources"].values()}
    auth = props["auth-wechat"]["environmentVariables"]
    assert set(auth) == {"UPVEND_JWT_SECRET", "UPVEND_LOG_LEVEL", "UPVEND_WECHAT_APPID", "UPVEND_WECHAT_SECRET",
                         "UPVEND_MAX_BODY_BYTES"}
    assert auth["UPVEND_MAX_BODY_BYTES"] == "65536"  # the template's body limit, written as a literal
    assert auth["UPVEND_JWT_SECRET"] == "${env('UPVEND_JWT_SECRET')}"
    assert auth["UPVEND_WECHAT_SECRET"] == "${env('UPVEND_WECHAT_SECRET')}"
    assert props["vod-upload"]["environmentVariables"]["UPVEND_VOD_REGION"] == "cn-shanghai"


def test_aliyun_http_oss_triggers_and_roles(full_template):
    props = {r["props"]["functionName"]: r["props"] for r in rendered(full_template, "aliyun")["s.yaml"]["resources"].values()}
    [http] = props["vod-upload"]["triggers"]
    assert http["triggerType"] == "http"
    assert http["triggerConfig"] == {"authType": "anonymous", "disableURLInternet": False, "methods": ["GET", "POST"]}
    assert props["auth-wechat"]["triggers"][0]["triggerConfig"]["methods"] == ["POST"]
    [oss] = props["oss-uploaded"]["triggers"]
    assert oss["triggerType"] == "oss"
    assert oss["sourceArn"] == "acs:oss:${vars.region}:${config('AccountID')}:${env('UPVEND_ALIYUN_OSS_BUCKET')}"
    assert "invocationRole" not in oss  # fc3 then creates its default OSS trigger role; a named one may not exist
    assert oss["triggerConfig"]["events"] == ["oss:ObjectCreated:PostObject", "oss:ObjectCreated:CompleteMultipartUpload"]
    # the prefix falls back to the functions' own default; fc3's schema requires both prefix and suffix
    assert oss["triggerConfig"]["filter"] == {"key": {"prefix": "${env('UPVEND_UPLOAD_PREFIX', 'uploads')}/",
                                                      "suffix": ""}}
    # the trigger reads the same variables as the function's own settings
    assert {"UPVEND_ALIYUN_OSS_BUCKET", "UPVEND_UPLOAD_PREFIX"} <= set(props["oss-uploaded"]["environmentVariables"])
    assert props["vod-upload"]["role"] == "acs:ram::${config('AccountID')}:role/${env('UPVEND_ROLE_PREFIX')}-vod-upload"
    assert "role" not in props["auth-wechat"]  # calls no cloud API: no role at all


def test_tencent_app_has_one_instance_per_function_and_the_layer(full_template):
    files = rendered(full_template, "tencent")
    assert files["serverless.yml"] == {"app": "upvend", "stage": "prod"}
    layer = files["upvend-layer/serverless.yml"]
    assert layer["component"] == "layer" and layer["inputs"]["src"] == "../stage/layer"
    assert layer["inputs"]["runtimes"] == ["Python3.10"]
    instances = {path.split("/")[0]: doc for path, doc in files.items()
                 if path.endswith("/serverless.yml") and doc["component"] == "scf"}
    assert set(instances) == {"auth-wechat-scf", "cos-uploaded", "vod-events"}  # local_only is not deployed
    for name, doc in instances.items():
        fn = next(f for f in full_template["functions"] if f["name"] == name)
        inputs = doc["inputs"]
        assert doc["name"] == inputs["name"] == name
        assert inputs["handler"] == fn["handler"] and inputs["runtime"] == "Python3.10"
        assert inputs["src"] == f"../stage/functions/{name}"
        assert inputs["region"] == "${env:UPVEND_TENCENT_REGION}"
        assert inputs["layers"] == [{"name": "${output:${stage}:${app}:upvend-layer.name}",
                                     "version": "${output:${stage}:${app}:upvend-layer.version}"}]
        assert inputs["environment"]["variables"]["UPVEND_JWT_SECRET"] == "${env:UPVEND_JWT_SECRET}"
        body_limit = {"UPVEND_MAX_BODY_BYTES"} if fn.get("http") else set()  # HTTP functions carry theirs
        assert set(inputs["environment"]["variables"]) == {"UPVEND_JWT_SECRET", "UPVEND_LOG_LEVEL"} | body_limit


def test_tencent_events_function_url_cos_and_timer(full_template):
    files = rendered(full_template, "tencent")
    [http] = files["auth-wechat-scf/serverless.yml"]["inputs"]["events"]
    assert http == {"http": {"parameters": {"qualifier": "$DEFAULT", "authType": "NONE",
                                            "netConfig": {"enableExtranet": True, "enableIntranet": False}}}}
    cos = files["cos-uploaded/serverless.yml"]["inputs"]["events"]
    assert [e["cos"]["parameters"]["events"] for e in cos] == ["cos:ObjectCreated:Post",
                                                               "cos:ObjectCreated:CompleteMultipartUpload"]
    for event in cos:
        params = event["cos"]["parameters"]
        assert params["bucket"] == "media-1250000000.cos.${env:UPVEND_TENCENT_REGION}.myqcloud.com"
        assert params["filter"] == {"prefix": "${env:UPVEND_UPLOAD_PREFIX}/", "suffix": ".mp4"}
        assert params["enable"] is True
    [timer] = files["vod-events/serverless.yml"]["inputs"]["events"]
    assert timer["timer"]["parameters"]["cronExpression"] == "0 */5 * * * * *"
    assert files["vod-events/serverless.yml"]["inputs"]["role"] == "${env:UPVEND_ROLE_PREFIX}-vod-events"
    assert not any("apigw" in e for doc in files.values() if isinstance(doc, dict) and "inputs" in doc
                   for e in doc["inputs"].get("events", []))


def test_timer_on_aliyun_is_an_fc_timer_trigger(full_template):
    full_template["functions"][2] = {"name": "sweeper", "provider": "aliyun", "folder": "functions/sweeper",
                                     "handler": "index.handler", "trigger": {"timer": {"every_minutes": 90}}}
    props = {r["props"]["functionName"]: r["props"] for r in rendered(full_template, "aliyun")["s.yaml"]["resources"].values()}
    [timer] = props["sweeper"]["triggers"]
    assert timer["triggerType"] == "timer"
    assert timer["triggerConfig"] == {"cronExpression": "@every 90m", "enable": True, "payload": ""}


def test_aliyun_policies_grant_only_the_listed_actions(full_template):
    files = rendered(full_template, "aliyun")
    policy = files["policies/vod-upload.json"]
    assert policy["Version"] == "1"
    granted = {a: s["Resource"] for s in policy["Statement"] for a in s["Action"]}
    assert set(granted) == {"sts:AssumeRole", "vod:CreateUploadVideo", "vod:RefreshUploadVideo"}
    assert granted["sts:AssumeRole"] == ["${UPVEND_ALIYUN_STS_ROLE_ARN}"]  # the role the function assumes
    assert all(s["Effect"] == "Allow" and "*" not in s["Action"] for s in policy["Statement"])
    assert "policies/auth-wechat.json" not in files and "policies/oss-uploaded.json" not in files
    upload = files["policies/upload-role.json"]["Statement"]
    assert upload[0]["Resource"] == [
        "acs:oss:*:${UPVEND_ALIYUN_ACCOUNT_ID}:${UPVEND_ALIYUN_OSS_BUCKET}/${UPVEND_UPLOAD_PREFIX}/*"]
    assert {"oss:PutObject", "oss:InitiateMultipartUpload", "oss:UploadPart", "oss:CompleteMultipartUpload"} <= set(
        upload[0]["Action"])
    trust = files["policies/upload-role-trust.json"]["Statement"][0]
    assert trust["Principal"]["RAM"] == ["acs:ram::${UPVEND_ALIYUN_ACCOUNT_ID}:role/${UPVEND_ROLE_PREFIX}-vod-upload"]
    assert files["policies/function-role-trust.json"]["Statement"][0]["Principal"] == {"Service": ["fc.aliyuncs.com"]}


def test_tencent_policies_are_cam_documents(full_template):
    files = rendered(full_template, "tencent")
    events = files["policies/vod-events.json"]
    assert events["version"] == "2.0"
    actions = {a: s["resource"] for s in events["statement"] for a in s["action"]}
    assert set(actions) == {"name/vod:PullEvents", "name/vod:ConfirmEvents", "name/sts:AssumeRole"}
    assert actions["name/sts:AssumeRole"] == ["${UPVEND_TENCENT_STS_ROLE_ARN}"]
    head = files["policies/cos-uploaded.json"]["statement"]
    assert head == [{"effect": "allow", "action": ["name/cos:HeadObject"], "resource": [
        COS_UPLOADS]}]
    upload = files["policies/upload-role.json"]["statement"][0]
    assert {"name/cos:PutObject", "name/cos:PostObject", "name/cos:UploadPart"} <= set(upload["action"])
    # the official SDKs' multipart resume lists uploads with the key as prefix: granted on the prefix
    assert "name/cos:ListMultipartUploads" in upload["action"]
    assert upload["resource"] == [COS_UPLOADS]
    trust = files["policies/upload-role-trust.json"]["statement"][0]
    assert trust["principal"]["qcs"] == ["qcs::cam::uin/${UPVEND_TENCENT_UIN}:roleName/${UPVEND_ROLE_PREFIX}-vod-events"]


def test_the_repository_template_renders_and_the_cli_writes_files(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("UPVEND_DATABASE_URL", raising=False)  # the tests' own SQLite URL cannot be deployed
    template = load_template(REPO / "template.yaml")
    for provider in ("aliyun", "tencent"):
        assert run_cli("render", "--provider", provider, "--build", str(tmp_path)) == 0
    s_yaml = yaml.safe_load((tmp_path / "aliyun" / "s.yaml").read_text())
    names = {r["props"]["functionName"] for r in s_yaml["resources"].values()}
    assert names == {fn.name for fn in deployable(template, "aliyun")}
    scf = {p.parent.name for p in (tmp_path / "tencent").glob("*/serverless.yml")}
    assert scf == {fn.name for fn in deployable(template, "tencent")} | {template.layer.name}


def test_render_removes_instances_of_functions_no_longer_in_the_template(tmp_path, full_template, write_project):
    build = tmp_path / "build"
    assert run_cli("render", "--provider", "tencent", "--file", str(write_project(full_template)),
                   "--build", str(build)) == 0
    assert (build / "tencent" / "vod-events" / "serverless.yml").is_file()
    del full_template["functions"][5]
    assert run_cli("render", "--provider", "tencent", "--file", str(write_project(full_template)),
                   "--build", str(build)) == 0
    assert not (build / "tencent" / "vod-events").exists()
    assert not (build / "tencent" / "policies" / "vod-events.json").exists()


def test_no_secret_value_and_no_literal_account_in_rendered_files(full_template):
    for provider in ("aliyun", "tencent"):
        text = "".join(render(parse_template(full_template), provider).values())
        assert "UPVEND_JWT_SECRET: ${env" in text
        assert "acs:ram::1" not in text and "uin/1" not in text


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["functions"][0].update(provider="azure"), "(auth-wechat).provider: Input should be 'aliyun' or 'tencent'"),
    (lambda t: t["functions"][1].update(http=[{"method": "POST", "path": "/auth/wechat"}]),
     "POST /auth/wechat is declared by both 'auth-wechat' and 'vod-upload'"),
    (lambda t: t["functions"][0].update(trigger={"timer": {"every_minutes": 5}}), "either http routes or a trigger"),
    (lambda t: t["defaults"]["env"].__setitem__(0, {"name": "UPVEND_JWT_SECRET", "secret": True, "value": "hunter2"}),
     "UPVEND_JWT_SECRET is a secret: give it no value"),
    (lambda t: t["functions"][0]["env"].__setitem__(0, {"name": "UPVEND_TENCENT_VOD_SECRET_KEY", "value": "hunter2"}),
     "UPVEND_TENCENT_VOD_SECRET_KEY is a secret setting: mark it `secret: true` and give it no value"),
    (lambda t: t["functions"][0]["env"].append("UPVEND_DATABASE_URL"),
     "UPVEND_DATABASE_URL is a secret setting: mark it `secret: true`"),
    (lambda t: t["functions"][1].update(permissions=["vod:DeleteCategory"]), "permission 'vod:DeleteCategory' is not known"),
    (lambda t: t["functions"][5]["trigger"]["timer"].update(every_minutes=7), "divisor of 60 minutes"),
    (lambda t: t.update(python="3.12"), "tencent offers Python 3.10, 3.11, not 3.12"),
])
def test_template_errors_fail_the_render_with_a_clear_message(change, message, full_template, write_project, tmp_path,
                                                              capsys):
    change(full_template)
    path = write_project(full_template)
    assert run_cli("render", "--file", str(path), "--build", str(tmp_path / "build")) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "build" / "tencent" / "serverless.yml").exists()


def test_unknown_provider_option_fails_clearly(capsys, tmp_path):
    assert run_cli("render", "--provider", "aws", "--build", str(tmp_path)) == 2
    assert "unknown provider 'aws': choose one of aliyun, tencent" in capsys.readouterr().err

"""The repository's template.yaml: each function's rendered role grants exactly the cloud actions its code
needs, on resources named by the same variables the function reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from devtools.deploy.deploy import make_plan
from devtools.deploy.render import render, write
import upvend.uploads  # noqa: F401  (declares UPLOAD_PREFIX)
from devtools.deploy.targets import (DEPLOY_DEFAULTS, DEPLOY_VARIABLES, deployable, section_variables,
                                     trigger_variables)
from devtools.template import load_template
from upvend import settings

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(REPO / "template.yaml")

# What each function's code calls with its own role credentials (read from the code, not the template):
# the VOD functions one upload API each; STS functions AssumeRole on the upload role; the Aliyun PostObject
# form is signed with the function's own role key, so OSS authorises the upload as that role's PutObject;
# the Tencent PostObject form is signed with keys from AssumeRole; the OSS trigger reads each object's
# Content-Type with HeadObject; the VOD callbacks read each notice's media back from VOD (their bodies are
# hints). Everything else calls no cloud API (WeChat, the OSS callback and the COS trigger only write the
# database); the VOD pull timer pulls and confirms events, and reads each file back.
CALLS = {
    "aliyun-vod-upload-video": {"vod:CreateUploadVideo"},
    "aliyun-vod-refresh-video": {"vod:RefreshUploadVideo"},
    "aliyun-vod-upload-image": {"vod:CreateUploadImage"},
    "aliyun-sts": {"sts:AssumeRole"},
    "aliyun-oss-post-policy": {"oss:PutObject"},
    "aliyun-oss-trigger": {"oss:GetObject", "oss:DeleteObject"},
    # Notices that leave a row rejected (larger than reserved) or find it deleted remove the content again;
    # the expiry timers release abandoned VOD reservations.
    "aliyun-vod-callback": {"vod:GetVideoInfo", "vod:GetPlayInfo", "vod:GetImageInfo", "vod:DeleteVideo",
                            "vod:DeleteImage"},
    "aliyun-oss-callback": {"oss:DeleteObject"},
    "tencent-vod-callback": {"vod:DescribeMediaInfos", "vod:DeleteMedia"},
    "tencent-cos-trigger": {"cos:DeleteObject"},
    "media-expiry": {"vod:DeleteVideo", "vod:DeleteImage"},
    "media-expiry-scf": {"vod:DeleteMedia"},
    "tencent-cos-sts": {"sts:AssumeRole"},
    "tencent-cos-post-policy": {"sts:AssumeRole"},
    "tencent-vod-pull": {"vod:PullEvents", "vod:ConfirmEvents", "vod:DescribeEventsState",
                         "vod:DescribeMediaInfos", "vod:DeleteMedia"},
    # GET /media signs object URLs with the function's own key (read access to the upload prefix) and asks
    # Aliyun VOD for signed play and image URLs when no URL-signing key is configured; DELETE /media/{id}
    # deletes the object (upload prefix only) or the VOD media.
    "media-query": {"oss:GetObject", "vod:GetPlayInfo", "vod:GetImageInfo", "oss:DeleteObject", "vod:DeleteVideo",
                    "vod:DeleteImage"},
    "media-query-scf": {"cos:GetObject", "cos:DeleteObject", "vod:DeleteMedia"},
}
# What the platform does with a function's role: FC delivers an OSS-trigger event it gave up on to the
# failure destination (failed_events.aliyun, an MNS queue) with the function's role.
PLATFORM_CALLS = {"aliyun-oss-trigger": {"mns:SendMessage"}}
# Placeholders that name the account rather than something a function reads.
ACCOUNT_VARIABLES = {"UPVEND_ALIYUN_ACCOUNT_ID", "UPVEND_TENCENT_UIN", "UPVEND_TENCENT_APPID", "UPVEND_ROLE_PREFIX"}
BUCKET = {"aliyun": "UPVEND_ALIYUN_OSS_BUCKET", "tencent": "UPVEND_TENCENT_COS_BUCKET"}
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def rendered(provider: str) -> dict:
    return {path: json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
            for path, text in render(TEMPLATE, provider).items()}


def granted(provider: str, policy: dict) -> dict[str, list[str]]:
    """Action (template spelling) -> its resources."""
    if provider == "aliyun":
        return {a: s["Resource"] for s in policy["Statement"] for a in s["Action"]}
    return {a.removeprefix("name/"): s["resource"] for s in policy["statement"] for a in s["action"]}


def roles(provider: str, files: dict) -> dict[str, str | None]:
    if provider == "aliyun":
        return {r["props"]["functionName"]: r["props"].get("role") for r in files["s.yaml"]["resources"].values()}
    return {doc["name"]: doc["inputs"].get("role") for path, doc in files.items()
            if path.endswith("/serverless.yml") and doc.get("component") == "scf"}


def test_the_table_names_only_template_functions():
    assert set(CALLS) <= {fn.name for fn in TEMPLATE.functions}


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_each_function_is_granted_exactly_what_its_code_calls(provider):
    files = rendered(provider)
    role_of = roles(provider, files)
    for fn in deployable(TEMPLATE, provider):
        expected = CALLS.get(fn.name, set()) | PLATFORM_CALLS.get(fn.name, set())
        policy = files.get(f"policies/{fn.name}.json")
        if not expected:
            assert policy is None and role_of[fn.name] is None, f"{fn.name} calls no cloud API: no role"
            continue
        assert set(granted(provider, policy)) == expected, fn.name
        assert role_of[fn.name] and role_of[fn.name].endswith(f"-{fn.name}")


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_policy_resources_use_the_variables_the_functions_read(provider):
    files = rendered(provider)
    for fn in deployable(TEMPLATE, provider):
        policy = files.get(f"policies/{fn.name}.json")
        if policy is None:
            continue
        # the failure destination's queue is named by its own section (failed_events)
        used = set(PLACEHOLDER.findall(json.dumps(policy))) - ACCOUNT_VARIABLES - set(section_variables(TEMPLATE, provider))
        assert used <= {e.name for e in fn.env}, f"{fn.name}: policy uses {sorted(used)}"
        for action, resources in granted(provider, policy).items():
            if action == "sts:AssumeRole":
                assert resources == [f"${{UPVEND_{provider.upper()}_STS_ROLE_ARN}}"]
    upload = json.dumps(files["policies/upload-role.json"])
    assert f"${{{BUCKET[provider]}}}/${{UPVEND_UPLOAD_PREFIX}}/*" in upload
    trust = json.dumps(files["policies/upload-role-trust.json"])
    assumers = {fn.name for fn in deployable(TEMPLATE, provider) if "sts:AssumeRole" in fn.permissions}
    assert assumers and all(f"${{UPVEND_ROLE_PREFIX}}-{name}\"" in trust for name in assumers)
    assert trust.count("${UPVEND_ROLE_PREFIX}-") == len(assumers)


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_every_placeholder_and_trigger_variable_is_a_known_deploy_variable(provider):
    files = render(TEMPLATE, provider)
    placeholders = {name for path, text in files.items() if path.endswith(".json")
                    for name in PLACEHOLDER.findall(text)}
    assert placeholders <= set(DEPLOY_VARIABLES[provider]) | set(section_variables(TEMPLATE, provider))
    in_triggers = set(trigger_variables(TEMPLATE, provider))
    assert in_triggers <= set(DEPLOY_VARIABLES[provider])
    for fn in deployable(TEMPLATE, provider):
        storage = fn.trigger and (fn.trigger.oss or fn.trigger.cos)
        if storage:  # the trigger watches what the function itself is configured with
            assert PLACEHOLDER.fullmatch(storage.bucket).group(1) == BUCKET[provider]
            assert storage.prefix == "${UPVEND_UPLOAD_PREFIX}/"
            assert "UPVEND_UPLOAD_PREFIX" in {e.name for e in fn.env}


def test_the_deploy_default_prefix_is_the_functions_default():
    assert DEPLOY_DEFAULTS["UPVEND_UPLOAD_PREFIX"] == settings.declared()["UPLOAD_PREFIX"].default


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_the_deploy_plan_requires_what_the_deployment_and_functions_cannot_do_without(provider, tmp_path):
    out = tmp_path / provider
    write(render(TEMPLATE, provider), out)
    (out / "dist").mkdir()
    (out / "dist" / f"{TEMPLATE.layer.name}.zip").write_bytes(b"")
    plan = make_plan(TEMPLATE, provider, out, {"UPVEND_FC_LAYER_ARN": "arn"})
    region, bucket = (("UPVEND_ALIYUN_REGION", "UPVEND_ALIYUN_OSS_BUCKET") if provider == "aliyun"
                      else ("UPVEND_TENCENT_REGION", "UPVEND_TENCENT_COS_BUCKET"))
    # also function settings, but the deployment itself needs them: never deployed empty
    assert {region, bucket, f"UPVEND_{provider.upper()}_STS_ROLE_ARN", "UPVEND_ROLE_PREFIX"} <= set(plan.required)
    assert {"UPVEND_JWT_SECRET", "UPVEND_DATABASE_URL", "UPVEND_WECHAT_APPID"} <= set(plan.required)
    assert plan.defaults == {"UPVEND_UPLOAD_PREFIX": "uploads"}
    assert {"UPVEND_LOG_LEVEL", "UPVEND_CORS_ORIGINS", "UPVEND_DATABASE_TIMEOUT_SECONDS"} <= set(plan.optional)
    if provider == "aliyun":  # a secret with a default (key rotation): may stay unset
        assert "UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS" in plan.optional

"""Running the real deploy tools of tests/deploy/cli offline, and the inputs they need."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping

import jsonschema_rs
import pytest
import yaml

from devtools.deploy.deploy import referenced_variables
from devtools.deploy.render import render, write
from devtools.deploy.variables import Variables, classify
from devtools.template import Template, parse_template
from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "tests" / "deploy" / "cli"
S = CLI / "node_modules" / ".bin" / "s"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
ACCOUNT_ID = "1234567890123456"
LAYER_ARN = f"acs:fc:cn-shanghai:{ACCOUNT_ID}:layers/upvend-layer/versions/3"
ORIGIN = "https://console.example.com"


def need(ok: bool, reason: str) -> None:
    """Skip outside CI; under CI=true the tool is part of the test set-up and its absence is a failure."""
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} (required under CI=true: `make test` installs it)")
        pytest.skip(reason)


def loopback_only_works() -> bool:
    try:
        done = subprocess.run(["unshare", "-n", "--", "sh", "-c", "ip link set lo up"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def offline(argv: list[str], cwd: Path, env: Mapping[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    """Run `argv` in a network namespace with only loopback (the real CLIs would reach the cloud)."""
    need(shutil.which("unshare") is not None and loopback_only_works(),
         "`unshare -n` (a loopback-only network namespace) does not work here")
    return subprocess.run(["unshare", "-n", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *argv],
                          cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout)


def base_env(home: Path) -> dict[str, str]:
    """A clean environment: no UPVEND_* of the test run, a HOME of its own (`s` keeps its state there)."""
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}


def with_deploy_sections(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with the domain section switched on (template.yaml ships it commented out)."""
    raw = dict(raw)
    raw["domain"] = {"aliyun": {"name": "${UPVEND_ALIYUN_DOMAIN}", "protocol": "HTTPS",
                                "cert_id": "${UPVEND_ALIYUN_DOMAIN_CERT_ID}"}}
    return raw


def repo_raw() -> dict[str, Any]:
    return yaml.safe_load((REPO / "template.yaml").read_text(encoding="utf-8"))


def rendered(raw: dict[str, Any], provider: str, out: Path, environ: Mapping[str, str]) -> tuple[Template, Variables]:
    """Render `raw` for `provider` into `out` (with a stand-in layer zip); return the template and what the
    deployment needs, read from the files as `make deploy` reads them."""
    template = parse_template(raw)
    write(render(template, provider, environ=environ), out)
    (out / "dist").mkdir(exist_ok=True)
    (out / "dist" / f"{template.layer.name}.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return template, classify(template, provider, referenced_variables(out))


# A value for each deploy-time variable a test sets, shaped as the functions' settings parse them.
SAMPLE = {
    "UPVEND_ALIYUN_REGION": "cn-shanghai", "UPVEND_TENCENT_REGION": "ap-guangzhou",
    "UPVEND_ROLE_PREFIX": "upvend", "UPVEND_ALIYUN_ACCOUNT_ID": ACCOUNT_ID, "UPVEND_TENCENT_UIN": "100000000001",
    "UPVEND_TENCENT_APPID": "1250000000", "UPVEND_ALIYUN_OSS_BUCKET": "media-uploads",
    "UPVEND_TENCENT_COS_BUCKET": "media-1250000000", "UPVEND_FC_LAYER_ARN": LAYER_ARN,
    "UPVEND_ALIYUN_STS_ROLE_ARN": f"acs:ram::{ACCOUNT_ID}:role/upvend-upload",
    "UPVEND_TENCENT_STS_ROLE_ARN": "qcs::cam::uin/100000000001:roleName/upvend-upload",
    "UPVEND_DATABASE_URL": "mysql://upvend:pw@rm-example.mysql.rds.aliyuncs.com:3306/upvend",
    "UPVEND_JWT_SECRET": "a-deploy-test-jwt-secret-of-32-bytes!",
    "UPVEND_WECHAT_APPID": "wx0123456789abcdef", "UPVEND_WECHAT_SECRET": "0123456789abcdef0123456789abcdef",
    "UPVEND_ALIYUN_VOD_CALLBACK_KEY": "vod-callback-key-1",
    "UPVEND_ALIYUN_VOD_CALLBACK_URL": "https://api.example.com/aliyun/vod/callback",
    "UPVEND_TENCENT_VOD_SECRET_ID": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
    "UPVEND_TENCENT_VOD_SECRET_KEY": "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
}


def value_for(name: str) -> str:
    if name in SAMPLE:
        return SAMPLE[name]
    if name.endswith("_ID") or name.endswith("_IDS"):
        return f"{name.lower().replace('_', '-')[7:]}-0001"
    return f"{name.lower()}-value"


def required_only(variables: Variables, home: Path, **extra: str) -> dict[str, str]:
    env = base_env(home)
    env.update({name: value_for(name) for name in variables.required})
    env.update(extra)
    return env


def fc3_validator(component: str) -> jsonschema_rs.Draft7Validator:
    name, version = component.split("@")
    return jsonschema_rs.validator_for(json.loads((SCHEMAS / f"{name}-{version}.schema.json").read_text()))


def schema_errors(document: dict[str, Any]) -> dict[str, list[str]]:
    """resource id -> the pinned component schema's complaints about its props."""
    return {rid: [f"{e.instance_path}: {e.message}" for e in fc3_validator(r["component"]).iter_errors(r["props"])]
            for rid, r in document["resources"].items()}


UNRESOLVED = re.compile(r"\$\{[^}]*\}")

"""`upvend deploy`: DRY_RUN prints the plan, a missing CLI is named with its install line, an installed CLI runs."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from devtools.deploy.deploy import DeployError, deploy
from devtools.deploy.render import render, write
from devtools.template import parse_template

SECRETS = {"UPVEND_JWT_SECRET": "jwt-secret-value-1234", "UPVEND_WECHAT_SECRET": "wechat-secret-value"}


@pytest.fixture
def rendered_build(tmp_path, full_template):
    template = parse_template(full_template)
    for provider in ("aliyun", "tencent"):
        out = tmp_path / provider
        write(render(template, provider), out)
        (out / "dist").mkdir()
        (out / "dist" / "upvend-layer.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return template, tmp_path


SCF_VERSION = "serverless-cloud-framework version: {}(npm)"  # `scf --version` (src/libs/cli.js logVersion)


def fake_cli(folder: Path, name: str, output: str) -> Path:
    """An executable that records its argv, cwd and a few variables, then prints `output`."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(
        "#!/usr/bin/env python3\nimport json, os, sys\n"
        f"with open({str(folder / 'calls.jsonl')!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd(), 'layer': os.environ.get('UPVEND_FC_LAYER_ARN'),"
        " 'log_level': os.environ.get('UPVEND_LOG_LEVEL'),"
        " 'prefix': os.environ.get('UPVEND_UPLOAD_PREFIX')}) + '\\n')\n"
        f"print({output!r})\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def calls(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "calls.jsonl").read_text().splitlines()]


def test_dry_run_prints_the_plan_and_runs_nothing(rendered_build):
    template, build = rendered_build
    out = io.StringIO()
    env = {"UPVEND_ALIYUN_REGION": "cn-shanghai", **SECRETS}
    assert deploy(template, "aliyun", build / "aliyun", env, dry_run=True, which=lambda _: "/bin/s", stdout=out) == 0
    text = out.getvalue()
    assert "s cli fc3 layer publish --region cn-shanghai --layer-name upvend-layer --code ./dist/upvend-layer.zip" \
           " --compatible-runtime python3.10" in text
    assert "s deploy -t s.yaml -y" in text and "DRY_RUN: nothing was deployed." in text
    assert "MISSING: UPVEND_WECHAT_APPID, UPVEND_ROLE_PREFIX, UPVEND_ALIYUN_OSS_BUCKET\n" in text
    assert "UPVEND_ALIYUN_OSS_BUCKET: OSS bucket that receives uploads" in text
    optional = set(text.split("optional (unset = function default): ")[1].splitlines()[0].split(", "))
    # optional = the layer declares a default (a plain setting, and a secret one: the previous rotation key).
    # The app id has no default and the bucket names the OSS trigger's bucket: neither may be deployed empty.
    assert optional == {"UPVEND_LOG_LEVEL", "UPVEND_ALIYUN_VOD_CALLBACK_KEY_PREVIOUS"}
    assert "defaults when unset: UPVEND_UPLOAD_PREFIX=uploads" in text
    assert not any(value in text for value in SECRETS.values())


def test_cli_not_installed_prints_what_to_install_and_run(rendered_build):
    template, build = rendered_build
    for provider, install, command in (("aliyun", "npm i -g @serverless-devs/s", "s deploy -t s.yaml -y"),
                                       ("tencent", "npm i -g serverless-cloud-framework", "scf deploy")):
        out = io.StringIO()
        assert deploy(template, provider, build / provider, {}, which=lambda _: None, stdout=out) == 1
        text = out.getvalue()
        assert install in text and command in text and "is not installed" in text


def test_installed_s_publishes_the_layer_then_deploys_with_its_arn(rendered_build, monkeypatch):
    template, build = rendered_build
    arn = "acs:fc:cn-shanghai:1234567890:layers/upvend-layer/versions/7"
    bin_dir = fake_cli(build / "bin", "s", f"layerVersionArn:   {arn}")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "UPVEND_ALIYUN_REGION": "cn-shanghai",
           "UPVEND_ALIYUN_OSS_BUCKET": "media", "UPVEND_ROLE_PREFIX": "upvend", "UPVEND_WECHAT_APPID": "wx1",
           **SECRETS}
    monkeypatch.setenv("PATH", env["PATH"])
    out = io.StringIO()
    assert deploy(template, "aliyun", build / "aliyun", env, stdout=out) == 0
    publish, apply = calls(bin_dir)
    assert publish["argv"][:4] == ["cli", "fc3", "layer", "publish"] and publish["layer"] is None
    assert apply["argv"] == ["deploy", "-t", "s.yaml", "-y"]
    assert apply["layer"] == arn and apply["cwd"] == str(build / "aliyun")
    assert apply["log_level"] == ""  # unset optional settings are deployed empty: the function default applies
    assert apply["prefix"] == "uploads"  # the trigger filter and the functions agree on the default prefix
    assert not any(value in out.getvalue() for value in SECRETS.values())


def test_installed_scf_deploys_the_app_folder(rendered_build, monkeypatch):
    template, build = rendered_build
    bin_dir = fake_cli(build / "bin", "scf", SCF_VERSION.format("1.2.0"))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env = {**os.environ, "UPVEND_TENCENT_REGION": "ap-guangzhou", "UPVEND_ROLE_PREFIX": "upvend",
           "UPVEND_UPLOAD_PREFIX": "media/in", **SECRETS}
    assert deploy(template, "tencent", build / "tencent", env, stdout=io.StringIO()) == 0
    version, call = calls(bin_dir)
    assert version["argv"] == ["--version"]  # a retired Python `scf` of the same name would be refused
    assert call["argv"] == ["deploy"] and call["cwd"] == str(build / "tencent")
    assert call["prefix"] == "media/in"  # a prefix the deployer chose is kept


@pytest.mark.parametrize("version", ["1.1.0", "0.9.3"])
def test_an_scf_older_than_function_urls_is_refused_before_anything_runs(rendered_build, version):
    """serverless-cloud-framework 1.2.0 is the first CLI with function URLs (`http` events)."""
    template, build = rendered_build
    bin_dir = fake_cli(build / "bin", "scf", SCF_VERSION.format(version))
    with pytest.raises(DeployError, match=f"serverless-cloud-framework {version}; the rendered functions use "
                                          "function URLs .* need 1.2.0 or later: npm i -g serverless-cloud-framework"):
        deploy(template, "tencent", build / "tencent", {}, dry_run=True,
               which=lambda name: str(bin_dir / name) if name == "scf" else None, stdout=io.StringIO())
    assert [c["argv"] for c in calls(bin_dir)] == [["--version"]]  # nothing but the version question ran


def test_missing_secret_stops_an_installed_deploy(rendered_build):
    template, build = rendered_build
    out = io.StringIO()
    env = {"UPVEND_TENCENT_REGION": "ap-guangzhou", "UPVEND_ROLE_PREFIX": "upvend"}
    bin_dir = fake_cli(build / "bin", "scf", SCF_VERSION.format("1.3.0"))
    assert deploy(template, "tencent", build / "tencent", env, which=lambda _: str(bin_dir / "scf"), stdout=out) == 1
    assert "set UPVEND_JWT_SECRET" in out.getvalue()


def test_deploy_before_render_says_what_to_run(tmp_path, full_template):
    with pytest.raises(DeployError, match="run `make package render PROVIDER=aliyun`"):
        deploy(parse_template(full_template), "aliyun", tmp_path / "aliyun", {}, dry_run=True)


def test_the_retired_python_scf_cli_is_refused_with_what_to_install(rendered_build, tmp_path):
    """`pip install scf` (0.2.8, package tcfcli) installs a `scf` too; this is its entry script and its
    `--version` line."""
    template, build = rendered_build
    retired = tmp_path / "bin" / "scf"
    retired.parent.mkdir()
    retired.write_text(f"#!{sys.executable}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\n"
                       "try:\n    from tcfcli.cmds.cli.cli import cli\nexcept ImportError:\n"
                       "    print('[o] Version: 0.2.8'); sys.exit(0)\n")
    retired.chmod(0o755)
    with pytest.raises(DeployError, match="retired Python SCF CLI[\\s\\S]*npm i -g serverless-cloud-framework"):
        deploy(template, "tencent", build / "tencent", {}, dry_run=True, which=lambda _: str(retired),
               stdout=io.StringIO())

"""template.yaml validation: the real template loads; every malformed one names its bad field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from devtools.template import TemplateError, load_template, parse_template

REPO = Path(__file__).resolve().parents[2]


def base() -> dict:
    return {
        "app": "upvend",
        "layer": {"name": "upvend-layer"},
        "defaults": {"memory": 256, "timeout": 10, "env": [{"name": "UPVEND_JWT_SECRET", "secret": True}]},
        "functions": [
            {"name": "login", "provider": "aliyun", "folder": "functions/auth_wechat", "handler": "index.handler",
             "env": ["UPVEND_WECHAT_APPID"], "http": [{"method": "post", "path": "/auth/wechat"}]},
            {"name": "objects", "provider": "aliyun", "folder": "functions/auth_wechat", "handler": "index.handler",
             "trigger": {"oss": {"bucket": "b", "events": ["oss:ObjectCreated:*"], "prefix": "uploads/"}}},
        ],
    }


def test_repository_template_is_valid_and_every_handler_exists():
    template = load_template(REPO / "template.yaml")
    names = [fn.name for fn in template.functions]
    assert "auth-wechat" in names and "auth-wechat-scf" in names
    assert {fn.provider for fn in template.functions} == {"aliyun", "tencent"}


def test_defaults_are_merged_and_names_expand():
    template = parse_template(base())
    login = template.function("login")
    assert login.memory == 256 and login.timeout == 10
    assert [(e.name, e.secret) for e in login.env] == [("UPVEND_WECHAT_APPID", False), ("UPVEND_JWT_SECRET", True),
                                                       ("UPVEND_MAX_BODY_BYTES", False)]
    assert login.http[0].method == "POST"
    assert template.function("objects").trigger.kind == "oss"


def test_an_http_function_carries_its_body_limit_in_its_environment():
    raw = base()
    assert parse_template(raw).function("login").env[-1].value == "65536"
    raw["functions"][0]["max_body_bytes"] = 4096
    template = parse_template(raw)
    assert (template.function("login").max_body_bytes, template.function("login").env[-1].value) == (4096, "4096")
    assert all(e.name != "UPVEND_MAX_BODY_BYTES" for e in template.function("objects").env)


@pytest.mark.parametrize("mutate, expected", [
    (lambda t: t["functions"][0].update(max_body_bytes=-1), "functions[0] (login).max_body_bytes"),
    (lambda t: t["functions"][0].update(max_body_bytes=32 * 1024 * 1024 + 1), "functions[0] (login).max_body_bytes"),
    (lambda t: t["functions"][1].update(max_body_bytes=1024), "max_body_bytes applies to functions with http routes"),
    (lambda t: t["functions"][0]["env"].append({"name": "UPVEND_MAX_BODY_BYTES", "value": "1"}),
     "set the body limit with max_body_bytes"),
])
def test_body_limit_errors_name_the_field(mutate, expected):
    assert expected in broken(mutate)


def broken(mutate) -> str:
    raw = copy.deepcopy(base())
    mutate(raw)
    with pytest.raises(TemplateError) as caught:
        parse_template(raw, root=REPO)
    return str(caught.value)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda t: t["functions"][0].update(provider="aws"), "functions[0] (login).provider"),
        (lambda t: t["functions"][0].update(memory=64), "functions[0] (login).memory"),
        (lambda t: t["functions"][0].update(timeout=0), "functions[0] (login).timeout"),
        (lambda t: t["functions"][0].update(handler="index"), "functions[0] (login).handler"),
        (lambda t: t["functions"][0].update(folder="../etc"), "functions[0] (login).folder"),
        (lambda t: t["functions"][0].update(name="1-bad"), "functions[0] (1-bad).name"),
        (lambda t: t["functions"][0].update(colour="red"), "functions[0] (login).colour"),
        (lambda t: t["functions"][0]["http"][0].update(method="FETCH"), "functions[0] (login).http[0].method"),
        (lambda t: t["functions"][0]["http"][0].update(path="auth"), "functions[0] (login).http[0].path"),
        (lambda t: t["functions"][0]["env"].append({"name": "UPVEND_X", "secret": True, "value": "v"}),
         "UPVEND_X is a secret"),
        (lambda t: t["functions"][0]["env"].append("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), "set by the platform"),
        (lambda t: t["functions"][0]["env"].append("bad-name"), "functions[0] (login).env[1].name"),
        (lambda t: t["functions"][0].update(trigger={"timer": {"every_minutes": 5}}), "either http routes or a trigger"),
        (lambda t: t["functions"][1].update(trigger={}), "exactly one of oss, cos, timer"),
        (lambda t: t["functions"][1].update(provider="tencent"), "an oss trigger needs provider aliyun"),
        (lambda t: t["functions"][1]["trigger"]["oss"].update(events=["ObjectCreated:*"]), "must start with 'oss:'"),
        (lambda t: t["functions"].append(dict(t["functions"][0], name="login2")), "POST /auth/wechat is declared by"),
        (lambda t: t["functions"].append(dict(t["functions"][0])), "function name 'login' is used twice"),
        (lambda t: t.update(python="2.7"), "python"),
        (lambda t: t.pop("layer"), "layer"),
        (lambda t: t.update(functions=[]), "functions"),
        (lambda t: t["functions"][0].update(folder="functions/missing"), "functions/missing/index.py does not exist"),
        # defaults are checked on their own, so their errors point into `defaults`, not into a function
        (lambda t: t["defaults"]["env"].insert(0, "bad-name"), "template.yaml: defaults.env[0].name: "),
        (lambda t: t["defaults"]["env"].append({"name": "UPVEND_X", "colour": 1}), "template.yaml: defaults.env[1].colour: "),
        (lambda t: t["defaults"]["env"].append("FC_REGION"), "template.yaml: defaults.env[1]: "),
        (lambda t: t["defaults"].update(env={"UPVEND_X": "v"}), "template.yaml: defaults.env: "),
        (lambda t: t["defaults"].update(memory="lots"), "template.yaml: defaults.memory: "),
        (lambda t: t["defaults"].update(memory=64), "template.yaml: defaults.memory: "),
        (lambda t: t["defaults"].update(timeout=901), "template.yaml: defaults.timeout: "),
        (lambda t: t["defaults"].update(colour="red"), "template.yaml: defaults.colour: "),
        (lambda t: t.update(defaults=[1]), "template.yaml: defaults: "),
        # a function's env must be a list; a mapping is an error there, not a crash while merging defaults
        (lambda t: t["functions"][0].update(env={"UPVEND_WECHAT_APPID": "x"}),
         "template.yaml: functions[0] (login).env: Input should be a valid list"),
        (lambda t: t.update(functions="x"), "template.yaml: functions: must be a list of functions, not str"),
        (lambda t: t.update(functions={"login": {}}), "template.yaml: functions: must be a list of functions, not dict"),
        (lambda t: t.pop("functions"), "template.yaml: functions: Field required"),
    ],
)
def test_errors_name_the_bad_field(mutate, expected):
    assert expected in broken(mutate)


def test_same_route_on_two_providers_is_allowed():
    raw = base()
    raw["functions"].append(dict(raw["functions"][0], name="login-scf", provider="tencent",
                                 handler="index.main_handler"))
    assert len(parse_template(raw, root=REPO).functions) == 3


def test_yaml_syntax_error_is_reported(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text("app: [unclosed\n")
    with pytest.raises(TemplateError, match="not valid YAML"):
        load_template(path)


def test_non_mapping_template(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(["a", "b"]))
    with pytest.raises(TemplateError, match="top level must be a mapping"):
        load_template(path)

"""Settings are validated when read, and errors name the variable without echoing secrets."""

from __future__ import annotations

import pytest

from upvend import settings
from upvend.errors import ConfigurationError


def test_defaults_apply_when_unset():
    env = {}
    assert settings.get("WECHAT_API_BASE", env) == "https://api.weixin.qq.com"
    assert settings.get("JWT_TTL_SECONDS", env) == 7200
    assert settings.get("CORS_ORIGINS", env) == ()


def test_values_are_parsed():
    env = {"UPVEND_JWT_TTL_SECONDS": "60", "UPVEND_CORS_ORIGINS": "https://a.example, https://b.example,",
           "UPVEND_WECHAT_API_BASE": "http://127.0.0.1:9/"}
    assert settings.get("JWT_TTL_SECONDS", env) == 60
    assert settings.get("CORS_ORIGINS", env) == ("https://a.example", "https://b.example")
    assert settings.get("WECHAT_API_BASE", env) == "http://127.0.0.1:9"


@pytest.mark.parametrize("name, value, message", [
    ("JWT_TTL_SECONDS", "soon", "UPVEND_JWT_TTL_SECONDS is malformed"),
    ("JWT_TTL_SECONDS", "-5", "UPVEND_JWT_TTL_SECONDS is malformed"),
    ("WECHAT_API_BASE", "ftp://x", "UPVEND_WECHAT_API_BASE is malformed"),
    ("WECHAT_TIMEOUT_SECONDS", "0", "UPVEND_WECHAT_TIMEOUT_SECONDS is malformed"),
])
def test_malformed_values_name_the_variable(name, value, message):
    with pytest.raises(ConfigurationError, match=message) as caught:
        settings.get(name, {f"UPVEND_{name}": value})
    assert caught.value.code == "setting_malformed"


def test_missing_required_names_the_variable():
    with pytest.raises(ConfigurationError, match="UPVEND_WECHAT_SECRET is not set") as caught:
        settings.get("WECHAT_SECRET", {})
    assert caught.value.code == "setting_missing"


def test_secret_values_are_never_echoed():
    with pytest.raises(ConfigurationError) as caught:
        settings.get("JWT_SECRET", {"UPVEND_JWT_SECRET": "tooshort-secret"})
    assert "tooshort-secret" not in caught.value.message


def test_undeclared_setting_is_a_programming_error():
    with pytest.raises(KeyError):
        settings.get("NO_SUCH_SETTING", {})


def test_secret_values_collects_only_secrets():
    env = {"UPVEND_JWT_SECRET": "a" * 40, "UPVEND_WECHAT_APPID": "wx-public-appid",
           "TENCENTCLOUD_SESSIONTOKEN": "token-value"}
    values = settings.secret_values(env)
    assert "a" * 40 in values and "token-value" in values and "wx-public-appid" not in values


def test_a_value_is_parsed_once_and_again_only_when_the_environment_changes(monkeypatch):
    calls: list[str] = []

    def parse(raw: str) -> int:
        calls.append(raw)
        return int(raw)

    settings.declare("TEST_PARSED_ONCE", parse, 1)
    try:
        monkeypatch.setenv("UPVEND_TEST_PARSED_ONCE", "5")
        assert [settings.get("TEST_PARSED_ONCE") for _ in range(3)] == [5, 5, 5]
        monkeypatch.setenv("UPVEND_TEST_PARSED_ONCE", "6")
        assert settings.get("TEST_PARSED_ONCE") == 6
        assert calls == ["5", "6"]
        settings.reset_cache()
        assert settings.get("TEST_PARSED_ONCE") == 6 and calls == ["5", "6", "6"]
    finally:
        settings._DECLARED.pop("TEST_PARSED_ONCE", None)
        settings.reset_cache()


def test_secret_values_follow_new_secret_declarations(monkeypatch):
    monkeypatch.setenv("UPVEND_TEST_LATE_SECRET", "late-secret-value")
    assert "late-secret-value" not in settings.secret_values()
    settings.declare("TEST_LATE_SECRET", secret=True)
    try:
        assert "late-secret-value" in settings.secret_values()
    finally:
        settings._DECLARED.pop("TEST_LATE_SECRET", None)
        settings.reset_cache()


@pytest.mark.parametrize("arn", [
    "qcs::cam::uin/100000000001:roleName/upvend-upload",
    "qcs::cam::uin/100000000001:role/4611686018427397919",
    "qcs::cam::uin/100000000001:role/tencentcloudServiceRole/4611686018427397920",
    "qcs::cam::uin/100000000001:roleName/tencentcloudServiceRoleName/SCF_QcsRole",
])
def test_tencent_role_arns_include_service_roles(arn):
    import upvend.tencent.config  # noqa: F401  (declares the Tencent settings)

    assert settings.get("TENCENT_STS_ROLE_ARN", {"UPVEND_TENCENT_STS_ROLE_ARN": arn}) == arn


@pytest.mark.parametrize("arn", [
    "qcs::cam::uin/100000000001:roleName/a/b",  # a path only after the service-role marker
    "qcs::cam::uin/x:roleName/upvend",
    "acs:ram::1:role/upvend",
])
def test_tencent_role_arns_that_are_not_one_are_refused(arn):
    import upvend.tencent.config  # noqa: F401

    with pytest.raises(ConfigurationError, match="UPVEND_TENCENT_STS_ROLE_ARN is malformed"):
        settings.get("TENCENT_STS_ROLE_ARN", {"UPVEND_TENCENT_STS_ROLE_ARN": arn})


def test_the_database_url_is_a_secret_before_any_storage_module_is_imported():
    # A function that only reads settings (and logs) must still redact the URL: it may carry the password.
    import subprocess
    import sys

    probe = ("import sys; from upvend import settings; "
             "assert not [m for m in sys.modules if m.startswith('upvend.storage')]; "
             "print(settings.declared()['DATABASE_URL'].secret, "
             "'mysql://u:hunter22@db/x' in settings.secret_values({'UPVEND_DATABASE_URL': 'mysql://u:hunter22@db/x'}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]

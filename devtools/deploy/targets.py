"""What each cloud needs to know about a template: runtimes, deployable functions, deploy-time variables."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import Mapping

from devtools.template import Function, Template, TemplateError

PROVIDERS = ("aliyun", "tencent")

# Runtime identifiers each platform offers for a Python version. FC 3.0: python3.10 (Debian 10) and
# python3.12 (Debian 11); SCF: Python3.10 and Python3.11 (the SCF runtime image paths /var/lang/python310,
# /var/lang/python311). A version missing here is refused rather than guessed.
RUNTIMES: dict[str, dict[str, str]] = {
    "aliyun": {"3.10": "python3.10", "3.12": "python3.12"},
    "tencent": {"3.10": "Python3.10", "3.11": "Python3.11"},
}

# Deploy-time variables: read from the deployer's environment by the deploy tool, never written into
# the rendered files. Values of the function environment come from variables of the same name, and the
# policy documents and triggers use those same names for the same things.
DEPLOY_VARIABLES: dict[str, dict[str, str]] = {
    "aliyun": {
        "UPVEND_ALIYUN_REGION": "region to deploy to and of OSS, VOD and STS, e.g. cn-shanghai",
        "UPVEND_ALIYUN_ACCOUNT_ID": "Aliyun account id (only substituted into the policy documents)",
        "UPVEND_ROLE_PREFIX": "execution roles are named <prefix>-<function>",
        "UPVEND_ALIYUN_STS_ROLE_ARN": "ARN of the RAM upload role, acs:ram::<account-id>:role/<name>",
        "UPVEND_ALIYUN_OSS_BUCKET": "OSS bucket that receives uploads",
        "UPVEND_UPLOAD_PREFIX": "root folder of every upload key (default uploads)",
        "UPVEND_FC_LAYER_ARN": "ARN of the published layer version (set by `make deploy` after publishing)",
    },
    "tencent": {
        "UPVEND_TENCENT_REGION": "region to deploy to and of the COS bucket, e.g. ap-guangzhou",
        "UPVEND_TENCENT_UIN": "owner account UIN (only substituted into the policy documents)",
        "UPVEND_TENCENT_APPID": "APPID, the suffix of bucket names (policy documents)",
        "UPVEND_ROLE_PREFIX": "execution roles are named <prefix>-<function>",
        "UPVEND_TENCENT_STS_ROLE_ARN": "ARN of the CAM upload role, qcs::cam::uin/<uin>:roleName/<name>",
        "UPVEND_TENCENT_COS_BUCKET": "COS bucket (<name>-<appid>) that receives uploads",
        "UPVEND_UPLOAD_PREFIX": "root folder of every upload key (default uploads)",
    },
}

# What the variables of the shipped template's `network`, `logs` and `domain` sections name (for the
# MISSING list of `make deploy`; a template may use other names).
SECTION_VARIABLES: dict[str, str] = {
    "UPVEND_ALIYUN_VPC_ID": "VPC of the database (network.aliyun)",
    "UPVEND_ALIYUN_VSWITCH_ID": "vSwitch in that VPC the functions run in",
    "UPVEND_ALIYUN_SECURITY_GROUP_ID": "security group the database allows",
    "UPVEND_TENCENT_VPC_ID": "VPC of the database (network.tencent)",
    "UPVEND_TENCENT_SUBNET_ID": "subnet in that VPC the functions run in",
    "UPVEND_ALIYUN_LOG_PROJECT": "SLS project of the function logs (logs.aliyun)",
    "UPVEND_ALIYUN_LOG_STORE": "SLS logstore of the function logs",
    "UPVEND_TENCENT_CLS_LOGSET_ID": "CLS logset of the function logs (logs.tencent)",
    "UPVEND_TENCENT_CLS_TOPIC_ID": "CLS topic of the function logs",
    "UPVEND_ALIYUN_DOMAIN": "the API's custom domain (domain.aliyun), CNAME to <account-id>.<region>.fc.aliyuncs.com",
    "UPVEND_ALIYUN_DOMAIN_CERT_ID": "id of the domain's certificate in Aliyun's certificate service",
    "UPVEND_ALIYUN_FAILED_EVENTS_QUEUE": "MNS queue keeping OSS-trigger events FC gave up on (failed_events.aliyun)",
    "UPVEND_TENCENT_DEAD_LETTER_TYPE": "SCF dead-letter queue type, DeadLetterConfig.Type (failed_events.tencent)",
    "UPVEND_TENCENT_DEAD_LETTER_QUEUE": "SCF dead-letter queue name (failed_events.tencent)",
}

# Deploy-time variables a trigger filter needs even when the deployer leaves them unset: the value the
# functions themselves fall back to (upvend.uploads declares the same default), so the trigger's prefix
# and the keys the functions issue always agree.
DEPLOY_DEFAULTS: dict[str, str] = {"UPVEND_UPLOAD_PREFIX": "uploads"}

REFERENCE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class EnvSyntax:
    """How a deploy tool spells "the value of environment variable NAME at deploy time" (and, when it has
    a syntax for it, "... or this default when NAME is unset")."""

    template: str
    with_default: str | None = None

    def ref(self, name: str, default: str | None = None) -> str:
        if default is not None and self.with_default is not None:
            return self.with_default.format(name=name, default=default)
        return self.template.format(name=name)

    def value(self, text: str, defaults: Mapping[str, str] | None = None) -> str:
        """A template string; each `${NAME}` in it means a deploy-time variable (with its default, if any)."""
        defaults = defaults or {}
        return REFERENCE.sub(lambda match: self.ref(match.group(1), defaults.get(match.group(1))), text)


# Serverless Devs: ${env('NAME')}, and ${env('NAME', 'default')} (devsapp/fc3 docs/zh/tips.md; an unset
# ${env('NAME')} stops `s` with "env('NAME') not found"); serverless-cloud-framework resolves ${env:NAME}
# before deploying (src/libs/utils/basic.js resolveVariables) and has no default syntax.
SERVERLESS_DEVS = EnvSyntax("${{env('{name}')}}", "${{env('{name}', '{default}')}}")
CLOUD_FRAMEWORK = EnvSyntax("${{env:{name}}}")

CORS_SETTING = "UPVEND_CORS_ORIGINS"


def browser_origins(fn: Function, environ: Mapping[str, str]) -> list[str]:
    """The browser origins an HTTP function allows (its template value, else the deployer's
    UPVEND_CORS_ORIGINS); the platform must then let preflight requests through to it."""
    entry = next((e for e in fn.env if e.name == CORS_SETTING), None)
    if not fn.http or entry is None:
        return []
    raw = entry.value if entry.value is not None else environ.get(CORS_SETTING, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def runtime(template: Template, provider: str) -> str:
    """The platform runtime identifier for the template's Python version."""
    offered = RUNTIMES[provider]
    if template.python not in offered:
        raise TemplateError(f"template.yaml: python: {provider} offers Python "
                            f"{', '.join(sorted(offered))}, not {template.python}")
    return offered[template.python]


def deployable(template: Template, provider: str) -> list[Function]:
    """The functions deployed to `provider`: local-only ones and those of switched-off features are never
    packaged, rendered, given a policy or asked a variable for."""
    return [fn for fn in template.functions if fn.provider == provider and template.enabled(fn)]


DATABASE_SETTING = "UPVEND_DATABASE_URL"


def uses_database(fn: Function) -> bool:
    """A function that reads the database URL; it is the one that needs the private network."""
    return any(e.name == DATABASE_SETTING for e in fn.env)


def section_variables(template: Template, provider: str) -> list[str]:
    """Deploy-time variables named in the `network`, `logs`, `domain` and `failed_events` sections for
    `provider`, when some deployed function uses them."""
    functions = deployable(template, provider)
    storage = any(fn.trigger and (fn.trigger.oss or fn.trigger.cos) for fn in functions)
    used = [getattr(template.logs, provider) if functions else None,
            getattr(template.network, provider) if any(uses_database(fn) for fn in functions) else None,
            getattr(template.domain, provider, None) if any(fn.http for fn in functions) else None,
            getattr(template.failed_events, provider) if storage else None]
    names: dict[str, None] = {}
    for section in filter(None, used):
        for value in section.model_dump().values():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    names.update(dict.fromkeys(REFERENCE.findall(text)))
    return list(names)


def trigger_variables(template: Template, provider: str) -> list[str]:
    """Deploy-time variables named in the bucket or filters of `provider`'s storage triggers."""
    names: dict[str, None] = {}
    for fn in deployable(template, provider):
        storage = fn.trigger and (fn.trigger.oss or fn.trigger.cos)
        if storage:
            for text in (storage.bucket, storage.prefix, storage.suffix):
                names.update(dict.fromkeys(REFERENCE.findall(text)))
    return list(names)


def _layer_declarations() -> list:
    """Every setting the layer declares (they are declared when their module is imported)."""
    from devtools.gateway.registry import ensure_layer_on_path

    ensure_layer_on_path()
    import upvend
    from upvend import settings

    for module in pkgutil.walk_packages(upvend.__path__, "upvend."):
        importlib.import_module(module.name)
    return list(settings.declared().values())


def layer_settings() -> dict[str, bool]:
    """Every `UPVEND_*` setting the layer declares -> whether it has a default (a function reading one
    without a default fails unless it is set)."""
    from upvend import settings
    from upvend.errors import ConfigurationError

    has_default = {}
    for setting in _layer_declarations():
        try:
            settings.get(setting.name, environ={})
            has_default[setting.env_name] = True
        except ConfigurationError:
            has_default[setting.env_name] = False
    return has_default


def check_secrets(template: Template, provider: str) -> None:
    """A setting the layer declares secret must be `secret: true` with no value wherever it is given,
    so no rendered file can carry its value."""
    secret = {s.env_name for s in _layer_declarations() if s.secret}
    for index, fn in enumerate(template.functions):
        if fn.provider != provider:
            continue
        for position, env in enumerate(fn.env):
            if env.name in secret and (not env.secret or env.value is not None):
                raise TemplateError(f"template.yaml: functions[{index}] ({fn.name}).env[{position}]: {env.name} is "
                                    "a secret setting: mark it `secret: true` and give it no value")


def check_provider(provider: str) -> str:
    if provider not in PROVIDERS:
        raise TemplateError(f"unknown provider '{provider}': choose one of {', '.join(PROVIDERS)}")
    return provider

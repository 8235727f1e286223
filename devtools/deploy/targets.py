"""What each cloud needs to know about a template: runtimes, deployable functions, deploy-time variables."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
# the rendered files. Values of the function environment come from variables of the same name.
DEPLOY_VARIABLES: dict[str, dict[str, str]] = {
    "aliyun": {
        "UPVEND_ALIYUN_REGION": "region to deploy to, e.g. cn-shanghai",
        "UPVEND_ALIYUN_ACCOUNT_ID": "Aliyun account id (only substituted into the policy documents)",
        "UPVEND_ROLE_PREFIX": "execution roles are named <prefix>-<function>",
        "UPVEND_ALIYUN_UPLOAD_ROLE": "name of the RAM role assumed for upload credentials",
        "UPVEND_OSS_BUCKET": "OSS bucket that receives uploads",
        "UPVEND_FC_LAYER_ARN": "ARN of the published layer version (set by `make deploy` after publishing)",
    },
    "tencent": {
        "UPVEND_TENCENT_REGION": "region to deploy to, e.g. ap-guangzhou",
        "UPVEND_TENCENT_UIN": "owner account UIN (only substituted into the policy documents)",
        "UPVEND_TENCENT_APPID": "APPID, the suffix of bucket names (policy documents)",
        "UPVEND_ROLE_PREFIX": "execution roles are named <prefix>-<function>",
        "UPVEND_TENCENT_UPLOAD_ROLE": "name of the CAM role assumed for upload credentials",
        "UPVEND_COS_BUCKET": "COS bucket (<name>-<appid>) that receives uploads",
    },
}

_REFERENCE = re.compile(r"^\$\{([A-Z][A-Z0-9_]*)\}$")


@dataclass(frozen=True)
class EnvSyntax:
    """How a deploy tool spells "the value of environment variable NAME at deploy time"."""

    template: str

    def ref(self, name: str) -> str:
        return self.template.format(name=name)

    def value(self, text: str) -> str:
        """A template string; `${NAME}` in template.yaml means a deploy-time variable."""
        match = _REFERENCE.match(text)
        return self.ref(match.group(1)) if match else text


# Serverless Devs: ${env('NAME')} (devsapp/fc3 docs/zh/tips.md); serverless-cloud-framework resolves
# ${env:NAME} before deploying (src/libs/utils/basic.js resolveVariables).
SERVERLESS_DEVS = EnvSyntax("${{env('{name}')}}")
CLOUD_FRAMEWORK = EnvSyntax("${{env:{name}}}")


def runtime(template: Template, provider: str) -> str:
    """The platform runtime identifier for the template's Python version."""
    offered = RUNTIMES[provider]
    if template.python not in offered:
        raise TemplateError(f"template.yaml: python: {provider} offers Python "
                            f"{', '.join(sorted(offered))}, not {template.python}")
    return offered[template.python]


def deployable(template: Template, provider: str) -> list[Function]:
    """The functions deployed to `provider` (local-only ones are never packaged or rendered)."""
    return [fn for fn in template.functions if fn.provider == provider and not fn.local_only]


def check_provider(provider: str) -> str:
    if provider not in PROVIDERS:
        raise TemplateError(f"unknown provider '{provider}': choose one of {', '.join(PROVIDERS)}")
    return provider

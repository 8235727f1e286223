"""Which deploy-time variables a deployment needs, may leave unset, or fills with a default.

Shared by `render` (an optional setting is written so the deploy tool accepts it unset) and by `deploy`
(which names what is missing before running anything).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Mapping

from devtools.deploy.targets import (DATABASE_SETTING, DEPLOY_DEFAULTS, DEPLOY_VARIABLES, deployable, layer_settings,
                                     section_variables, trigger_variables, uses_database)
from devtools.template import Template, TemplateError

Kind = Literal["required", "optional", "default"]


@dataclass
class Variables:
    required: list[str] = field(default_factory=list)  # must be set
    optional: list[str] = field(default_factory=list)  # may stay unset: the function's own default applies
    defaults: dict[str, str] = field(default_factory=dict)  # deployed with this value when unset

    def kind(self, name: str) -> Kind:
        return "optional" if name in self.optional else "default" if name in self.defaults else "required"


def deploy_level(template: Template, provider: str) -> set[str]:
    """Variables naming what the deployment itself uses (region, roles, trigger buckets and filters, network,
    logs, domain): never optional, even when a function reads them too."""
    return (set(DEPLOY_VARIABLES[provider]) | set(trigger_variables(template, provider))
            | set(section_variables(template, provider)))


def classify(template: Template, provider: str, names: Iterable[str]) -> Variables:
    """Sort `names` (in order) into required, optional and defaulted deploy-time variables."""
    secret = {e.name: e.secret for fn in deployable(template, provider) for e in fn.env}
    has_default = layer_settings()
    fixed = deploy_level(template, provider)
    result = Variables()
    for name in dict.fromkeys(names):
        if name in secret and name not in fixed and (has_default[name] if name in has_default else not secret[name]):
            result.optional.append(name)
        elif name in DEPLOY_DEFAULTS:
            result.defaults[name] = DEPLOY_DEFAULTS[name]
        else:
            result.required.append(name)
    return result


def function_variables(template: Template, provider: str) -> Variables:
    """The classification of every setting the deployed functions of `provider` read at deploy time."""
    return classify(template, provider, [e.name for fn in deployable(template, provider) for e in fn.env
                                         if e.value is None])


def check_database_url(template: Template, provider: str, environ: Mapping[str, str]) -> None:
    """A deployment cannot use SQLite: each function instance has its own /tmp, so rows written by one are
    invisible to the next. The URL's value is a secret and is never shown."""
    if not any(uses_database(fn) for fn in deployable(template, provider)):
        return
    scheme = environ.get(DATABASE_SETTING, "").strip().lower().split(":", 1)[0].split("+", 1)[0]
    if scheme == "sqlite":
        raise TemplateError(
            f"{DATABASE_SETTING} is a sqlite:// URL, which only works locally: every {provider} function instance "
            "has its own /tmp, so rows one instance writes are lost to the others. Deploy with a MySQL/MariaDB "
            "or PostgreSQL server (mysql://user:password@host:3306/db or postgresql://user:password@host:5432/db: "
            f"RDS, PolarDB or TencentDB in the VPC named by `network.{provider}` in template.yaml).")
    engine = {"mysql": "mysql", "postgresql": "postgresql", "postgres": "postgresql"}.get(scheme)
    if engine is not None and engine not in template.database:
        raise TemplateError(
            f"{DATABASE_SETTING} is a {scheme}:// URL, but template.yaml's `database: "
            f"{', '.join(template.database)}` ships only that driver in the layer: set `database: {engine}` "
            "(or list both) and package again.")

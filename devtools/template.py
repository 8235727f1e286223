"""The schema of `template.yaml`, the one provider-neutral description of the bundle."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from devtools.deploy.permissions import check_permissions
from devtools.template_sections import FEATURE, Capacity, Domain, FailedEvents, Logs, Network

NAME_RE = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
ENV_RE = r"^[A-Za-z][A-Za-z0-9_]*$"
_PLATFORM_ENV = ("FC_", "ALIBABA_CLOUD_", "TENCENTCLOUD_", "SCF_")
Provider = Literal["aliyun", "tencent"]
_MEMORY_MB = {"ge": 128, "le": 3072}
_TIMEOUT_S = {"ge": 1, "le": 900}
# An HTTP function's body limit (FC takes at most 32 MB per synchronous request); it reaches the function as
# this setting, which upvend.http.body_limit reads with the same default.
BODY_LIMIT_ENV = "UPVEND_MAX_BODY_BYTES"
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_BODY_BYTES = {"ge": 0, "le": 32 * 1024 * 1024}


class TemplateError(ValueError):
    """A template that does not validate; the message names the bad field."""


def env_entries(value: Any) -> Any:
    """`env` may list bare names; they mean plain (non-secret, no value) variables."""
    return [{"name": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnvVar(Strict):
    name: str = Field(pattern=ENV_RE)
    secret: bool = False
    value: str | None = None

    @model_validator(mode="after")
    def _secret_has_no_value(self) -> "EnvVar":
        if self.secret and self.value is not None:
            raise ValueError(f"{self.name} is a secret: give it no value in the template")
        if self.name.startswith(_PLATFORM_ENV):
            raise ValueError(f"{self.name} is set by the platform, not by the template")
        return self


class HttpRoute(Strict):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    path: str = Field(pattern=r"^/[A-Za-z0-9._~/{}-]*$")

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    def pattern(self) -> re.Pattern[str]:
        """The path as a regex; `{name}` matches one segment."""
        parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", self.path)
        body = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
        return re.compile(f"^{body}$")


class StorageTrigger(Strict):
    bucket: str = Field(min_length=1)
    events: list[str] = Field(min_length=1)
    prefix: str = ""
    suffix: str = ""


class TimerTrigger(Strict):
    every_minutes: int = Field(ge=1, le=1440)
    enabled: bool = True


class Trigger(Strict):
    oss: StorageTrigger | None = None
    cos: StorageTrigger | None = None
    timer: TimerTrigger | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Trigger":
        kinds = [k for k in ("oss", "cos", "timer") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of oss, cos, timer")
        for kind in ("oss", "cos"):
            spec = getattr(self, kind)
            if spec and not all(e.startswith(f"{kind}:") for e in spec.events):
                raise ValueError(f"{kind} events must start with '{kind}:'")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("oss", "cos", "timer") if getattr(self, k) is not None)


class Function(Strict):
    name: str = Field(pattern=NAME_RE)
    provider: Provider
    folder: str = Field(pattern=r"^functions/[A-Za-z0-9_]+$")
    handler: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
    memory: int = Field(128, **_MEMORY_MB)
    timeout: int = Field(10, **_TIMEOUT_S)
    env: list[EnvVar] = Field(default_factory=list)
    http: list[HttpRoute] = Field(default_factory=list)
    trigger: Trigger | None = None
    local_only: bool = False
    # The `features:` entry that switches this function on or off for deployment (none: always deployed).
    feature: str | None = Field(None, pattern=FEATURE)
    # Cloud API actions the function calls, e.g. [sts:AssumeRole, vod:CreateUploadVideo]; its execution
    # role is granted exactly these (devtools/deploy/permissions.py lists the known ones).
    permissions: list[str] = Field(default_factory=list)
    # The most instances the platform runs at once (FC concurrencyConfig.reservedConcurrency, SCF reserved
    # concurrency); each is also reserved for this function, so a flood elsewhere cannot take them.
    instances: int | None = Field(None, ge=1, le=1000)
    # Requests one instance serves at once (FC instanceConcurrency; SCF event functions: 1). A function that
    # reads the database keeps this many connections per instance (UPVEND_DATABASE_CONNECTIONS).
    instance_concurrency: int = Field(1, ge=1, le=200)
    # The largest request body an HTTP function accepts (413 above it, checked before the body is decoded);
    # rendered into its environment as UPVEND_MAX_BODY_BYTES.
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, **_BODY_BYTES)

    @field_validator("env", mode="before")
    @classmethod
    def _names_as_entries(cls, value: Any) -> Any:
        return env_entries(value)

    @model_validator(mode="before")
    @classmethod
    def _body_limit_in_env(cls, data: Any) -> Any:
        """An HTTP function's environment carries its body limit (after its own entries, so indices match)."""
        if not isinstance(data, dict) or not data.get("http") or not isinstance(data.get("env", []), list):
            return data
        env = env_entries(data.get("env") or [])
        if any(isinstance(e, dict) and e.get("name") == BODY_LIMIT_ENV for e in env):
            return data  # refused below, naming max_body_bytes
        limit = data.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)
        return {**data, "env": [*env, {"name": BODY_LIMIT_ENV, "value": str(limit)}]}

    @model_validator(mode="after")
    def _http_or_trigger(self) -> "Function":
        if self.http and self.trigger:
            raise ValueError("a function has either http routes or a trigger, not both")
        if self.trigger and "max_body_bytes" in self.model_fields_set:
            raise ValueError("max_body_bytes applies to functions with http routes")
        if self.http and [e.value for e in self.env if e.name == BODY_LIMIT_ENV] != [str(self.max_body_bytes)]:
            raise ValueError(f"set the body limit with max_body_bytes, not {BODY_LIMIT_ENV} in env")
        if not self.http and not self.trigger:
            raise ValueError("a function needs http routes or a trigger")
        if self.trigger and self.trigger.oss and self.provider != "aliyun":
            raise ValueError("an oss trigger needs provider aliyun")
        if self.trigger and self.trigger.cos and self.provider != "tencent":
            raise ValueError("a cos trigger needs provider tencent")
        names = [e.name for e in self.env]
        if len(names) != len(set(names)):
            raise ValueError("environment variable names repeat")
        check_permissions(self.provider, self.permissions)
        return self

    @property
    def module(self) -> str:
        return self.handler.split(".")[0]

    @property
    def attribute(self) -> str:
        return self.handler.split(".")[1]


class Layer(Strict):
    name: str = Field(pattern=NAME_RE)
    package: str = "shared/upvend"
    requirements: str = "requirements.txt"


class Defaults(Strict):
    memory: int | None = Field(None, **_MEMORY_MB)
    timeout: int | None = Field(None, **_TIMEOUT_S)
    instances: int | None = Field(None, ge=1, le=1000)
    env: list[EnvVar] = Field(default_factory=list)

    @field_validator("env", mode="before")
    @classmethod
    def _names_as_entries(cls, value: Any) -> Any:
        return env_entries(value)


class Template(Strict):
    app: str = Field(pattern=NAME_RE)
    python: Literal["3.10", "3.11", "3.12"] = "3.10"
    layer: Layer
    # feature name -> deployed or not; functions name their feature (`feature:`). Local runs serve them all.
    features: dict[Annotated[str, Field(pattern=FEATURE)], bool] = Field(default_factory=dict)
    network: Network = Network()
    logs: Logs = Logs()
    domain: Domain = Domain()
    capacity: Capacity = Capacity()
    failed_events: FailedEvents = FailedEvents()
    # The deployed database engine(s): each layer ships only their drivers (mysql: PyMySQL, postgresql: psycopg).
    database: list[Literal["mysql", "postgresql"]] = Field(default=["mysql", "postgresql"], min_length=1)
    functions: list[Function] = Field(min_length=1)

    @field_validator("database", mode="before")
    @classmethod
    def _one_database_as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _features_are_declared_and_used(self) -> "Template":
        used = {fn.feature for fn in self.functions if fn.feature}
        for fn in self.functions:
            if fn.feature and fn.feature not in self.features:
                raise ValueError(f"function '{fn.name}' names feature '{fn.feature}', which `features:` does not "
                                 f"declare (declared: {', '.join(self.features) or 'none'})")
        unused = sorted(set(self.features) - used)
        if unused:
            raise ValueError(f"feature '{unused[0]}' is declared but no function names it")
        return self

    @model_validator(mode="after")
    def _unique(self) -> "Template":
        seen: set[str] = set()
        routes: dict[tuple[str, str, str], str] = {}
        for fn in self.functions:
            if fn.name in seen:
                raise ValueError(f"function name '{fn.name}' is used twice")
            seen.add(fn.name)
            for route in fn.http:
                key = (fn.provider, route.method, route.path)
                if key in routes:
                    raise ValueError(f"{route.method} {route.path} is declared by both '{routes[key]}' and "
                                     f"'{fn.name}' for provider {fn.provider}")
                routes[key] = fn.name
        return self

    def function(self, name: str) -> Function:
        return next(fn for fn in self.functions if fn.name == name)

    def enabled(self, fn: Function) -> bool:
        """Whether `fn` is deployed: not local-only, and its feature (if it has one) is switched on."""
        return not fn.local_only and (fn.feature is None or self.features[fn.feature])


def _defaults(raw: dict[str, Any]) -> Defaults:
    """The `defaults:` section on its own, so its errors point into it and not into a function."""
    section = raw.get("defaults")
    try:
        return Defaults.model_validate({} if section is None else section)
    except ValidationError as exc:
        raise _template_error(raw, exc, ("defaults",)) from None


def _apply_defaults(raw: dict[str, Any], defaults: Defaults) -> dict[str, Any]:
    merged_raw = {k: v for k, v in raw.items() if k != "defaults"}
    if not isinstance(raw.get("functions"), list):
        return merged_raw
    functions = []
    for fn in raw["functions"]:
        if not isinstance(fn, dict):
            functions.append(fn)
            continue
        merged = dict(fn)
        for key in ("memory", "timeout", "instances"):
            if key not in merged and getattr(defaults, key) is not None:
                merged[key] = getattr(defaults, key)
        own = env_entries(merged.get("env") or [])
        if isinstance(own, list):  # anything else is left for the schema to reject with its own location
            own_names = {e.get("name") for e in own if isinstance(e, dict)}
            # Defaults go after the function's own entries so error indices match the file.
            merged["env"] = own + [e.model_dump(exclude_none=True) for e in defaults.env if e.name not in own_names]
        functions.append(merged)
    merged_raw["functions"] = functions
    return merged_raw


def _location(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            name = node[part].get("name") if isinstance(node, list) and isinstance(node[part], dict) else None
            text += f"[{part}]" + (f" ({name})" if name and text.endswith("functions") else "")
        else:
            text += ("." if text else "") + str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return text or "(top level)"


def _template_error(raw: dict[str, Any], exc: ValidationError, prefix: tuple[Any, ...] = ()) -> TemplateError:
    first = exc.errors(include_url=False)[0]
    where = _location(raw, prefix + tuple(first["loc"]))
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return TemplateError(f"template.yaml: {where}: {first['msg']}{more}")


def parse_template(raw: Any, *, root: Path | None = None) -> Template:
    """Validate template data; raise TemplateError naming the bad field."""
    if not isinstance(raw, dict):
        raise TemplateError("template.yaml: the top level must be a mapping")
    if "functions" in raw and not isinstance(raw["functions"], list):
        raise TemplateError("template.yaml: functions: must be a list of functions, "
                            f"not {type(raw['functions']).__name__}")
    defaults = _defaults(raw)
    try:
        template = Template.model_validate(_apply_defaults(raw, defaults))
    except ValidationError as exc:
        raise _template_error(raw, exc) from None
    if root is not None:
        for i, fn in enumerate(template.functions):
            if not (root / fn.folder / f"{fn.module}.py").is_file():
                raise TemplateError(f"template.yaml: functions[{i}] ({fn.name}).handler: "
                                    f"{fn.folder}/{fn.module}.py does not exist")
    return template


def load_template(path: str | Path) -> Template:
    """Read and validate a template file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_template(raw, root=path.parent)

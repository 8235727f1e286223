"""Settings from `UPVEND_*` environment variables, validated when first read.

Every setting is declared once here with its parser. Reading a missing or
malformed required setting raises `ConfigurationError` naming the variable.
The layer holds no development defaults: the local stack injects those into
the environment of its own process only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from upvend.errors import ConfigurationError

PREFIX = "UPVEND_"
_MISSING = object()


# Parsers other modules reuse when they declare their own settings.

def int_between(low: int, high: int) -> Callable[[str], int]:
    """Parser for an integer within [low, high]."""
    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    return parse


def seconds_between(low: float, high: float) -> Callable[[str], float]:
    """Parser for a number of seconds within (low, high]."""
    def parse(raw: str) -> float:
        value = float(raw)
        if not low < value <= high:
            raise ValueError(f"must be a number of seconds above {low:g} and at most {high:g}")
        return value
    return parse


def http_url(raw: str) -> str:
    """Parser for an http(s) URL with a host and no query (trailing slash removed)."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must be an http(s) URL without query")
    return raw.rstrip("/")


def http_origin(raw: str) -> str:
    """Parser for http(s)://host[:port] without a path."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError("must be http(s)://host[:port] without a path")
    return f"{parts.scheme}://{parts.netloc}"


def on_off(raw: str) -> bool:
    """Parser for a switch: `on`/`true`/`1` or `off`/`false`/`0`."""
    value = raw.strip().lower()
    if value not in ("on", "true", "1", "off", "false", "0"):
        raise ValueError("must be on or off")
    return value in ("on", "true", "1")


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _nonempty(raw: str) -> str:
    if not raw.strip():
        raise ValueError("must not be empty")
    return raw


def _hmac_key(raw: str) -> str:
    # RFC 7518 §3.2: an HS256 key is at least as long as the hash (32 bytes).
    if len(raw.encode()) < 32:
        raise ValueError("must be at least 32 bytes")
    return raw


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any] = _nonempty
    default: Any = _MISSING
    secret: bool = False
    doc: str = ""

    @property
    def env_name(self) -> str:
        return PREFIX + self.name


_DECLARED: dict[str, Setting] = {}
# Parsed values by (name, raw text): each value is parsed once per process, and again only when the
# environment gives the setting another value (tests change settings by changing the environment).
_PARSED: dict[tuple[str, str], Any] = {}
_SECRET_NAMES: list[str] = []
# Platform credentials are masked like secret settings.
_PLATFORM_SECRETS = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN", "TENCENTCLOUD_SECRETKEY",
                     "TENCENTCLOUD_SESSIONTOKEN")


def declare(name: str, parse: Callable[[str], Any] = _nonempty, default: Any = _MISSING,
            *, secret: bool = False, doc: str = "") -> Setting:
    """Declare a setting (name without the prefix). Later modules may add their own."""
    setting = Setting(name, parse, default, secret, doc)
    _DECLARED[name] = setting
    reset_cache()
    return setting


def reset_cache() -> None:
    """Forget parsed values and the secret names (after declarations change; tests may call it)."""
    _PARSED.clear()
    _SECRET_NAMES[:] = [s.env_name for s in _DECLARED.values() if s.secret] + list(_PLATFORM_SECRETS)


declare("JWT_SECRET", _hmac_key, secret=True, doc="HS256 key of upvend session tokens (at least 32 bytes).")
declare("JWT_TTL_SECONDS", int_between(60, 30 * 86400), 7200,
        doc="Lifetime of issued session tokens, in seconds (60 to 2592000).")
declare("CORS_ORIGINS", _csv, (), doc="Comma-separated browser origins allowed by CORS.")
declare("WECHAT_API_BASE", http_url, "https://api.weixin.qq.com", doc="WeChat API base URL.")
declare("WECHAT_APPID", doc="Mini-program AppID.")
declare("WECHAT_SECRET", secret=True, doc="Mini-program AppSecret.")
declare("WECHAT_TIMEOUT_SECONDS", seconds_between(0, 30), 3.0,
        doc="Timeout of jscode2session, in seconds (at most 30).")
declare("DATABASE_URL", secret=True,
        doc="The media database: mysql://user:pass@host:3306/db, postgresql://user:pass@host:5432/db, or "
        "sqlite:///path (the local stack's one-host table; make render refuses it). ?table_prefix=name_ "
        "keeps upvend's tables apart in a shared database. Secret: it may hold a password.")
declare("LOG_LEVEL", lambda raw: raw.upper(), "INFO", doc="Python logging level.")


def declared() -> dict[str, Setting]:
    """All declared settings, by name without the prefix."""
    return dict(_DECLARED)


def get(name: str, environ: dict[str, str] | None = None) -> Any:
    """Read and validate one setting; raises ConfigurationError naming the variable."""
    setting = _DECLARED.get(name)
    if setting is None:
        raise KeyError(f"undeclared setting {name}")
    table = getattr(os.environ, "_data", None) if environ is None else None
    raw_key = None
    if isinstance(table, dict):  # the fast path: os.environ's own table, no key encoding or value decoding
        raw_key = table.get(_ENV_KEYS.get(name) or _env_key(name, setting))
        if raw_key is None and setting.default is not _MISSING:  # unset: the default, without a second lookup
            return setting.default
        cached = _PARSED.get((name, raw_key), _MISSING) if raw_key else _MISSING
        if cached is not _MISSING:
            return cached
    env = os.environ if environ is None else environ
    raw = env.get(setting.env_name)
    if raw is None or raw == "":
        if setting.default is _MISSING:
            raise ConfigurationError(f"Setting {setting.env_name} is not set.", code="setting_missing")
        return setting.default
    cached = _PARSED.get((name, raw), _MISSING)
    if cached is not _MISSING:
        return cached
    try:
        value = _PARSED[(name, raw)] = setting.parse(raw)
        if raw_key:
            _PARSED[(name, raw_key)] = value
        return value
    except (ValueError, TypeError) as exc:
        # The value itself is never echoed: it may be a secret.
        raise ConfigurationError(f"Setting {setting.env_name} is malformed: {exc}.",
                                 code="setting_malformed") from None


_ENV_KEYS: dict[str, Any] = {}


def _env_key(name: str, setting: Setting) -> Any:
    key = _ENV_KEYS[name] = os.environ.encodekey(setting.env_name)  # type: ignore[attr-defined]
    return key


def secret_values(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """Values of every secret setting and platform credential present, for log redaction; for the process
    environment, the same tuple object until one of those values changes."""
    if environ is None:
        return _current_secret_values()
    return tuple(value for value in map(environ.get, _SECRET_NAMES) if value and len(value) >= 6)


# The process environment's secret values, recomputed only when one of the raw values changed. The raw
# values are read from os.environ's own table (one dict lookup each, instead of a key encoding and a value
# decoding per name), because every log line asks for them.
_SECRETS_SEEN: list[Any] = [None, ()]


def _current_secret_values() -> tuple[str, ...]:
    table, encode = getattr(os.environ, "_data", None), getattr(os.environ, "encodekey", None)
    if not isinstance(table, dict) or encode is None:  # another Python's os.environ: read it plainly
        return tuple(value for value in map(os.environ.get, _SECRET_NAMES) if value and len(value) >= 6)
    keys = _SECRET_KEYS.get(tuple(_SECRET_NAMES))
    if keys is None:
        keys = _SECRET_KEYS.setdefault(tuple(_SECRET_NAMES), [encode(name) for name in _SECRET_NAMES])
    raw = list(map(table.get, keys))
    if raw != _SECRETS_SEEN[0]:
        values = tuple(value for value in map(os.environ.get, _SECRET_NAMES) if value and len(value) >= 6)
        _SECRETS_SEEN[:] = [raw, values]
    return _SECRETS_SEEN[1]


_SECRET_KEYS: dict[tuple[str, ...], list[Any]] = {}

"""docs/settings.md from the settings the layer declares and the function environments of template.yaml.

Every `upvend.settings.declare(...)` gives a row: name, default, whether it is secret, its meaning. Which
functions read it comes from each function's `env` in template.yaml, the same list `make render` writes
into the deployed function and the function-env test holds the code to.
"""

from __future__ import annotations

import importlib
import re
import pkgutil
from typing import Any, Iterable

from devtools.template import Template

REGENERATE = "Generated from the code by `make docs`; do not edit by hand (a test compares it with the code)."
GROUPS = (("ALIYUN_", "Aliyun"), ("TENCENT_", "Tencent"), ("DATABASE_", "Database"), ("", "Common"))


def load_declarations() -> dict[str, Any]:
    """Import every layer module (declarations run at import) and return the declared settings."""
    import upvend
    from upvend import settings

    for module in pkgutil.walk_packages(upvend.__path__, "upvend."):
        importlib.import_module(module.name)
    return settings.declared()


def undocumented(declared: dict[str, Any]) -> list[str]:
    """Declared settings whose meaning is empty."""
    return sorted(s.env_name for s in declared.values() if not s.doc.strip())


def readers(template: Template) -> dict[str, list[str]]:
    """Environment variable -> the functions whose template `env` lists it."""
    read: dict[str, list[str]] = {}
    for fn in template.functions:
        for entry in fn.env:
            read.setdefault(entry.name, []).append(fn.name)
    return read


def _default(setting: Any) -> str:
    from upvend.settings import _MISSING

    value = setting.default
    if value is _MISSING:
        return "required"
    if value is None:
        return "unset"
    if isinstance(value, (tuple, list)):
        return f"`{','.join(map(str, value))}`" if value else "empty"
    if isinstance(value, (dict, bytes, str)) and not value:
        return "empty"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


_CODE = re.compile(r"[<=]|^/\w|://|^UPVEND_|^\?|_\w|^x-")


def _word(word: str) -> str:
    """A word that is a name, URL or placeholder is shown as code (and `<...>` is not read as HTML)."""
    core = word.strip("().,;:")
    if not core or not _CODE.search(core) or "`" in core:
        return word
    start = word.index(core)
    return f"{word[:start]}`{core}`{word[start + len(core):]}"


def _cell(text: str) -> str:
    return " ".join(_word(w) for w in text.split()).replace("|", "\\|")


def _group(name: str) -> str:
    return next(title for prefix, title in GROUPS if name.startswith(prefix))


def _readers_cell(names: Iterable[str], every: set[str]) -> str:
    names = sorted(names)
    if not names:
        return "no deployed function (local tools only)"
    if set(names) == every:
        return "every function"
    return ", ".join(f"`{n}`" for n in names)


def render_settings(declared: dict[str, Any], template: Template) -> str:
    """The Markdown text of docs/settings.md."""
    read = readers(template)
    every = {fn.name for fn in template.functions}
    out = ["# Settings", "", f"<!-- {REGENERATE} -->", "",
           "Functions read `UPVEND_*` environment variables, validated on first use; a missing or malformed "
           "one answers a JSON error naming the variable (the value itself is never echoed). *Secret* "
           "settings are masked in every log line. Cloud credentials are never settings: functions use "
           "the role credentials the platforms inject (`ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / "
           "`_SECURITY_TOKEN` on FC, `TENCENTCLOUD_SECRETID` / `_SECRETKEY` / `_SESSIONTOKEN` on SCF).", "",
           "*Read by* lists the functions whose `env` in `template.yaml` carries the variable: `make render` "
           "gives each deployed function exactly those. Deploy-time variables (role prefix, VPC, logs, "
           "domain) are in [deploying.md](deploying.md#5-deploy-time-variables).", "",
           f"Regenerate with `make docs` after declaring or changing a setting.", ""]
    for _, title in GROUPS:
        rows = sorted((s for s in declared.values() if _group(s.name) == title), key=lambda s: s.name)
        if not rows:
            continue
        out += [f"## {title}", "", "| variable | default | secret | meaning | read by |", "|---|---|---|---|---|"]
        out += [f"| `{s.env_name}` | {_default(s)} | {'yes' if s.secret else ''} | {_cell(s.doc)} | "
                f"{_readers_cell(read.get(s.env_name, ()), every)} |" for s in rows]
        out.append("")
    return "\n".join(out)

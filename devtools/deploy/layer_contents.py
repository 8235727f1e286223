"""What each provider's layer ships: the distributions its deployed functions import, and their dependencies.

The imports are read from the source (every `import` statement, including the lazy ones inside functions)
of each deployed function and of every layer module it reaches. Two kinds of import are dropped on purpose:
- the other cloud's SDK: a function calls only its own cloud's APIs (the media query signs a row only when
  its platform gave it that cloud's key, which a function of the other cloud never has);
- the driver of a database the template does not use (`database:` in template.yaml).
"""

from __future__ import annotations

import ast
import sys
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Iterable

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from devtools.deploy.wheels import PackagingError, WheelTarget

# Top-level import names of the SDK of each cloud, and the driver module of each database.
CLOUD_SDKS = {"aliyun": ("aliyunsdkcore", "aliyunsdksts", "aliyunsdkvod"), "tencent": ("tencentcloud",)}
DRIVERS = {"mysql": "pymysql", "postgresql": "psycopg"}
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def source_imports(source: str, module: str = "", is_package: bool = False) -> set[str]:
    """Every module name an `import` anywhere in `source` may load (for `from a import b`: `a` and `a.b`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return {n for n in names if n}


def _module_file(root: Path, name: str) -> tuple[Path, bool] | None:
    path = root.joinpath(*name.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py", True
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py"), False
    return None


def external_imports(entries: Iterable[Path], layer_root: Path, package: str) -> set[str]:
    """Module names outside the standard library and `package` that `entries` (function sources) import,
    directly or through the modules of `package` (found under `layer_root`) they reach."""
    pending = [(path.read_text(), "", False) for path in entries]
    seen: set[str] = set()
    external: set[str] = set()
    while pending:
        source, module, is_package = pending.pop()
        for name in source_imports(source, module, is_package):
            top = name.split(".")[0]
            if top in STDLIB:
                continue
            if top != package:
                external.add(name)
                continue
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
                prefix = ".".join(parts[:depth])
                found = _module_file(layer_root, prefix) if prefix not in seen else None
                seen.add(prefix)
                if found:
                    pending.append((found[0].read_text(), prefix, found[1]))
    return external


@dataclass(frozen=True)
class Wheel:
    path: Path
    name: str  # canonical distribution name
    modules: frozenset[str]  # dotted module and package names the wheel installs
    requires: tuple[Requirement, ...]

    @classmethod
    def read(cls, path: Path) -> "Wheel":
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            metadata = next(n for n in names if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            message = Parser().parsestr(zf.read(metadata).decode("utf-8"))
        modules: set[str] = set()
        for name in names:
            parts = name.split("/")
            if ".dist-info" in parts[0] or ".data" in parts[0] or "." in parts[0] and len(parts) > 1:
                continue
            if parts[-1].endswith(".py") or ".so" in parts[-1] or parts[-1].endswith(".pyd"):
                leaf = parts[-1].split(".")[0]
                dotted = parts[:-1] + ([] if leaf == "__init__" else [leaf])
                modules.update(".".join(dotted[:i]) for i in range(1, len(dotted) + 1))
        return cls(path, canonicalize_name(parse_wheel_filename(path.name)[0]), frozenset(modules),
                   tuple(Requirement(t) for t in message.get_all("Requires-Dist") or []))


def provider_of(name: str, wheels: list[Wheel]) -> Wheel | None:
    """The wheel installing module `name` (or the longest of its parents that one installs)."""
    parts = name.split(".")
    for depth in range(len(parts), 0, -1):
        prefix = ".".join(parts[:depth])
        owners = [w for w in wheels if prefix in w.modules]
        if owners:
            return owners[0] if len(owners) == 1 or depth > 1 else min(owners, key=lambda w: len(w.name))
    return None


def dropped(name: str, provider: str, databases: Iterable[str]) -> bool:
    """True for imports a layer of `provider` leaves out: the other cloud's SDK, unused database drivers."""
    top = name.split(".")[0]
    other = {t for cloud, tops in CLOUD_SDKS.items() if cloud != provider for t in tops}
    unused = {module for database, module in DRIVERS.items() if database not in set(databases)}
    return top in other or top in unused


def select_wheels(wheels: list[Path], requirements: list[Requirement], imports: set[str], target: WheelTarget
                  ) -> list[Path]:
    """The wheels that provide `imports`, with the extras `requirements` ask for, and their dependencies."""
    read = [Wheel.read(path) for path in wheels]
    by_name = {w.name: w for w in read}
    extras = {canonicalize_name(r.name): set(r.extras) for r in requirements}
    chosen: dict[str, Wheel] = {}
    pending: list[Wheel] = []
    for name in sorted(imports):
        wheel = provider_of(name, read)
        if wheel is None:
            raise PackagingError(f"the functions import {name}, which no pinned requirement provides")
        pending.append(wheel)
    while pending:
        wheel = pending.pop()
        if wheel.name in chosen:
            continue
        chosen[wheel.name] = wheel
        for requirement in wheel.requires:
            wanted = extras.get(wheel.name, set()) | {""}
            if requirement.marker and not any(requirement.marker.evaluate({**target.marker_environment(),
                                                                         "extra": extra}) for extra in wanted):
                continue
            dependency = by_name.get(canonicalize_name(requirement.name))
            if dependency is None:
                raise PackagingError(f"{wheel.name} needs {requirement}, which no downloaded wheel provides")
            pending.append(dependency)
    return sorted((w.path for w in chosen.values()), key=lambda p: p.name)


def read_requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]

"""`make package`: the layer zip and one zip per function, for each provider's layout.

FC unpacks a layer at /opt and imports from /opt/python; SCF unpacks it at /opt and has /opt on
PYTHONPATH. Function code lives at /code (FC) or /var/user (SCF).
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from devtools.deploy.bytecode import compile_tree, find_interpreter
from devtools.deploy.layer_contents import dropped, external_imports, read_requirements, select_wheels
from devtools.deploy.targets import deployable
from devtools.deploy.wheels import WheelTarget, download_wheels, install_wheels
from devtools.template import Template
from packaging.utils import parse_wheel_filename


@dataclass(frozen=True)
class Layout:
    layer_prefix: str  # folder inside the layer zip that the runtime imports from
    layer_path: str  # where that folder is at run time
    code_path: str  # where function code is at run time


LAYOUTS = {"aliyun": Layout("python", "/opt/python", "/code"), "tencent": Layout("", "/opt", "/var/user")}
_SKIP = ("__pycache__",)


def _size(count: int) -> str:
    return f"{count / 2**20:.2f} MiB" if count >= 2**17 else f"{count / 2**10:.1f} KiB"


@dataclass(frozen=True)
class Artifact:
    path: Path
    size: int
    unpacked: int
    files: int

    def line(self, root: Path) -> str:
        path = self.path.resolve()
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        return f"{str(shown):44} {_size(self.size):>9} zipped {_size(self.unpacked):>9} unpacked {self.files:5} files"

    @property
    def mib(self) -> float:
        return self.size / 2**20


@dataclass
class Package:
    provider: str
    python: str
    layer: Artifact
    distributions: list[str] = field(default_factory=list)  # the wheels the layer carries, name-version
    functions: dict[str, Artifact] = field(default_factory=dict)
    bytecode: bool = False
    warnings: list[str] = field(default_factory=list)

    def report(self, root: Path) -> str:
        lines = [f"{self.provider}: CPython {self.python} manylinux x86_64, "
                 + ("byte-compiled" if self.bytecode else "sources only (no bytecode)"),
                 f"  layer {self.layer.path.resolve()}: {self.layer.mib:.2f} MiB zipped, "
                 f"{self.layer.unpacked / 2**20:.2f} MiB unpacked, {self.layer.files} files",
                 "    carries " + (", ".join(self.distributions) or "no third-party packages")]
        lines += ["  " + artifact.line(root) for artifact in self.functions.values()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _copy_sources(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*_SKIP, "*.pyc", "*.pyo"))


def write_zip(folder: Path, archive: Path) -> Artifact:
    """Zip `folder`'s contents deterministically (sorted names, fixed dates, kept file modes)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    unpacked = 0
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = ((path.stat().st_mode & 0o777) | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unpacked += len(data)
            zf.writestr(info, data)
    return Artifact(archive, archive.stat().st_size, unpacked, len(files))


def _compile(interpreter: str | None, folder: Path, runtime_path: str, warnings: list[str]) -> None:
    if interpreter:
        errors = compile_tree(interpreter, folder, runtime_path)
        warnings += [f"byte-compiling {folder.name}: {e}" for e in errors[:10]]


def package(template: Template, provider: str, *, repo: Path, out: Path, cache_root: Path,
            python: str | None = None) -> Package:
    """Build `out`/dist/<layer>.zip and `out`/dist/<function>.zip for every deployable function of
    `provider`; the unpacked trees stay in `out`/stage for the deploy tools that take folders."""
    python = python or template.python
    layout = LAYOUTS[provider]
    target = WheelTarget(python)
    interpreter = find_interpreter(python)
    warnings: list[str] = []
    if interpreter is None:
        warnings.append(f"no CPython {python} found here (set UPVEND_PYTHON_{python.replace('.', '_')}); "
                        "shipping sources only, which the runtime compiles on every cold start")

    stage = out / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    constraints = repo / "constraints.txt"
    requirements = repo / template.layer.requirements
    every_wheel = download_wheels(requirements, constraints if constraints.is_file() else None, target, cache_root)
    package_dir = repo / template.layer.package
    functions = deployable(template, provider)
    imports = {name for name in external_imports([repo / fn.folder / f"{fn.module}.py" for fn in functions],
                                                 package_dir.parent, package_dir.name)
               if not dropped(name, provider, template.database)}
    wheels = select_wheels(every_wheel, read_requirements(requirements), imports, target)
    layer_root = stage / "layer"
    site = layer_root / layout.layer_prefix if layout.layer_prefix else layer_root
    install_wheels(wheels, site, target)
    shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts point at the build machine's Python
    _copy_sources(package_dir, site / package_dir.name)
    _compile(interpreter, site, layout.layer_path, warnings)
    result = Package(provider, python, write_zip(layer_root, out / "dist" / f"{template.layer.name}.zip"),
                     distributions=["{}-{}".format(*parse_wheel_filename(w.name)[:2]) for w in wheels],
                     bytecode=interpreter is not None, warnings=warnings)

    for fn in functions:
        code = stage / "functions" / fn.name
        _copy_sources(repo / fn.folder, code)
        _compile(interpreter, code, layout.code_path, warnings)
        result.functions[fn.name] = write_zip(code, out / "dist" / f"{fn.name}.zip")
    return result

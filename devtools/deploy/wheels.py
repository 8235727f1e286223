"""Runtime dependencies as wheels for the target runtime (manylinux x86_64, CPython X.Y), never for this machine."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import zipfile
from email.parser import Parser

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, parse_tag
from packaging.utils import canonicalize_name, parse_wheel_filename

# glibc 2.17 (manylinux2014) is the oldest-common floor: FC python3.10 runs Debian 10 (glibc 2.28) and SCF
# images are CentOS-based; older manylinux tags are accepted too.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux2010_x86_64", "manylinux_2_12_x86_64",
             "manylinux1_x86_64", "manylinux_2_5_x86_64")


class PackagingError(RuntimeError):
    """The layer cannot be built as asked; the message says why."""


@dataclass(frozen=True)
class WheelTarget:
    """A CPython version on Linux x86_64 with the manylinux platforms above."""

    python: str  # "3.10"

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.python.split(".")
        return int(major), int(minor)

    @property
    def abi(self) -> str:
        return "cp{}{}".format(*self.version)

    def tags(self) -> set[Tag]:
        """Every wheel tag such a runtime can install."""
        return (set(cpython_tags(python_version=self.version, abis=[self.abi, "abi3", "none"], platforms=PLATFORMS))
                | set(compatible_tags(python_version=self.version, interpreter=self.abi, platforms=PLATFORMS)))

    def accepts(self, tag_text: str) -> bool:
        """True when a wheel tag (possibly compressed, e.g. `py2.py3-none-any`) fits this target."""
        return bool(parse_tag(tag_text) & self.tags())

    def marker_environment(self) -> dict[str, str]:
        """Values for environment markers (`python_version < "3.11"`) on the target runtime."""
        return {"python_version": self.python, "python_full_version": f"{self.python}.0",
                "implementation_name": "cpython", "platform_python_implementation": "CPython",
                "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
                "os_name": "posix", "extra": ""}

    def pip_options(self) -> list[str]:
        options = ["--only-binary=:all:", "--implementation", "cp", "--python-version", self.python,
                   "--abi", self.abi, "--abi", "abi3", "--abi", "none"]
        for platform in PLATFORMS:
            options += ["--platform", platform]
        return options


def wheel_fits(path: Path, target: WheelTarget) -> bool:
    _, _, _, tags = parse_wheel_filename(path.name)
    return bool(set(tags) & target.tags())


def _requires(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        metadata = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        message = Parser().parsestr(zf.read(metadata).decode("utf-8"))
    return [Requirement(text) for text in message.get_all("Requires-Dist") or []]


def missing_requirements(wheels: list[Path], target: WheelTarget) -> list[Requirement]:
    """Dependencies the target runtime needs that no wheel provides. pip evaluates markers such as
    `python_version < "3.11"` against the Python running pip, not the target, so this re-checks them."""
    have = {canonicalize_name(parse_wheel_filename(w.name)[0]): parse_wheel_filename(w.name)[1] for w in wheels}
    environment = target.marker_environment()
    missing = []
    for wheel in wheels:
        for requirement in _requires(wheel):
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            version = have.get(canonicalize_name(requirement.name))
            if version is None or not requirement.specifier.contains(version, prereleases=True):
                missing.append(requirement)
    return missing


def _pinned(path: Path | None) -> set[str]:
    if path is None:
        return set()
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return {canonicalize_name(Requirement(line).name) for line in lines if line and not line.startswith("-")}


def _pip_download(arguments: list[str], folder: Path, target: WheelTarget) -> None:
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--quiet",
               "-d", str(folder), *target.pip_options(), *arguments]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or done.stderr.splitlines()
        raise PackagingError(f"pip could not fetch wheels for CPython {target.python} manylinux x86_64:\n  "
                             + "\n  ".join(errors[-6:]))


def _cache_dir(requirements: Path, constraints: Path | None, target: WheelTarget, cache_root: Path) -> Path:
    digest = hashlib.sha256(b"upvend-wheels-2")  # bump when the way wheels are chosen changes
    for part in (requirements.read_bytes(), constraints.read_bytes() if constraints else b"",
                 " ".join(target.pip_options()).encode()):
        digest.update(part)
    return cache_root / f"{target.abi}-{digest.hexdigest()[:12]}"


def download_wheels(requirements: Path, constraints: Path | None, target: WheelTarget,
                    cache_root: Path) -> list[Path]:
    """Fetch the pinned requirements and their dependencies as wheels for `target`; reuse a complete
    earlier download of the same pins. Raise PackagingError when a pin has no fitting wheel."""
    folder = _cache_dir(requirements, constraints, target, cache_root)
    manifest = folder / "wheels.json"
    if manifest.is_file():
        names = json.loads(manifest.read_text())
        if all((folder / name).is_file() for name in names):
            return [folder / name for name in names]
    folder.mkdir(parents=True, exist_ok=True)
    constraint_args = ["-c", str(constraints)] if constraints else []
    _pip_download(["-r", str(requirements), *constraint_args], folder, target)
    pinned = _pinned(requirements) | _pinned(constraints)
    for _ in range(10):  # fetch what only the target Python needs, until nothing is missing
        missing = missing_requirements(sorted(folder.glob("*.whl")), target)
        if not missing:
            break
        unpinned = sorted({str(r) for r in missing if canonicalize_name(r.name) not in pinned})
        if unpinned:
            raise PackagingError(f"CPython {target.python} also needs {', '.join(unpinned)}: pin it exactly in "
                                 "constraints.txt")
        _pip_download([str(Requirement(f"{r.name}{r.specifier}")) for r in missing] + constraint_args, folder,
                      target)
    else:
        raise PackagingError(f"dependencies for CPython {target.python} did not settle: {missing}")
    wheels = sorted(folder.glob("*.whl"))
    misfits = [w.name for w in wheels if not wheel_fits(w, target)]
    if misfits:
        raise PackagingError(f"wheels that do not fit CPython {target.python} manylinux x86_64: {misfits}")
    manifest.write_text(json.dumps([w.name for w in wheels], indent=1))
    return wheels


def install_wheels(wheels: list[Path], target_dir: Path, target: WheelTarget) -> None:
    """Unpack the wheels into `target_dir` the way pip installs them, without compiling for this machine."""
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--no-deps",
               "--no-index", "--no-compile", "--target", str(target_dir), *target.pip_options(),
               *map(str, wheels)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise PackagingError(f"pip could not install the wheels into {target_dir}:\n{done.stderr[-2000:]}")

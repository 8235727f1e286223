"""What ships, laid out as the platform runs it: the packaged layer and function zips unpacked into a
folder per provider, with the platform's import path, and the CPython the template names.

FC 3.0 (python3.10): function code at /code, the layer at /opt, imported from /opt/python.
SCF (python3.10): function code at /var/user, the layer at /opt, imported from /opt.
Here /code, /var/user and /opt become folders under one temporary root per provider.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.deploy.bytecode import find_interpreter
from devtools.deploy.package import LAYOUTS, Package, package
from devtools.gateway.registry import REPO

BOOTSTRAP = Path(__file__).with_name("process_child.py")
# The bare interpreter's script: the time it got this far, then (after the clock) its peak RSS.
BARE = """import sys, time
answered = time.perf_counter()
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
open(sys.argv[1], "w").write('{"answered": %r, "peak_rss_mib": %r}' % (answered, rss))
"""


@dataclass
class Shipped:
    """One provider's unpacked package: the folders a function's process imports from."""

    provider: str
    root: Path
    built: Package
    functions: dict[str, Path] = field(default_factory=dict)  # function name -> its code folder

    @property
    def layer_path(self) -> Path:
        layout = LAYOUTS[self.provider]
        return self.root / "opt" / layout.layer_prefix if layout.layer_prefix else self.root / "opt"

    @property
    def runtime(self) -> Path:
        """Where the bootstrap script sits: outside the code and the layer, as the platform's runtime is."""
        return self.root / "runtime"

    def pythonpath(self, function: str | None) -> str:
        """The import path the platform sets: the function's code first, then the layer."""
        parts = ([str(self.functions[function])] if function else []) + [str(self.layer_path)]
        return ":".join(parts)


def interpreter(python: str) -> tuple[str, str]:
    """(path, label) of the CPython `python` the platform runs; this interpreter when there is none."""
    import sys

    found = find_interpreter(python)
    if found:
        return found, f"CPython {python} ({found})"
    return sys.executable, (f"CPython {'%d.%d.%d' % sys.version_info[:3]} ({sys.executable}): no CPython {python} "
                            "on this machine")


def _unpack(archive: Path, destination: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(destination)
    for info in zipfile.ZipFile(archive).infolist():  # extractall drops the file modes the zip keeps
        mode = info.external_attr >> 16 & 0o777
        if mode:
            (destination / info.filename).chmod(mode)


def build(template: Any, provider: str, root: Path) -> Shipped:
    """Package `provider`'s layer and functions, then unpack every zip into `root` in the platform's layout."""
    built = package(template, provider, repo=REPO, out=root / "build", cache_root=REPO / "build" / "wheels")
    shipped = Shipped(provider, root, built)
    _unpack(built.layer.path, root / "opt")
    code_base = LAYOUTS[provider].code_path.strip("/")  # code or var/user
    for name, artifact in built.functions.items():
        folder = root / name / code_base  # one platform file system per function: each has its own /code
        _unpack(artifact.path, folder)
        shipped.functions[name] = folder
    shipped.runtime.mkdir(parents=True, exist_ok=True)
    (shipped.runtime / "bootstrap.py").write_bytes(BOOTSTRAP.read_bytes())
    (shipped.runtime / "bare.py").write_text(BARE)
    return shipped


def sizes(shipped: Shipped) -> dict[str, Any]:
    """Zipped and unpacked MiB of the layer and of each function, and what the layer carries."""
    mib = 2 ** 20
    built = shipped.built
    return {"layer_zip_mib": built.layer.size / mib, "layer_unpacked_mib": built.layer.unpacked / mib,
            "layer_files": built.layer.files, "distributions": built.distributions,
            "bytecode": built.bytecode,
            "functions_zip_kib": {n: a.size / 1024 for n, a in built.functions.items()}}

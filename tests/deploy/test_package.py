"""`upvend package`: the layer holds only target-fitting wheels and imports from the zip alone."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from devtools.deploy.bytecode import find_interpreter
from devtools.deploy.package import Package, package
from devtools.deploy.targets import deployable
from devtools.deploy.wheels import PackagingError, WheelTarget, download_wheels
from devtools.template import load_template

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "wheels"  # shared with `make package`: wheels are fetched once per pin set
LOCAL = "%d.%d" % sys.version_info[:2]


@pytest.fixture(scope="module")
def local_packages(tmp_path_factory) -> dict[str, Package]:
    """Both providers' packages built for this interpreter's Python."""
    template = load_template(REPO / "template.yaml")
    out = tmp_path_factory.mktemp("package")
    return {p: package(template, p, repo=REPO, out=out / p, cache_root=CACHE, python=LOCAL)
            for p in ("aliyun", "tencent")}


def dist_infos(names: list[str], prefix: str) -> list[str]:
    return sorted({n[len(prefix):].split("/")[0] for n in names
                   if n.startswith(prefix) and n[len(prefix):].split("/")[0].endswith(".dist-info")})


def check_layer_contents(layer: Path, prefix: str, python: str) -> None:
    """Every file is either the upvend package or recorded by a wheel whose tags fit `python` on manylinux."""
    target = WheelTarget(python)
    with zipfile.ZipFile(layer) as zf:
        names = zf.namelist()
        recorded: set[str] = set()
        infos = dist_infos(names, prefix)
        assert len(infos) >= 10
        for info in infos:
            wheel = zf.read(f"{prefix}{info}/WHEEL").decode()
            tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
            assert any(target.accepts(tag) for tag in tags), (info, tags)
            assert any("manylinux" in t or t.endswith("-any") for t in tags), (info, tags)
            record = zf.read(f"{prefix}{info}/RECORD").decode()
            recorded |= {line.split(",")[0] for line in record.splitlines() if line}
    for name in names:
        inside = name[len(prefix):]
        assert name.startswith(prefix)
        if inside.startswith("upvend/") or "__pycache__/" in inside:
            continue
        assert inside in recorded, f"{inside} comes from no wheel"
    native = [n for n in names if n.endswith(".so")]
    abi = "cpython-%s%s-x86_64-linux-gnu" % tuple(python.split("."))
    # extension modules carry the target ABI (or the stable ABI); auditwheel's vendored libraries live in *.libs/
    assert native and all(abi in n or n.endswith(".abi3.so") or ".libs/" in n for n in native), native


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_layer_holds_only_wheels_for_the_target_python(local_packages, provider):
    built = local_packages[provider]
    prefix = "python/" if provider == "aliyun" else ""
    check_layer_contents(built.layer.path, prefix, LOCAL)
    with zipfile.ZipFile(built.layer.path) as zf:
        names = set(zf.namelist())
    assert f"{prefix}upvend/__init__.py" in names and f"{prefix}starlette/__init__.py" in names
    assert not any(n.startswith(f"{prefix}bin/") for n in names)  # no console scripts for the build machine
    assert built.bytecode and f"{prefix}upvend/__pycache__/settings.cpython-{LOCAL.replace('.', '')}.pyc" in names


def test_bytecode_is_unchecked_hash_based(local_packages):
    with zipfile.ZipFile(local_packages["tencent"].layer.path) as zf:
        pyc = zf.read(f"upvend/__pycache__/errors.cpython-{LOCAL.replace('.', '')}.pyc")
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source not checked on a read-only /opt


def _unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
    return into


PROBE = r"""
import json, sys
layer, code, provider = sys.argv[1:4]
sys.path[:0] = [code, layer]
import index, upvend, pydantic_core, starlette, mangum
if provider == "aliyun":
    import cryptography.hazmat.bindings._rust, aliyunsdkcore
else:
    import tencentcloud.common
assert upvend.__file__.startswith(layer), upvend.__file__
assert not any("site-packages" in p for p in sys.path), sys.path
if provider == "aliyun":
    event = json.dumps({"version": "v1", "rawPath": "/auth/wechat", "body": "{}", "isBase64Encoded": False,
        "headers": {"Content-Type": "application/json"}, "queryParameters": {},
        "requestContext": {"requestId": "r-1", "http": {"method": "POST", "path": "/auth/wechat",
                                                          "sourceIp": "127.0.0.1"}}}).encode()
    answer = index.handler(event, None)
else:
    event = {"httpMethod": "POST", "path": "/auth/wechat", "queryString": {}, "body": "{}",
             "headers": {"content-type": "application/json", "x-scf-remote-addr": "127.0.0.1"}}
    answer = index.main_handler(event, None)
print(json.dumps({"status": answer["statusCode"], "body": json.loads(answer["body"])}))
"""


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_function_zip_runs_on_the_layer_alone_in_a_clean_interpreter(local_packages, provider, tmp_path):
    built = local_packages[provider]
    opt = _unzip(built.layer.path, tmp_path / "opt")
    function_zip = built.functions["auth-wechat" if provider == "aliyun" else "auth-wechat-scf"]
    code = _unzip(function_zip.path, tmp_path / "code")
    assert sorted(p.name for p in code.iterdir()) == ["__pycache__", "index.py"]
    layer_path = opt / "python" if provider == "aliyun" else opt
    done = subprocess.run([sys.executable, "-I", "-S", "-c", PROBE, str(layer_path), str(code), provider],
                          capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 400 and answer["body"]["error"]["code"]  # validation error, not a crash


IMPORT_ALL = r"""
import importlib.util, json, sys
layer, handlers = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, layer)
loaded = {}
for name, (folder, attribute) in handlers.items():
    spec = importlib.util.spec_from_file_location(f"fn_{name.replace('-', '_')}", folder + "/index.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, folder)
    spec.loader.exec_module(module)
    sys.path.remove(folder)
    loaded[name] = callable(getattr(module, attribute))
print(json.dumps(loaded))
"""


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_every_function_zip_imports_its_handler_on_the_layer_alone(local_packages, provider, tmp_path):
    built = local_packages[provider]
    opt = _unzip(built.layer.path, tmp_path / "opt")
    template = load_template(REPO / "template.yaml")
    handlers = {}
    for name, archive in built.functions.items():
        fn = template.function(name)
        handlers[name] = (str(_unzip(archive.path, tmp_path / "code" / name)), fn.attribute)
    assert set(handlers) == {fn.name for fn in deployable(template, provider)}
    layer_path = opt / "python" if provider == "aliyun" else opt
    done = subprocess.run([sys.executable, "-I", "-S", "-c", IMPORT_ALL, str(layer_path), json.dumps(handlers)],
                          capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {name: True for name in handlers}


def test_layer_from_the_wrong_provider_layout_does_not_import(local_packages, tmp_path):
    opt = _unzip(local_packages["aliyun"].layer.path, tmp_path / "opt")
    done = subprocess.run([sys.executable, "-I", "-S", "-c", "import sys; sys.path[:0]=[sys.argv[1]]; import upvend",
                           str(opt)], capture_output=True, text=True)
    assert done.returncode != 0 and "No module named 'upvend'" in done.stderr


def test_template_python_layer_fits_the_runtime(tmp_path):
    """The real target (template.yaml `python`, 3.10 by default), built and checked the same way."""
    template = load_template(REPO / "template.yaml")
    built = package(template, "aliyun", repo=REPO, out=tmp_path / "aliyun", cache_root=CACHE)
    check_layer_contents(built.layer.path, "python/", template.python)
    tag = template.python.replace(".", "")
    with zipfile.ZipFile(built.layer.path) as zf:
        names = zf.namelist()
    pycs = [n for n in names if n.endswith(".pyc")]
    # starlette and anyio need exceptiongroup below 3.11 only; pip's markers follow the build Python,
    # so the packager must add it for a 3.10 target
    assert ("python/exceptiongroup/__init__.py" in names) == (template.python == "3.10")
    if built.bytecode:
        assert pycs and all(f".cpython-{tag}.pyc" in n for n in pycs)
    else:  # no matching interpreter here: sources only, and the report says so
        assert pycs == [] and "sources only" in built.report(tmp_path)
    interpreter = find_interpreter(template.python)
    if interpreter:  # when the target interpreter is here, prove the layer imports under it too
        opt = _unzip(built.layer.path, tmp_path / "opt")
        code = _unzip(built.functions["auth-wechat"].path, tmp_path / "code")
        done = subprocess.run([interpreter, "-I", "-S", "-c", PROBE, str(opt / "python"), str(code), "aliyun"],
                              capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
        assert done.returncode == 0, done.stderr[-3000:]


def test_a_pin_without_a_wheel_for_the_target_fails_clearly(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("starlette==1.10.0\n")  # needs Python >= 3.11
    with pytest.raises(PackagingError, match=r"CPython 3\.10 manylinux x86_64[\s\S]*starlette"):
        download_wheels(requirements, None, WheelTarget("3.10"), tmp_path / "wheels")


def test_layer_for_the_local_python_leaves_out_backports(local_packages):
    with zipfile.ZipFile(local_packages["aliyun"].layer.path) as zf:
        assert not any(n.startswith("python/exceptiongroup/") for n in zf.namelist())


def test_target_accepts_manylinux_and_pure_wheels_only():
    target = WheelTarget("3.10")
    assert target.accepts("py3-none-any") and target.accepts("py2.py3-none-any")
    assert target.accepts("cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64")
    assert target.accepts("cp39-abi3-manylinux2014_x86_64")
    assert not target.accepts("cp311-cp311-manylinux2014_x86_64")
    assert not target.accepts("cp310-cp310-linux_x86_64")  # built for some machine, not portable
    assert not target.accepts("cp310-cp310-manylinux_2_28_x86_64")  # newer glibc than the floor
    assert not target.accepts("cp310-cp310-manylinux2014_aarch64")
    assert not target.accepts("cp310-cp310-macosx_11_0_arm64")


def test_interpreter_lookup(monkeypatch):
    assert find_interpreter(LOCAL) == sys.executable
    monkeypatch.setenv("UPVEND_PYTHON_3_99", sys.executable)  # a Python of another version is refused
    monkeypatch.setenv("PYENV_ROOT", "/nonexistent")
    assert find_interpreter("3.99") is None


def _layer_modules(layer: Path, prefix: str) -> tuple[set[str], dict[str, set[str]], dict[str, list[str]]]:
    """From the built zip: every dotted module name in it, the modules of each distribution, and what each
    distribution requires (its METADATA's Requires-Dist, markers evaluated for the target)."""
    from email.parser import Parser

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    target = WheelTarget(LOCAL).marker_environment()
    modules: set[str] = set()
    owned: dict[str, set[str]] = {}
    requires: dict[str, list[str]] = {}
    with zipfile.ZipFile(layer) as zf:
        names = zf.namelist()
        for name in names:
            inside = name[len(prefix):]
            if inside.endswith((".py", ".so")) and "__pycache__" not in inside:
                parts = inside.split("/")
                leaf = parts[-1].split(".")[0]
                dotted = parts[:-1] + ([] if leaf == "__init__" else [leaf])
                modules.update(".".join(dotted[:i]) for i in range(1, len(dotted) + 1))
        for info in dist_infos(names, prefix):
            meta = Parser().parsestr(zf.read(f"{prefix}{info}/METADATA").decode())
            dist = canonicalize_name(meta["Name"])
            record = zf.read(f"{prefix}{info}/RECORD").decode().splitlines()
            owned[dist] = {line.split(",")[0].split("/")[0].removesuffix(".py") for line in record if line}
            extras = {"binary"} if dist == "psycopg" else set()
            requires[dist] = [canonicalize_name(r.name) for r in map(Requirement, meta.get_all("Requires-Dist") or [])
                              if not r.marker or any(r.marker.evaluate({**target, "extra": e}) for e in extras | {""})]
    return modules, owned, requires


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_each_layer_carries_what_its_functions_import_and_nothing_else(local_packages, provider):
    from devtools.deploy.layer_contents import CLOUD_SDKS, DRIVERS, dropped, external_imports

    template = load_template(REPO / "template.yaml")
    built = local_packages[provider]
    prefix = "python/" if provider == "aliyun" else ""
    modules, owned, requires = _layer_modules(built.layer.path, prefix)
    functions = deployable(template, provider)
    imported = external_imports([REPO / fn.folder / f"{fn.module}.py" for fn in functions], REPO / "shared", "upvend")
    # a function lacks nothing: every module it (or the layer code it reaches) imports is in its layer
    kept = {name for name in imported if not dropped(name, provider, template.database)}
    # (`from a import b` lists `a.b`, which may be a name defined in module `a`)
    missing = {name for name in kept if name not in modules and name.rpartition(".")[0] not in modules}
    assert kept and not missing, f"{provider} functions import what their layer lacks: {sorted(missing)}"
    # and the layer carries nothing unused: each distribution is imported, or required by one that is
    used = {dist for dist, tops in owned.items() if any(name.split(".")[0] in tops for name in kept)}
    pending = list(used)
    while pending:
        for dependency in requires.get(pending.pop(), []):
            if dependency not in used:
                used.add(dependency)
                pending.append(dependency)
    assert set(owned) == used, f"carried but imported by no {provider} function: {sorted(set(owned) - used)}"
    # the other cloud's SDK and an unused database driver are what `dropped` leaves out, and they are absent
    other = [top for cloud, tops in CLOUD_SDKS.items() if cloud != provider for top in tops]
    unused = [module for database, module in DRIVERS.items() if database not in template.database]
    assert not any(name.split(".")[0] in other + unused for name in modules)
    tops = {name.split(".")[0] for name in modules}
    if provider == "tencent":
        assert "cryptography" not in tops and "tencentcloud" in tops
    else:
        assert {"aliyunsdkcore", "cryptography"} <= tops  # the OSS callback verifies RSA signatures


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_package_reports_the_layer_path_and_size_in_mib(local_packages, provider):
    built = local_packages[provider]
    text = built.report(REPO)
    path = built.layer.path.resolve()
    assert f"layer {path}: {built.layer.size / 2**20:.2f} MiB zipped" in text and path.is_file()
    assert all(d.split("-")[0] in text for d in built.distributions) and built.distributions

"""Choosing a layer's contents: imports read from source (lazy ones too), wheels chosen by them and the
template's database, and a missing driver at run time said plainly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devtools.deploy.layer_contents import dropped, external_imports, read_requirements, select_wheels, \
    source_imports
from devtools.deploy.wheels import WheelTarget, download_wheels
from packaging.utils import canonicalize_name, parse_wheel_filename

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "wheels"


def test_imports_inside_functions_and_relative_imports_are_found():
    source = "import os\nfrom . import sibling\nfrom .sub import thing\ndef f():\n    import pymysql.cursors\n"
    assert source_imports(source, "pkg.mod", False) == {"os", "pkg", "pkg.sibling", "pkg.sub", "pkg.sub.thing",
                                                        "pymysql.cursors"}
    assert source_imports("from .. import x", "pkg.sub", True) == {"pkg", "pkg.x"}


def test_the_closure_follows_the_package_and_skips_the_standard_library(tmp_path):
    package = tmp_path / "shared" / "lib"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("import json\n")
    (package / "inner" / "__init__.py").write_text("from lib.inner.leaf import x\n")
    (package / "inner" / "leaf.py").write_text("def x():\n    import starlette.requests\n")
    (package / "unused.py").write_text("import tencentcloud\n")
    entry = tmp_path / "index.py"
    entry.write_text("import lib.inner\nimport pydantic\n")
    assert external_imports([entry], tmp_path / "shared", "lib") == {"pydantic", "starlette.requests"}


def test_the_other_clouds_sdk_and_unused_drivers_are_dropped():
    assert dropped("tencentcloud.common", "aliyun", ["mysql"]) and dropped("aliyunsdkcore.client", "tencent", ["mysql"])
    assert not dropped("aliyunsdkcore.client", "aliyun", ["mysql"])
    assert dropped("psycopg", "aliyun", ["mysql"]) and not dropped("pymysql", "aliyun", ["mysql"])
    assert not dropped("psycopg", "tencent", ["mysql", "postgresql"])


@pytest.mark.parametrize("databases, present, absent", [
    (["mysql"], {"pymysql"}, {"psycopg", "psycopg-binary"}),
    (["postgresql"], {"psycopg", "psycopg-binary"}, {"pymysql"}),  # the `binary` extra of requirements.txt
    (["mysql", "postgresql"], {"pymysql", "psycopg", "psycopg-binary"}, set()),
])
def test_the_drivers_follow_the_database_setting(databases, present, absent):
    target = WheelTarget("%d.%d" % sys.version_info[:2])
    requirements = REPO / "requirements.txt"
    wheels = download_wheels(requirements, REPO / "constraints.txt", target, CACHE)
    imports = {n for n in ("pymysql", "psycopg", "pydantic") if not dropped(n, "aliyun", databases)}
    chosen = {canonicalize_name(parse_wheel_filename(w.name)[0]) for w in
              select_wheels(wheels, read_requirements(requirements), imports, target)}
    assert present <= chosen and not absent & chosen
    assert {"pydantic", "pydantic-core", "typing-extensions"} <= chosen


def test_a_missing_driver_is_a_configuration_error(monkeypatch):
    from upvend.errors import ConfigurationError
    from upvend.storage.dialects import MysqlDialect

    monkeypatch.setitem(sys.modules, "pymysql", None)  # as in a layer packaged for PostgreSQL only
    with pytest.raises(ConfigurationError) as caught:
        MysqlDialect().connect(object(), 1.0)
    assert caught.value.code == "database_driver_missing" and "database: mysql" in caught.value.message

"""The H5 demo's vendored SDK builds are exactly the pinned npm packages' files, with their licences."""

from __future__ import annotations

import json
import re

import pytest

from devtools.web_sdk_vendor import NODE_MODULES, STATIC, WEB_SDKS, installed_version
from tests.conftest import IN_CI

LOCK = json.loads((NODE_MODULES.parent / "package-lock.json").read_text())


@pytest.mark.parametrize("sdk", WEB_SDKS, ids=lambda sdk: sdk.package)
def test_each_build_is_vendored_with_its_licence_at_the_locked_version(sdk):
    assert LOCK["packages"][f"node_modules/{sdk.package}"]["version"] == sdk.version
    assert (STATIC / sdk.asset).stat().st_size > 10_000
    assert "license" in (STATIC / sdk.licence_asset).read_text().lower()


@pytest.mark.parametrize("sdk", WEB_SDKS, ids=lambda sdk: sdk.package)
def test_the_vendored_files_equal_the_installed_packages(sdk):
    if not (NODE_MODULES / ".installed").exists():
        if IN_CI:
            pytest.fail("the client packages are not installed under CI=true (make client-deps)")
        pytest.skip("the client packages are not installed (make client-deps)")
    assert installed_version(sdk.package) == sdk.version
    for name, source in sdk.sources().items():
        assert (STATIC / name).read_bytes() == source.read_bytes(), f"{name} differs from {source}"


def test_the_demo_loads_the_vendored_names_and_nothing_else_is_vendored():
    script = (STATIC / "sdk_paths.js").read_text()
    named = dict(re.findall(r'(\w+): "(vendor-[^"]+\.js)"', script))
    assert named == {sdk.global_name: sdk.asset for sdk in WEB_SDKS}
    vendored = {p.name for p in STATIC.glob("vendor-*")}
    assert vendored == {name for sdk in WEB_SDKS for name in sdk.sources()}

"""The official web upload SDKs the H5 demo loads, vendored from the pinned npm packages with their licences.

`python -m devtools.web_sdk_vendor` copies each build and its licence from tests/clients/node_modules
(installed by `make client-deps` from the lock file) into functions/console/static, under names that
carry the version. tests/unit/test_vendored_web_sdks.py checks the copies are byte for byte the pinned
packages' files, so an SDK is upgraded only by changing the pin and running this again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO / "tests" / "clients" / "node_modules"
STATIC = REPO / "functions" / "console" / "static"


@dataclass(frozen=True)
class VendoredSdk:
    package: str
    build: str  # the browser build inside the package
    global_name: str  # what the build defines on window

    @property
    def version(self) -> str:
        pins = json.loads((REPO / "tests" / "clients" / "package.json").read_text())["dependencies"]
        return pins[self.package]

    @property
    def asset(self) -> str:
        suffix = ".min.js" if self.build.endswith(".min.js") else ".js"
        return f"vendor-{self.package}-{self.version}{suffix}"

    @property
    def licence_asset(self) -> str:
        return f"vendor-{self.package}-{self.version}.LICENSE.txt"

    def sources(self) -> dict[str, Path]:
        """Asset name -> the file in the installed package it must equal."""
        package = NODE_MODULES / self.package
        files = {self.asset: package / self.build, self.licence_asset: package / "LICENSE"}
        bundled = package / (self.build + ".LICENSE.txt")  # notices of code the build bundles
        if bundled.exists():
            files[f"vendor-{self.package}-{self.version}.bundled.LICENSE.txt"] = bundled
        return files


WEB_SDKS = (
    VendoredSdk("ali-oss", "dist/aliyun-oss-sdk.min.js", "OSS"),
    VendoredSdk("cos-js-sdk-v5", "dist/cos-js-sdk-v5.min.js", "COS"),
    VendoredSdk("vod-js-sdk-v6", "dist/vod-js-sdk-v6.js", "TcVod"),
)


def installed_version(package: str) -> str:
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def vendor() -> list[str]:
    """Copy every build and licence; refuse when the installed package is not the pinned version."""
    written = []
    for sdk in WEB_SDKS:
        if installed_version(sdk.package) != sdk.version:
            raise SystemExit(f"{sdk.package} {installed_version(sdk.package)} is installed, {sdk.version} is pinned: "
                             "run `make client-deps` first")
        for old in STATIC.glob(f"vendor-{sdk.package}-*"):
            old.unlink()
        for name, source in sdk.sources().items():
            shutil.copyfile(source, STATIC / name)
            written.append(name)
    return written


if __name__ == "__main__":
    for name in vendor():
        print(f"functions/console/static/{name}")

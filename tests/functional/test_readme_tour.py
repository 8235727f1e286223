"""The README's curl tour, run as written against `make run`'s entry point.

Every ```sh block of the tour is run in one bash, in order, against a local stack process on free ports
(the README's 127.0.0.1:8000 and :8001 are rewritten to them). Each `curl` line must answer 2xx, and its
answer must carry every field the `# {...}` comment under it shows. A README example that no longer works
fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.functional.test_stack_process import stack_process

REPO = Path(__file__).resolve().parents[2]
TOUR_HEADING = "## A tour in curl"
_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
_KEY = re.compile(r'"([A-Za-z_][\w-]*)":')


@dataclass
class Call:
    """One `curl` line the README shows, and the fields its comment says the answer has."""

    line: str
    shown: str = ""
    keys: list[str] = field(default_factory=list)


def tour_blocks(readme: str) -> list[str]:
    """The ```sh blocks of the tour section."""
    start = readme.index(TOUR_HEADING)
    end = readme.find("\n## ", start + len(TOUR_HEADING))
    return _BLOCK.findall(readme[start:end if end != -1 else None])


def script_and_calls(blocks: list[str], out_dir: Path) -> tuple[str, list[Call]]:
    """A bash script of the blocks (each shown curl's answer saved to a file) and the shown calls."""
    lines = ["set -euo pipefail",
             # 2xx or the script stops; the answer body is still printed for the failure message.
             'curl() { command curl --silent --show-error --fail-with-body "$@"; }']
    calls: list[Call] = []
    after_curl = False  # comment lines right under a shown curl are its answer
    for line in re.sub(r"\\\n\s*", " ", "\n".join(blocks)).splitlines():  # continued lines as one
        stripped = line.strip()
        if stripped.startswith("#") and after_curl:
            calls[-1].shown += stripped.lstrip("# ")
            calls[-1].keys = _KEY.findall(calls[-1].shown)
            continue
        after_curl = stripped.startswith("curl ")
        if after_curl:
            calls.append(Call(stripped))
            lines.append(f"{stripped} > {out_dir}/{len(calls)}.json")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n", calls


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


@pytest.fixture(scope="module")
def stack_hosts(tmp_path_factory):
    """`make run`'s entry point as a process on free ports; yields (gateway, emulator) host:port."""
    with stack_process(tmp_path_factory.mktemp("tour-stack"), wait_seconds=60) as running:
        assert "curl -XPOST" in running.banner, running.banner
        yield f"127.0.0.1:{running.gateway_port}", f"127.0.0.1:{running.emulator_port}"


def test_the_tour_parses_into_one_call_per_route():
    _, calls = script_and_calls(tour_blocks((REPO / "README.md").read_text()), Path("/out"))
    routes = {re.search(r"\$API(/[^\s\"'?]*)", c.line).group(1) for c in calls}
    assert {"/auth/wechat", "/aliyun/vod/upload-video", "/aliyun/vod/upload-video/refresh", "/aliyun/vod/upload-image",
            "/aliyun/sts", "/aliyun/oss/post-policy", "/tencent/vod/signature", "/tencent/vod/signature/explain",
            "/tencent/cos/sts", "/tencent/cos/post-policy", "/media", "/media/$ID"} <= routes
    assert all(c.keys for c in calls), [c.line for c in calls if not c.keys]


def test_every_curl_of_the_readme_tour_answers_as_shown(stack_hosts, tmp_path):
    gateway, emulator = stack_hosts
    readme = (REPO / "README.md").read_text().replace("127.0.0.1:8000", gateway).replace("127.0.0.1:8001", emulator)
    script, calls = script_and_calls(tour_blocks(readme), tmp_path)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, f"the tour stopped:\n{done.stderr}\n{done.stdout}"
    for number, call in enumerate(calls, start=1):
        answer = json.loads((tmp_path / f"{number}.json").read_text())
        missing = [k for k in call.keys if k not in keys_of(answer)]
        assert not missing, f"{call.line}\nanswered without {missing}: {answer}"

"""`make run`'s entry point, as a real process: it prints its URLs and serves a login."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import jwt

from devtools.local_env import DEV_JWT_SECRET
from devtools.serving import bind

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    sock = bind()
    port = sock.getsockname()[1]
    sock.close()
    return port


@dataclass
class StackProcess:
    """`make run`'s entry point running on free ports, with what it printed before it was ready."""

    proc: subprocess.Popen
    banner: str
    gateway_port: int
    emulator_port: int


@contextmanager
def stack_process(data_dir: Path, wait_seconds: float = 30) -> Iterator[StackProcess]:
    """Start `python -m devtools.stack` (as `make run` does) and stop it with SIGTERM afterwards."""
    gateway_port, emulator_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPVEND_")}
    env["UPVEND_GATEWAY_PORT"], env["UPVEND_EMULATOR_PORT"] = str(gateway_port), str(emulator_port)
    proc = subprocess.Popen([sys.executable, "-m", "devtools.stack", "--data-dir", str(data_dir)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = ""
        deadline = time.monotonic() + wait_seconds
        while "curl -XPOST" not in banner and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            banner += line
        yield StackProcess(proc, banner, gateway_port, emulator_port)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def test_local_stack_process_serves_login(tmp_path):
    with stack_process(tmp_path) as running:
        banner, gateway_port = running.banner, running.gateway_port
        assert f"http://127.0.0.1:{gateway_port}" in banner and f"http://127.0.0.1:{running.emulator_port}" in banner
        assert str(tmp_path / "upvend.sqlite3") in banner
        assert (tmp_path / "upvend.sqlite3").is_file()
        response = httpx.post(f"http://127.0.0.1:{gateway_port}/auth/wechat", content=b'{"code":"test-alice"}')
        assert response.status_code == 200
        claims = jwt.decode(response.json()["token"], DEV_JWT_SECRET, algorithms=["HS256"], issuer="upvend")
        assert claims["sub"] == "o-alice"
        bad = httpx.post(f"http://127.0.0.1:{gateway_port}/auth/wechat", content=b"{")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"


def test_a_port_in_use_is_named_with_the_variable_that_moves_it(tmp_path):
    held = bind()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("UPVEND_")}
        env["UPVEND_GATEWAY_PORT"], env["UPVEND_EMULATOR_PORT"] = str(held.getsockname()[1]), str(free_port())
        done = subprocess.run([sys.executable, "-m", "devtools.stack", "--data-dir", str(tmp_path)], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=60)
    finally:
        held.close()
    assert done.returncode == 1
    assert f"port {env['UPVEND_GATEWAY_PORT']} (gateway) is already in use" in done.stderr
    assert "UPVEND_GATEWAY_PORT=<port> make run" in done.stderr and "Traceback" not in done.stderr


def test_explain_json_into_a_closed_pipe_ends_quietly():
    signature = "A" * 400
    # The reader closes its end before the command writes, as `| head` does once it has its lines.
    shell = f"{sys.executable} -m devtools.cli explain {signature} --json | (exec <&-; sleep 1)"
    done = subprocess.run(["bash", "-c", shell], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr, done.stderr

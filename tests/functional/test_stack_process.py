"""`make run`'s entry point, as a real process: it prints its URLs and serves a login."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def test_local_stack_process_serves_login(tmp_path):
    gateway_port, emulator_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPVEND_")}
    env["UPVEND_GATEWAY_PORT"], env["UPVEND_EMULATOR_PORT"] = str(gateway_port), str(emulator_port)
    proc = subprocess.Popen([sys.executable, "-m", "devtools.stack", "--data-dir", str(tmp_path)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = ""
        deadline = time.monotonic() + 30
        while "curl -XPOST" not in banner and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            banner += line
        assert f"http://127.0.0.1:{gateway_port}" in banner and f"http://127.0.0.1:{emulator_port}" in banner
        assert str(tmp_path / "upvend.sqlite3") in banner
        assert (tmp_path / "upvend.sqlite3").is_file()
        response = httpx.post(f"http://127.0.0.1:{gateway_port}/auth/wechat", content=b'{"code":"test-alice"}')
        assert response.status_code == 200
        claims = jwt.decode(response.json()["token"], DEV_JWT_SECRET, algorithms=["HS256"], issuer="upvend")
        assert claims["sub"] == "o-alice"
        bad = httpx.post(f"http://127.0.0.1:{gateway_port}/auth/wechat", content=b"{")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)

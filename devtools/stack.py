"""The local stack: cloud emulator + local gateway + embedded SQLite, on 127.0.0.1.

Run with `make run` (or `python -m devtools.stack`). Tests start the same stack
in-process on free ports.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
from pathlib import Path
from typing import MutableMapping

from devtools.emulator.app import Emulator, create_emulator
from devtools.emulator.config import EmulatorConfig
from devtools.gateway.app import create_gateway
from devtools.gateway.registry import REPO, Registry, ensure_layer_on_path
from devtools.local_env import DEV_ALIYUN_VOD_PLAY_AUTH_KEY, DEV_TENCENT_VOD_PLAY_KEY, apply_defaults, local_defaults
from devtools.serving import CLOUD_IDLE_SECONDS, ServerThread, bind
from devtools.template import load_template


class LocalStack:
    """Starts and stops the emulator and the gateway together."""

    def __init__(self, data_dir: Path, *, gateway_port: int = 0, emulator_port: int = 0,
                 host: str = "127.0.0.1", repo: Path = REPO,
                 environ: MutableMapping[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.repo = repo
        self.environ = os.environ if environ is None else environ
        self._gateway_sock = bind(host, gateway_port)
        self._emulator_sock = bind(host, emulator_port)
        self.gateway_url = f"http://{host}:{self._gateway_sock.getsockname()[1]}"
        self.emulator_url = f"http://{host}:{self._emulator_sock.getsockname()[1]}"
        self.emulator: Emulator | None = None
        self.settings: dict[str, str] = {}
        self._servers: list[ServerThread] = []

    def start(self) -> "LocalStack":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = EmulatorConfig(data_dir=self.data_dir / "emulator", gateway_url=self.gateway_url,
                                public_url=self.emulator_url, aliyun_vod_play_auth_key=DEV_ALIYUN_VOD_PLAY_AUTH_KEY,
                                tencent_vod_play_key=DEV_TENCENT_VOD_PLAY_KEY)
        self.settings = apply_defaults(local_defaults(self.emulator_url, self.data_dir, config), self.environ)
        ensure_layer_on_path(self.repo)
        self.emulator = create_emulator(config)
        registry = Registry(load_template(self.repo / "template.yaml"), self.repo)
        self._servers = [ServerThread(self.emulator.app, self._emulator_sock,
                                      timeout_keep_alive=CLOUD_IDLE_SECONDS).start(),
                         ServerThread(create_gateway(registry), self._gateway_sock).start()]
        return self

    def database_path(self) -> Path:
        """Create the embedded SQLite database (with its schema) and return its path."""
        from upvend.storage.database import Database  # the layer is on the path once started
        db = Database(self.settings["UPVEND_DATABASE_URL"])
        db.ready()
        return Path(db.url.path)

    def stop(self) -> None:
        for server in reversed(self._servers):
            server.stop()
        self._servers = []


def _in_use(port: int) -> bool:
    try:
        bind("127.0.0.1", port).close()
    except OSError:
        return True
    return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the upvend local stack.")
    parser.add_argument("--gateway-port", type=int, default=int(os.environ.get("UPVEND_GATEWAY_PORT", 8000)))
    parser.add_argument("--emulator-port", type=int, default=int(os.environ.get("UPVEND_EMULATOR_PORT", 8001)))
    parser.add_argument("--data-dir", type=Path, default=REPO / ".local")
    args = parser.parse_args(argv)

    try:
        stack = LocalStack(args.data_dir, gateway_port=args.gateway_port, emulator_port=args.emulator_port).start()
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        taken = [(name, port, variable) for name, port, variable in (
            ("gateway", args.gateway_port, "UPVEND_GATEWAY_PORT"), ("emulator", args.emulator_port,
                                                                   "UPVEND_EMULATOR_PORT")) if _in_use(port)]
        for name, port, variable in taken or [("gateway or emulator", args.gateway_port, "UPVEND_GATEWAY_PORT")]:
            print(f"make run: port {port} ({name}) is already in use. Stop what holds it, or move the {name} "
                  f"with {variable}=<port> make run.", file=sys.stderr)
        sys.exit(1)
    db_path = stack.database_path()
    print(f"upvend local stack (dev-only settings; never deploy them)\n"
          f"  gateway   {stack.gateway_url}   (routes: {stack.gateway_url}/_upvend/routes)\n"
          f"  emulator  {stack.emulator_url}\n"
          f"  database  {db_path}\n"
          f"  console   {stack.gateway_url}/console   (H5 upload demo: {stack.gateway_url}/console/upload)\n\n"
          f"Log in as a test user:\n"
          f"  curl -XPOST {stack.gateway_url}/auth/wechat -d '{{\"code\":\"test-alice\"}}'\n", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

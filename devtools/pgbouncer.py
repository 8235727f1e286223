"""Dev-only: a real PgBouncer in transaction mode in front of the local PostgreSQL (tests and bench).

Debian's `pgbouncer` binary (installed by .ci/run) is started on a free port with a generated
configuration; it refuses to run as root, so as root it is told to switch to an unprivileged user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CANDIDATES = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")


def binary() -> str | None:
    """The pgbouncer executable, or None when it is not installed."""
    return shutil.which("pgbouncer") or next((p for p in CANDIDATES if os.access(p, os.X_OK)), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("pgbouncer refuses root and no unprivileged user exists")


class PgBouncer:
    """One PgBouncer process: `url_for(postgres_url)` points a PostgreSQL URL at it."""

    def __init__(self, server_url: str, *, pool_size: int = 20, max_client_conn: int = 1000,
                 users: tuple[str, ...] = ()) -> None:
        parts = urlsplit(server_url)
        self.server_host, self.server_port = parts.hostname or "127.0.0.1", parts.port or 5432
        self.users = (parts.username or "postgres", *users)
        self.pool_size, self.max_client_conn = pool_size, max_client_conn
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.dir = Path(tempfile.mkdtemp(prefix="upvend-pgbouncer-"))

    def start(self, timeout: float = 10.0) -> "PgBouncer":
        exe = binary()
        if exe is None:
            raise FileNotFoundError("pgbouncer is not installed")
        self.port = _free_port()
        (self.dir / "users.txt").write_text("".join(f'"{user}" ""\n' for user in self.users))
        config = self.dir / "pgbouncer.ini"
        config.write_text("\n".join([
            "[databases]",
            f"* = host={self.server_host} port={self.server_port}",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {self.port}",
            "unix_socket_dir =",
            "auth_type = trust",
            f"auth_file = {self.dir / 'users.txt'}",
            "pool_mode = transaction",
            f"default_pool_size = {self.pool_size}",
            f"max_client_conn = {self.max_client_conn}",
            "server_reset_query =",
            "ignore_startup_parameters = extra_float_digits",
            "",
        ]))
        user = _unprivileged_user()
        os.chmod(self.dir, 0o755)
        for path in self.dir.iterdir():
            os.chmod(path, 0o644)
        command = [exe] + (["-u", user] if user else []) + [str(config)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(self.dir / "log", "wb"),
                                        start_new_session=True)
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {(self.dir / 'log').read_text()[-500:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("pgbouncer did not start listening")

    def url_for(self, postgres_url: str) -> str:
        """The same URL, through this PgBouncer."""
        parts = urlsplit(postgres_url)
        auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit((parts.scheme, f"{auth}127.0.0.1:{self.port}", parts.path, parts.query, ""))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "PgBouncer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""TLS for MySQL URLs: what the URL asks for, and one SSL context per process for it.

URL parameters (MySQL client names):
- `ssl_mode=disabled|required|verify_ca|verify_identity` (default: disabled, or verify_identity with `ssl_ca`);
- `ssl_ca=/path/ca.pem`: the CA to verify the server with (e.g. the RDS / TencentDB CA bundle);
- `ssl_verify_cert=false`: kept for older URLs, the same as `ssl_mode=required`.

PyMySQL builds a new context on every connect when given a dict, and without any TLS
option it builds one too (its "preferred" mode, which falls back to plain text): tens of
ms of CPU per connect. Here `disabled` turns TLS off outright, and the other modes hand
PyMySQL one SSLContext built once per process, which it then requires (error 2026 when
the server offers no TLS; the socket is checked after connecting as well).
"""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass
from typing import Any, Callable

MODES = ("disabled", "required", "verify_ca", "verify_identity")
URL_PARAMETERS = ("ssl_mode", "ssl_ca", "ssl_verify_cert")


@dataclass(frozen=True)
class MysqlTls:
    """The TLS a MySQL URL asks for (hashable: it keys the per-process context)."""

    mode: str = "disabled"
    ca: str | None = None

    @property
    def enabled(self) -> bool:
        return self.mode != "disabled"

    @classmethod
    def from_query(cls, query: dict[str, str], malformed: Callable[[str], Exception]) -> "MysqlTls":
        mode = query.get("ssl_mode", "").strip().lower()
        ca = query.get("ssl_ca") or None
        if mode and mode not in MODES:
            raise malformed(f"has ssl_mode '{mode}'; use one of {', '.join(MODES)}")
        verify_cert = query.get("ssl_verify_cert", "").strip().lower()
        if verify_cert and verify_cert not in ("true", "false", "1", "0"):
            raise malformed("has an ssl_verify_cert that is not true or false")
        if not mode:
            if verify_cert in ("false", "0"):
                mode = "required"
            else:
                mode = "verify_identity" if ca else "disabled"
        if mode == "disabled" and ca:
            raise malformed("gives ssl_ca with ssl_mode=disabled")
        return cls(mode, ca)

    def context(self) -> ssl.SSLContext | None:
        """The process's SSL context for this setting (None when TLS is off)."""
        return _context(self) if self.enabled else None


@functools.lru_cache(maxsize=8)
def _context(tls: MysqlTls) -> ssl.SSLContext:
    if tls.mode == "required":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # encrypted, server not verified (MySQL's REQUIRED)
        return context
    context = ssl.create_default_context(cafile=tls.ca)
    context.check_hostname = tls.mode == "verify_identity"
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def uses_tls(conn: Any) -> bool:
    """Whether a connected PyMySQL connection talks TLS."""
    return isinstance(getattr(conn, "_sock", None), ssl.SSLSocket)

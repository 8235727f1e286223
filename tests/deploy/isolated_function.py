"""Run one template function in this (clean) process and report what it answered and which settings it read.

Usage: `python -m tests.deploy.isolated_function` from the repository root, with a JSON job on stdin:
{"function": name, "request": {method, path, query, headers, body}} for an HTTP route, or
{"function": name, "event": {...}} for a trigger. The environment is exactly what the caller gives, as on a
deployed function. Prints one JSON line: {"status", "body", "read"}.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    job = json.loads(sys.stdin.read())
    from devtools.loopback_names import resolve_localhost_names

    resolve_localhost_names()  # the stack's *.localhost hosts, resolved like an /etc/hosts entry
    sys.path.insert(0, str(REPO / "shared"))  # where the layer is on the platform's path
    from upvend import settings

    read: list[str] = []
    original = settings.get

    def recording_get(name, environ=None):
        read.append(settings.PREFIX + name)
        return original(name, environ)

    settings.get = recording_get  # before the function imports anything that reads settings

    from devtools.gateway.events import IncomingRequest, context_for, event_for, read_result
    from devtools.template import load_template

    fn = load_template(REPO / "template.yaml").function(job["function"])
    spec = importlib.util.spec_from_file_location("index", REPO / fn.folder / f"{fn.module}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler = getattr(module, fn.attribute)
    context, request_id = context_for(fn)
    if "request" in job:
        req = job["request"]
        incoming = IncomingRequest(req["method"], req["path"], req.get("query", []), req.get("headers", []),
                                   req.get("body", "").encode(), "127.0.0.1", req.get("host", "127.0.0.1"))
        status, _, body = read_result(handler(event_for(fn, incoming, request_id), context))
    else:
        event = job["event"]
        status, _, body = read_result(handler(json.dumps(event).encode() if fn.provider == "aliyun" else event,
                                              context))
    print(json.dumps({"status": status, "body": body.decode("utf-8", "replace"), "read": sorted(set(read))}))


if __name__ == "__main__":
    main()

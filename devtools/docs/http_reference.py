"""docs/http-api.md from the local stack's OpenAPI document (`devtools.gateway.openapi`).

Each operation becomes a section: summary, who may call it, its parameters and body fields, a curl line
built from the operation's request example, and its response example. Nothing here is written by hand
but the preamble: routes, fields and examples all come from the document.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from devtools.docs.settings_reference import REGENERATE

API = "127.0.0.1:8000"
_PREAMBLE = f"""\
Every route the functions serve, generated from the OpenAPI 3.1 document the local gateway serves at
`GET /openapi.json` (built from each function's `ApiRoute` declarations; the examples are in
`devtools/gateway/api_examples.py`). Examples address the local stack (`make run`, gateway on `{API}`);
deployed, use your domain or function URL. Regenerate with `make docs` after changing a route.

- **Auth.** Routes marked *bearer* need `Authorization: Bearer <token>` with the token `POST /auth/wechat`
  answers (locally, log in with the emulator's `test-<name>` code). A missing, expired or forged token
  answers 401 with `WWW-Authenticate: Bearer`.
- **Errors.** Every 4xx and 5xx answer is `{{"error": {{"code": "...", "message": "...", "requestId": "..."}}}}`
  (plus `details` where useful), with a 4xx status for bad input; nothing answers a stack trace. Unknown
  body fields answer 400: a client cannot set a value the server signs.
- **Events.** Each HTTP function understands the FC 3.0 HTTP trigger event, the Aliyun API Gateway event,
  the SCF function URL event and the legacy SCF API Gateway event.
- **Both clouds.** Where a route exists for both clouds the local gateway answers with the Aliyun
  function; send `X-Upvend-Provider: tencent` to reach the SCF one.
- **Logs.** One JSON line per event with `requestId` and `function`; secrets, tokens, signatures and
  credentials are masked before they are written.
- **Times.** `expiresAt`-style fields are ISO 8601 UTC (`...Z`); `startTime`, `expiredTime` and `expire`
  are Unix seconds, as the SDKs and forms use them.

The three notice routes are called by the clouds, not by clients: their examples show what the cloud
sends, with the signature headers abbreviated (a request without valid ones is refused).

What each credential allows and how notices are verified: [uploads.md](uploads.md),
[notices.md](notices.md) and [security.md](security.md).
"""


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, kind, name = node["$ref"].lstrip("#/").split("/")
        node = doc[section][kind][name]
    return node


def _type(doc: dict[str, Any], prop: dict[str, Any]) -> str:
    prop = _resolve(doc, prop) if "$ref" in prop and "properties" not in _resolve(doc, prop) else prop
    if "$ref" in prop:
        return "object"
    if "anyOf" in prop:
        return " or ".join(_type(doc, p) for p in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    kind = prop.get("type", "any")
    if kind == "array":
        return f"array of {_type(doc, prop.get('items', {}))}"
    return str(kind)


def _limits(prop: dict[str, Any]) -> str:
    words = {"minLength": "length ≥ {}", "maxLength": "length ≤ {}", "minimum": "≥ {}", "maximum": "≤ {}",
             "exclusiveMinimum": "> {}", "exclusiveMaximum": "< {}", "pattern": "matches `{}`",
             "maxItems": "≤ {} items", "default": "default `{}`"}
    found = [text.format(json.dumps(prop[key]) if key == "default" else prop[key])
             for key, text in words.items() if key in prop and not (key == "default" and prop[key] is None)]
    return "; ".join(found)


def _fields(doc: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    schema = _resolve(doc, schema)
    props = schema.get("properties", {})
    if not props:
        return []
    required = set(schema.get("required", []))
    rows = ["| field | type | required | notes |", "|---|---|---|---|"]
    for name, prop in props.items():
        notes = "; ".join(x for x in (prop.get("description", ""), _limits(prop)) if x)
        rows.append(f"| `{name}` | {_type(doc, prop)} | {'yes' if name in required else ''} | "
                    f"{notes.replace('|', chr(92) + '|')} |")
    return rows


def _curl(method: str, path: str, op: dict[str, Any]) -> str:
    params = op.get("parameters", [])
    for p in params:
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(p.get("example", f"<{p['name']}>")))
    query = {p["name"]: p["example"] for p in params if p["in"] == "query" and "example" in p}
    url = f"{API}{path}" + (f"?{urlencode(query)}" if query else "")
    quoted = f"'{url}'" if any(c in url for c in "?&<>") else url
    parts = ["curl"] + ([f"-X{method}"] if method != "GET" else []) + [quoted]
    if op.get("security"):
        parts.append('-H "Authorization: Bearer $TOKEN"')
    parts += [f"-H '{name}: {value}'" for name, value in op.get("x-upvend-example-headers", {}).items()]
    body = op.get("requestBody", {}).get("content", {})
    for media_type, content in body.items():
        if "example" in content:
            sample = content["example"]
            text = sample if isinstance(sample, str) else json.dumps(sample, ensure_ascii=False)
            if media_type != "application/json":
                parts.append(f"-H 'Content-Type: {media_type}'")
            parts.append("-d '" + text.replace("'", "'\\''") + "'")
            break
    return " ".join(parts)


def _response_example(op: dict[str, Any]) -> list[str]:
    for media_type, content in op["responses"].get("200", {}).get("content", {}).items():
        if "example" not in content:
            continue
        sample = content["example"]
        if "json" in media_type:
            return ["```json", json.dumps(sample, ensure_ascii=False, indent=2), "```"]
        return ["```" + ("html" if "html" in media_type else ""), str(sample), "```"]
    return ["(no example)"]


def _anchor(method: str, path: str) -> str:
    text = f"{method} {path}".lower()
    return "".join(c for c in text.replace(" ", "-") if c.isalnum() or c in "-_")


def _operation(doc: dict[str, Any], method: str, path: str, op: dict[str, Any]) -> list[str]:
    providers = " and ".join(op.get("x-upvend-providers", []))
    who = "bearer token" if op.get("security") else "no session token"
    summary = op.get("summary", "").rstrip(".")
    out = [f"### {method} {path}", "", f"{summary}. Auth: {who}. Cloud: {providers}.", ""]
    params = [p for p in op.get("parameters", []) if p["in"] in ("path", "query")]
    if params:
        out += ["| parameter | in | type | required | notes |", "|---|---|---|---|---|"]
        out += [f"| `{p['name']}` | {p['in']} | {_type(doc, p['schema'])} | {'yes' if p.get('required') else ''} | "
                f"{_limits(p['schema']).replace('|', chr(92) + '|')} |" for p in params]
        out.append("")
    body = op.get("requestBody", {}).get("content", {})
    if body:
        media_type, content = next(iter(body.items()))
        rows = _fields(doc, content["schema"])
        if rows:
            out += [f"Body ({', '.join(f'`{t}`' for t in body)}):", "", *rows, ""]
    out += ["```sh", _curl(method, path, op), "```", "", "Answer (200):", "", *_response_example(op), ""]
    errors = sorted(s for s in op["responses"] if s[0] in "45")
    if errors:
        out += [f"Errors: {', '.join(errors)} (the error envelope).", ""]
    return out


def render_http_api(doc: dict[str, Any]) -> str:
    """The Markdown text of docs/http-api.md."""
    ops = [(method.upper(), path, op) for path, item in doc["paths"].items() for method, op in item.items()]
    out = ["# HTTP API", "", f"<!-- {REGENERATE} -->", "", _PREAMBLE, "## Routes", "",
           "| route | what | auth |", "|---|---|---|"]
    out += [f"| [`{m} {p}`](#{_anchor(m, p)}) | {op.get('summary', '').rstrip('.')} | "
            f"{'bearer' if op.get('security') else ''} |" for m, p, op in ops]
    out += ["", "## Reference", ""]
    for method, path, op in ops:
        out += _operation(doc, method, path, op)
    return "\n".join(out).rstrip() + "\n"

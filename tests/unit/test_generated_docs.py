"""docs/settings.md and docs/http-api.md say what the code says.

Both files are written by `make docs`; these tests fail when a file differs from what the generator would
write now (a setting or route was added or changed without regenerating), when a declared setting has no
meaning, and when a route lacks an example or its example is one its own models would refuse.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from devtools.docs.generate import generated
from devtools.docs.settings_reference import load_declarations, undocumented
from devtools.gateway.api_examples import EXAMPLES
from devtools.gateway.openapi import openapi_document
from devtools.gateway.registry import REPO, Registry
from devtools.template import load_template

TEMPLATE = load_template(REPO / "template.yaml")
DOCUMENT = openapi_document(Registry(TEMPLATE))
OPERATIONS = [(method.upper(), path, op) for path, item in DOCUMENT["paths"].items() for method, op in item.items()]
GENERATED = generated()


@pytest.mark.parametrize("path", sorted(GENERATED), ids=lambda p: p.name)
def test_the_generated_document_is_up_to_date(path):
    assert path.is_file(), f"{path.relative_to(REPO)} is missing: run `make docs`"
    assert path.read_text(encoding="utf-8") == GENERATED[path], f"{path.relative_to(REPO)} is stale: run `make docs`"


def test_every_declared_setting_has_a_meaning():
    assert undocumented(load_declarations()) == []


def test_the_upload_rule_settings_are_in_the_reference():
    text = GENERATED[REPO / "docs" / "settings.md"]
    for name in ("UPVEND_MAX_IMAGE_BYTES", "UPVEND_MAX_VIDEO_BYTES", "UPVEND_MAX_AUDIO_BYTES",
                 "UPVEND_ALLOWED_EXTENSIONS"):
        row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        assert "`aliyun-oss-post-policy`" in row and "`tencent-cos-sts`" in row, row


def test_the_settings_reference_names_the_functions_whose_environment_carries_each_setting():
    text = GENERATED[REPO / "docs" / "settings.md"]
    row = next(line for line in text.splitlines() if line.startswith("| `UPVEND_TENCENT_VOD_CALLBACK_TOKEN` |"))
    assert "| required | yes |" in row and row.endswith("| `tencent-vod-callback` |"), row
    declared = {s.env_name for s in load_declarations().values()}
    every_env = {e.name for fn in TEMPLATE.functions for e in fn.env if e.name.startswith("UPVEND_")}
    assert every_env <= declared, f"template env names no declared setting: {sorted(every_env - declared)}"


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_route_has_a_request_and_an_answer_example(method, path, op):
    assert (method, path) in EXAMPLES, f"add an example for {method} {path} to devtools/gateway/api_examples.py"
    body = op.get("requestBody", {}).get("content", {})
    if body:
        assert any("example" in content for content in body.values()), f"{method} {path}: no request example"
    for param in op.get("parameters", []):
        if param["in"] == "path" or param.get("required"):
            assert "example" in param, f"{method} {path}: no example for {param['name']}"
    assert any("example" in c for c in op["responses"]["200"]["content"].values()), f"{method} {path}: no answer"


def _routes() -> dict[tuple[str, str], object]:
    return {(r.method.upper(), r.path): r for fn in Registry(TEMPLATE).functions.values() if fn.spec.http
            for r in getattr(fn.handler, "api_routes", ())}


@pytest.mark.parametrize("key", sorted(EXAMPLES), ids=lambda k: f"{k[0]} {k[1]}")
def test_each_example_is_one_its_route_accepts_and_answers(key):
    route = _routes().get(key)
    assert route is not None, f"{key} is an example for no declared route"
    example = EXAMPLES[key]
    if route.request is not None:
        body = example.request
        if isinstance(body, str):
            body = dict(parse_qsl(body, keep_blank_values=True))
            body = {k: v for k, v in body.items() if v != ""}  # OSS fills absent variables with nothing
        route.request.model_validate(body)
    if route.query is not None:
        route.query.model_validate({k: v for k, v in example.params.items()})
    if route.response is not None:
        route.response.model_validate(example.response)
    else:
        assert isinstance(example.response, str) and example.response

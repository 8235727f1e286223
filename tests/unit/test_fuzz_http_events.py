"""Property-based: http_handler and the four event shapes never crash on what a platform could send."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, StrictStr
from starlette.requests import Request

from tests.unit.fuzz_support import (FUZZ, anything, assert_http_answer, header_maps, json_values, module_env,
                                     scalars)
from upvend.auth import authenticate, issue_token
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.http.events import HTTP_EVENT_HANDLERS, MalformedEvent, infer_http_event

SECRET = "fuzz-jwt-secret-0123456789-abcdefgh"


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr


class Saved(BaseModel):
    owner: str
    text: str


async def save(request: Request):
    owner = authenticate(request.headers)
    note = await read_json(request, Note)
    return json_response({"owner": owner, "text": note.text})


HANDLER = http_handler(create_app([ApiRoute("POST", "/notes/{id}", save, "Save a note", request=Note,
                                            response=Saved)]), function="fuzz")


jwt_secret = module_env(UPVEND_JWT_SECRET=SECRET)


def _auth() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=60), st.builds(lambda s: f"Bearer {issue_token(s)[0]}",
                                                             st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)),
                     st.just("Bearer "), st.builds(lambda t: f"Bearer {t}", st.text(max_size=80)))


bodies = st.one_of(st.text(max_size=120), st.builds(json.dumps, json_values), scalars,
                   st.builds(lambda b: base64.b64encode(b).decode(), st.binary(max_size=60)))
paths = st.one_of(st.just("/notes/1"), st.text(max_size=40), st.builds(lambda s: f"/notes/{s}", st.text(max_size=20)))
methods = st.one_of(st.sampled_from(["POST", "GET", "OPTIONS", "HEAD", "DELETE"]), st.text(max_size=8), scalars)


@st.composite
def headers(draw) -> dict:
    h = draw(header_maps)
    if draw(st.booleans()):
        h["Authorization"] = draw(_auth())
    if draw(st.booleans()):
        h["Content-Type"] = draw(st.sampled_from(["application/json", "text/plain", "", "application/octet-stream"]))
    return h


@st.composite
def fc_events(draw) -> dict:
    return {"version": "v1", "rawPath": draw(paths), "body": draw(bodies), "isBase64Encoded": draw(scalars),
            "headers": draw(headers()), "queryParameters": draw(st.one_of(header_maps, scalars)),
            "requestContext": {"requestId": draw(scalars), "http": {"method": draw(methods), "path": draw(paths),
                                                                    "sourceIp": draw(scalars)}}}


@st.composite
def apigw_events(draw) -> dict:
    return {"path": draw(paths), "httpMethod": draw(methods), "headers": draw(headers()),
            "queryParameters": draw(st.one_of(header_maps, scalars)), "pathParameters": draw(json_values),
            "body": draw(bodies), "isBase64Encoded": draw(scalars)}


@st.composite
def scf_url_events(draw) -> dict:
    return {"httpMethod": draw(methods), "path": draw(paths), "headers": draw(headers()), "body": draw(bodies),
            "queryString": draw(st.one_of(header_maps, scalars))}


@st.composite
def scf_apigw_events(draw) -> dict:
    return {"requestContext": {"serviceId": draw(scalars), "sourceIp": draw(scalars)}, "httpMethod": draw(methods),
            "path": draw(paths), "headers": draw(headers()), "body": draw(bodies), "isBase64Encoded": draw(scalars),
            "queryString": draw(st.one_of(header_maps, scalars)), "queryStringParameters": draw(json_values)}


platform_events = st.one_of(fc_events(), apigw_events(), scf_url_events(), scf_apigw_events())


@FUZZ
@given(event=anything)
def test_arbitrary_events_and_bytes_get_an_envelope(event):
    assert_http_answer(HANDLER(event, None))


@FUZZ
@given(event=platform_events, as_bytes=st.booleans())
def test_platform_shaped_events_with_hostile_fields(event, as_bytes):
    payload = json.dumps(event).encode() if as_bytes else event
    assert_http_answer(HANDLER(payload, {"request_id": "r"}))


@FUZZ
@given(event=platform_events)
def test_every_event_class_reads_what_it_claims(event):
    cls = infer_http_event(event)
    if cls is None:
        return
    handler = cls(event, None, None)
    scope = handler.scope
    assert isinstance(scope["path"], str) and isinstance(scope["method"], str)
    try:
        assert isinstance(handler.body, bytes)
    except MalformedEvent as exc:
        assert exc.status == 400 and exc.code == "invalid_event"
    assert all(isinstance(k, bytes) and isinstance(v, bytes) for k, v in scope["headers"])
    assert cls in HTTP_EVENT_HANDLERS


def test_a_valid_request_still_succeeds():
    token = issue_token("o-fuzz")[0]
    event = {"httpMethod": "POST", "path": "/notes/1", "headers": {"authorization": f"Bearer {token}",
                                                                   "content-type": "application/json"},
             "body": json.dumps({"text": "hi"}), "queryString": {}}
    result = HANDLER(event, None)
    assert result["statusCode"] == 200 and json.loads(result["body"]) == {"owner": "o-fuzz", "text": "hi"}

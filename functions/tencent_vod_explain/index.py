"""POST /tencent/vod/signature/explain (local stack only): what a VOD signature says and what is wrong.

The HMAC is checked with the configured VOD key when the signature names its SecretId.
"""

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints
from starlette.requests import Request

from upvend import settings
from upvend.auth import authenticate
from upvend.http import ApiRoute, create_app, http_handler, json_response, read_json
from upvend.tencent.vod_explain import explain_signature
from upvend.tencent.vod_signature import MalformedSignature, decode_signature


class ExplainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signature: Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=8192)]


class ExplainedField(BaseModel):
    name: str
    value: str
    meaning: str
    problem: Optional[str] = None


class Explanation(BaseModel):
    ok: bool
    hmac: Literal["match", "mismatch", "unchecked"]
    problems: list[str]
    original: Optional[str] = None
    fields: list[ExplainedField]


def _signer_id(signature: str) -> str | None:
    try:
        return decode_signature(signature).value("secretId")
    except MalformedSignature:
        return None


async def explain(request: Request):
    authenticate(request.headers)
    body = await read_json(request, ExplainRequest)
    ours = _signer_id(body.signature) == settings.get("TENCENT_VOD_SECRET_ID")
    result = explain_signature(body.signature, settings.get("TENCENT_VOD_SECRET_KEY") if ours else None)
    if not ours and result.original is not None:
        result.problems.append("secretId: not the key this server signs with, so the HMAC cannot be checked")
    return json_response(result.to_dict())


app = create_app([ApiRoute("POST", "/tencent/vod/signature/explain", explain, "What a VOD signature says and what is wrong",
                           request=ExplainRequest, response=Explanation)])
handler = main_handler = http_handler(app, function="tencent-vod-explain")

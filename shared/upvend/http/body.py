"""Reading request bodies into pydantic models at the edge."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from upvend.errors import InvalidJson, PayloadTooLarge, ValidationFailed
from upvend.json_input import loads_untrusted

Model = TypeVar("Model", bound=BaseModel)
MAX_JSON_BYTES = 64 * 1024


def validation_details(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as [{field, message}] without echoing input values."""
    return [{"field": ".".join(str(p) for p in err["loc"]) or "(body)", "message": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False)]


def parse_model(model: type[Model], data: Any) -> Model:
    """Validate plain data into `model`, or raise ValidationFailed naming the fields."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = validation_details(exc)
        fields = ", ".join(d["field"] for d in details)
        raise ValidationFailed(f"Invalid field(s): {fields}.", details=details) from None


async def read_json(request: Request, model: type[Model]) -> Model:
    """Parse the body as a JSON object into `model`; an empty body counts as `{}`."""
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"The JSON body exceeds {MAX_JSON_BYTES} bytes.")
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = loads_untrusted(raw)
        except ValueError:
            raise InvalidJson() from None
    if not isinstance(data, dict):
        raise ValidationFailed("The request body must be a JSON object.",
                               details=[{"field": "(body)", "message": "must be a JSON object"}])
    return parse_model(model, data)

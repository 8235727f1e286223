"""COS error answers: the XML `<Error>` body with the HTTP status and code COS uses."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

from starlette.responses import Response


class CosError(Exception):
    """A COS error: HTTP status, COS error code (e.g. NoSuchUpload), message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def cos_error_response(error: CosError, resource: str) -> Response:
    body = (f"<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>{escape(error.code)}</Code>"
            f"<Message>{escape(error.message)}</Message><Resource>{escape(resource)}</Resource>"
            f"<RequestId>{uuid.uuid4().hex}</RequestId></Error>")
    return Response(body, status_code=error.status, media_type="application/xml",
                    headers={"x-cos-request-id": uuid.uuid4().hex})

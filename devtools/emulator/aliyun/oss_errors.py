"""OSS error answers: XML `<Error>` bodies with the request id, as the SDKs parse them."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

from starlette.responses import Response


class OssError(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def response(self) -> Response:
        request_id = uuid.uuid4().hex[:24].upper()
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>'
                f"<Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
                f"<RequestId>{request_id}</RequestId><HostId>oss.emulator</HostId></Error>")
        return Response(body, status_code=self.status, media_type="application/xml",
                        headers={"x-oss-request-id": request_id})

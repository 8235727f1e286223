"""What the vendors' web-framework samples do: turn the platform event into an API Gateway event for Mangum."""

import base64
import json


def as_api_gateway(event):
    if isinstance(event, (bytes, str)):
        event = json.loads(event)
    http = (event.get("requestContext") or {}).get("http") or {}
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return {"resource": "/{proxy+}", "path": http.get("path") or event.get("path") or "/",
            "httpMethod": http.get("method") or event.get("httpMethod") or "GET",
            "headers": event.get("headers") or {}, "multiValueHeaders": {},
            "queryStringParameters": None, "multiValueQueryStringParameters": None, "body": body,
            "isBase64Encoded": False, "requestContext": {"stage": "release", "requestId": "bench",
                                                         "identity": {"sourceIp": "127.0.0.1"}}}

"""Typed errors that carry their HTTP status and a machine-readable code."""

from __future__ import annotations

from typing import Any, Mapping


class UpvendError(Exception):
    """Base class: every error a client may see is one of these."""

    status = 500
    code = "internal_error"
    default_message = "Internal error."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details
        self.headers = dict(headers or {})
        super().__init__(self.message)

    def to_body(self, request_id: str | None) -> dict[str, Any]:
        """The JSON error envelope every function answers with."""
        error: dict[str, Any] = {"code": self.code, "message": self.message, "requestId": request_id}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class BadRequest(UpvendError):
    status, code, default_message = 400, "bad_request", "The request is malformed."


class InvalidJson(BadRequest):
    code, default_message = "invalid_json", "The request body is not valid JSON."


class ValidationFailed(BadRequest):
    code, default_message = "validation_error", "The request failed validation."


class Unauthorized(UpvendError):
    status, code, default_message = 401, "unauthorized", "Authentication is required."

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        headers = kwargs.pop("headers", None) or {"WWW-Authenticate": 'Bearer realm="upvend"'}
        super().__init__(message, headers=headers, **kwargs)


class Forbidden(UpvendError):
    status, code, default_message = 403, "forbidden", "This action is not allowed."


class NotFound(UpvendError):
    status, code, default_message = 404, "not_found", "No such resource."


class MethodNotAllowed(UpvendError):
    status, code, default_message = 405, "method_not_allowed", "Method not allowed."


class Conflict(UpvendError):
    status, code, default_message = 409, "conflict", "The request conflicts with the current state."


class PayloadTooLarge(UpvendError):
    status, code, default_message = 413, "payload_too_large", "The request body is too large."


class RateLimited(UpvendError):
    status, code, default_message = 429, "rate_limited", "Too many requests; retry later."


class ConfigurationError(UpvendError):
    status, code, default_message = 500, "configuration_error", "The function is misconfigured."


class UpstreamError(UpvendError):
    status, code, default_message = 502, "upstream_error", "An upstream service failed."


class UpstreamUnavailable(UpvendError):
    status, code, default_message = 503, "upstream_unavailable", "An upstream service is unavailable."


class StorageUnavailable(UpvendError):
    status, code, default_message = 503, "storage_unavailable", "The database is unavailable."

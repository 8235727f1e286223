"""HTTP plumbing shared by every HTTP function."""

from upvend.http.api import ApiRoute, ErrorEnvelope
from upvend.http.app import create_app, error_response, json_response
from upvend.http.body import parse_model, read_json
from upvend.http.entry import http_handler

__all__ = ["ApiRoute", "ErrorEnvelope", "create_app", "error_response", "http_handler", "json_response", "parse_model", "read_json"]

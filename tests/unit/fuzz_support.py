"""Strategies and assertions shared by the property-based robustness tests."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import pytest

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from upvend.errors import UpvendError

# Bounded so the whole robustness suite stays within seconds.
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                           max_leaves=20)
anything = st.one_of(json_values, st.binary(max_size=200), st.text(max_size=200))
header_maps = st.dictionaries(st.text(max_size=20), st.one_of(st.text(max_size=60), st.integers(), st.none(),
                                                              st.lists(st.text(max_size=10), max_size=3)),
                              max_size=6)


def client_error_or(call: Callable[[], Any]) -> Any:
    """Run `call`; an error must be a typed UpvendError with a 4xx status. Returns the result or the error."""
    try:
        return call()
    except UpvendError as exc:
        assert 400 <= exc.status < 500, f"{type(exc).__name__} {exc.status}: {exc.message}"
        envelope = exc.to_body("r-1")
        assert envelope["error"]["code"] and envelope["error"]["message"]
        return exc


def assert_http_answer(result: Any) -> None:
    """A handler answer in the platform shape; errors in the JSON envelope; never 5xx."""
    assert isinstance(result, dict) and isinstance(result.get("statusCode"), int), result
    assert result["statusCode"] < 500, result
    if result["statusCode"] >= 400:
        assert result["headers"]["content-type"].startswith("application/json")
        body = json.loads(result["body"])
        assert set(body) == {"error"} and {"code", "message", "requestId"} <= set(body["error"])


def module_env(**variables: str) -> Callable[[], Iterator[None]]:
    """An autouse module fixture setting UPVEND_* variables (hypothesis tests cannot use `monkeypatch`)."""

    @pytest.fixture(autouse=True, scope="module")
    def _env() -> Iterator[None]:
        patch = pytest.MonkeyPatch()
        for name, value in variables.items():
            patch.setenv(name, value)
        yield
        patch.undo()

    return _env

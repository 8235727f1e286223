"""RAM policy evaluation for session policies: explicit Deny wins, else some Allow must match."""

from __future__ import annotations

import json
import re
from typing import Any


class PolicyGrammarError(ValueError):
    """Not a RAM policy document (STS answers InvalidParameter.PolicyGrammar)."""


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    # RAM wildcards: `*` any run, `?` one character (no character classes, unlike fnmatch).
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.IGNORECASE if ignore_case else 0) is not None


def parse_policy(text: str) -> dict[str, Any]:
    """Parse and check the grammar of a policy document."""
    try:
        doc = json.loads(text)
    except ValueError:
        raise PolicyGrammarError("policy is not JSON") from None
    if not isinstance(doc, dict) or doc.get("Version") != "1" or not isinstance(doc.get("Statement"), list):
        raise PolicyGrammarError("policy needs Version \"1\" and a Statement list")
    for st in doc["Statement"]:
        if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
            raise PolicyGrammarError("each statement needs Effect Allow or Deny")
        if not _as_list(st.get("Action")) or not _as_list(st.get("Resource")):
            raise PolicyGrammarError("each statement needs Action and Resource")
    return doc


_STRING = {"StringEquals": lambda v, w: v == w, "StringNotEquals": lambda v, w: v != w,
           "StringEqualsIgnoreCase": lambda v, w: v.lower() == w.lower(),
           "StringNotEqualsIgnoreCase": lambda v, w: v.lower() != w.lower(),
           "StringLike": lambda v, w: _matches(w, v), "StringNotLike": lambda v, w: not _matches(w, v),
           "Bool": lambda v, w: v.lower() == w.lower()}
_NUMERIC = {"NumericEquals": lambda v, w: v == w, "NumericNotEquals": lambda v, w: v != w,
            "NumericLessThan": lambda v, w: v < w, "NumericLessThanEquals": lambda v, w: v <= w,
            "NumericGreaterThan": lambda v, w: v > w, "NumericGreaterThanEquals": lambda v, w: v >= w}
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals"}


def condition_holds(condition: Any, context: dict[str, str]) -> bool:
    """Whether a RAM `Condition` holds for the request's condition keys (blocks ANDed, values ORed).

    A key the request does not carry, or an operator the emulator does not know,
    fails the condition: a statement is never applied more widely than in the cloud.
    """
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    keys = {k.lower(): v for k, v in context.items()}
    for operator, tests in condition.items():
        compare = _STRING.get(operator) or _NUMERIC.get(operator)
        if compare is None or not isinstance(tests, dict):
            return False
        for key, expected in tests.items():
            value = keys.get(str(key).lower())
            if value is None:
                return False
            try:
                pairs = [(float(value), float(w)) if operator in _NUMERIC else (str(value), str(w))
                         for w in _as_list(expected) if not isinstance(w, (dict, list))]
            except ValueError:
                return False
            checks = [compare(v, w) for v, w in pairs]
            held = (bool(checks) and all(checks)) if operator in _NEGATED else any(checks)
            if not held:
                return False
    return True


def allows(policy: dict[str, Any] | None, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether `policy` grants `action` on `resource` (None = no session policy = the role's rights)."""
    if policy is None:
        return True
    verdict = False
    for st in policy["Statement"]:
        hit = (any(_matches(a, action, ignore_case=True) for a in _as_list(st["Action"]))
               and any(_matches(r, resource) for r in _as_list(st["Resource"]))
               and condition_holds(st.get("Condition"), context or {}))
        if hit and st["Effect"] == "Deny":
            return False
        verdict = verdict or hit
    return verdict

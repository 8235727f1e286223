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


def allows(policy: dict[str, Any] | None, action: str, resource: str) -> bool:
    """Whether `policy` grants `action` on `resource` (None = no session policy = the role's rights)."""
    if policy is None:
        return True
    verdict = False
    for st in policy["Statement"]:
        hit = (any(_matches(a, action, ignore_case=True) for a in _as_list(st["Action"]))
               and any(_matches(r, resource) for r in _as_list(st["Resource"])))
        if hit and st["Effect"] == "Deny":
            return False
        verdict = verdict or hit
    return verdict

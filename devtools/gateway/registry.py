"""Loads the functions declared in template.yaml and finds the one for a request."""

from __future__ import annotations

import importlib.util
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from devtools.template import Function, Template

REPO = Path(__file__).resolve().parents[2]


def ensure_layer_on_path(repo: Path = REPO) -> None:
    """Functions import `upvend` from the layer, as they do at /opt/python or /opt."""
    layer = str(repo / "shared")
    if layer not in sys.path:
        sys.path.insert(0, layer)


@dataclass
class LoadedFunction:
    spec: Function
    repo: Path
    _handler: Callable[[Any, Any], Any] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def handler(self) -> Callable[[Any, Any], Any]:
        """Import the function module on first use (like a cold start) and return its handler."""
        with self._lock:
            if self._handler is None:
                ensure_layer_on_path(self.repo)
                path = self.repo / self.spec.folder / f"{self.spec.module}.py"
                name = f"upvend_fn_{self.spec.folder.split('/')[-1]}_{self.spec.module}"
                module = sys.modules.get(name)
                if module is None:
                    spec = importlib.util.spec_from_file_location(name, path)
                    assert spec and spec.loader
                    module = importlib.util.module_from_spec(spec)
                    sys.modules[name] = module
                    spec.loader.exec_module(module)
                self._handler = getattr(module, self.spec.attribute)
            return self._handler


@dataclass
class RouteMatch:
    function: LoadedFunction
    path_params: dict[str, str]


class Registry:
    """Every function of the template, with lookups by route and by name."""

    def __init__(self, template: Template, repo: Path = REPO, prefer: str = "aliyun") -> None:
        self.template = template
        self.prefer = prefer
        self.functions = {fn.name: LoadedFunction(fn, repo) for fn in template.functions}
        self._routes = [(route.method, route.pattern(), self.functions[fn.name])
                        for fn in template.functions for route in fn.http]

    def match(self, method: str, path: str, provider: str | None = None) -> RouteMatch | None:
        """The function serving `method path`; with both providers declared, `provider` (or the
        preferred one) wins. OPTIONS matches any method so CORS preflights reach the function."""
        found: list[RouteMatch] = []
        for route_method, pattern, fn in self._routes:
            m = pattern.match(path)
            if m and (route_method == method or method == "OPTIONS"
                      or (method == "HEAD" and route_method == "GET")):
                found.append(RouteMatch(fn, m.groupdict()))
        if provider:
            found = [f for f in found if f.function.spec.provider == provider]
        found.sort(key=lambda f: f.function.spec.provider != self.prefer)
        return found[0] if found else None

    def path_exists(self, path: str) -> bool:
        return any(pattern.match(path) for _, pattern, _ in self._routes)

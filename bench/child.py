"""Runs in a fresh interpreter: import one handler, call it once with a prepared event, report timings.

Only the standard library is imported before the clock starts, so what is
measured is the function's own import and its first invocation.
"""

import json
import resource
import sys
import time


def peak_rss_mb() -> float:
    """VmHWM of this process image (ru_maxrss would carry the forking parent's peak across exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class FcContext:
    def __init__(self, request_id: str, name: str) -> None:
        self.request_id = request_id
        self.function = type("FunctionMeta", (), {"name": name})()


def main() -> None:
    module_path, attribute, layer, event_path, provider, name = sys.argv[1:7]
    with open(event_path, "rb") as fh:
        raw = fh.read()
    event = raw if provider == "aliyun" else json.loads(raw)
    context = FcContext("bench", name) if provider == "aliyun" else {"request_id": "bench", "function_name": name}
    if layer:
        sys.path.insert(0, layer)
    import importlib.util

    started = time.perf_counter()
    spec = importlib.util.spec_from_file_location("index", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    imported = time.perf_counter()
    result = getattr(module, attribute)(event, context)
    answered = time.perf_counter()
    status = result.get("statusCode") if isinstance(result, dict) else None
    sys.stdout.write("\nBENCH " + json.dumps({
        "import_ms": (imported - started) * 1000, "first_call_ms": (answered - imported) * 1000,
        "total_ms": (answered - started) * 1000, "status": status,
        "peak_rss_mb": peak_rss_mb(),
        "has_cryptography": "cryptography" in sys.modules}) + "\n")


if __name__ == "__main__":
    main()

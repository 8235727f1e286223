"""Runs as the platform's bootstrap in a fresh interpreter: import one handler from the import path the
platform sets, answer a prepared event, and write timings to a result file (stdout is the log sink).

`cold RESULT EVENT PROVIDER NAME MODULE ATTRIBUTE`: one answer; the time it was given is the point the
parent measures to from the moment it spawned this process.
`warm RESULT EVENT PROVIDER NAME MODULE ATTRIBUTE CALLS`: one cold answer, then CALLS timed answers, then
CALLS request log lines written alone through the function's own logger.
Standard library only, valid on Python 3.10.
"""

import importlib
import json
import sys
import time

STARTED = time.perf_counter()


def peak_rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class FcContext:
    """What FC 3.0 passes as the context: a request id and the function's name."""

    def __init__(self, request_id, name):
        self.request_id = request_id
        self.function = type("FunctionMeta", (), {"name": name})()


def _quantiles(samples):
    ordered = sorted(samples)
    at = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50_us": at(0.5) * 1e6, "p99_us": at(0.99) * 1e6, "mean_us": sum(ordered) / len(ordered) * 1e6,
            "calls": len(ordered)}


def _log_line_cost(calls):
    import logging

    log = logging.getLogger("upvend.http")  # the logger that writes the one line a request writes
    if not log.isEnabledFor(logging.INFO):
        return None
    samples = []
    clock = time.perf_counter
    for _ in range(calls):
        begun = clock()
        log.info("request", extra={"status": 200, "durationMs": 0.12})
        samples.append(clock() - begun)
    return _quantiles(samples)


def main():
    mode, result_path, event_path, provider, name, module_name, attribute = sys.argv[1:8]
    with open(event_path, "rb") as fh:
        raw = fh.read()
    event = raw if provider == "aliyun" else json.loads(raw)
    context = FcContext("bench", name) if provider == "aliyun" else {"request_id": "bench", "function_name": name}
    handler = getattr(importlib.import_module(module_name), attribute)
    imported = time.perf_counter()
    answer = handler(event, context)
    answered = time.perf_counter()
    out = {"started": STARTED, "imported": imported, "answered": answered,
           "status": answer.get("statusCode") if isinstance(answer, dict) else None,
           "peak_rss_mib": peak_rss_mib(), "python": sys.version.split()[0],
           "has_cryptography": "cryptography" in sys.modules, "has_pydantic": "pydantic" in sys.modules}
    if mode == "warm":
        calls = int(sys.argv[8])
        samples, statuses = [], set()
        clock = time.perf_counter
        for _ in range(calls):
            begun = clock()
            statuses.add(handler(event, context).get("statusCode"))
            samples.append(clock() - begun)
        out["warm"] = _quantiles(samples)
        out["warm"]["statuses"] = sorted(statuses)
        out["log_line"] = _log_line_cost(calls)
    with open(result_path, "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()

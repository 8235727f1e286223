"""Many warm instances, one database: connections held, failed first tries, notices lost, rows exact.

N forked processes are N warm instances (each has served one of its notices before the clock starts),
each with its own connection pool, running the real
handlers: the Aliyun VOD callback (FC HTTP event, signed), the OSS upload callback (FC HTTP event,
signed with the emulated OSS's key), the OSS trigger (FC) and the COS trigger (SCF). Deliveries arrive at a fixed total rate with 30 % duplicates and a few hot videos
that many notices update at once; each failed delivery is retried by its sender's rule:
- Aliyun VOD callback: a 200 within 5 s, else 2 retries 1 s apart, then dropped;
- OSS upload callback: a 200 within 5 s, never retried;
- FC asynchronous invocation (OSS trigger): 3 retries (default maxAsyncRetryAttempts);
- SCF asynchronous invocation (COS trigger): 2 retries.
Connections are counted on the server under a dedicated user while the run lasts.
"""

from __future__ import annotations

import heapq
import importlib.util
import json
import logging
import multiprocessing
import os
import random
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.environment import overridden
from bench.vod_videos import create_videos, emulated_aliyun
from devtools.emulator.aliyun.config import ALIYUN_DEV
from devtools.gateway.events import IncomingRequest, fc_http_event

REPO = Path(__file__).resolve().parents[1]
BENCH_USER = "upvend_bench"
VOD_URL = "https://bench.example/aliyun/vod/callback"
VOD_KEY = "BenchOnlyVodCallbackKey000"
OSS_CALLBACK_URL = "https://bench.example/aliyun/oss/callback"
OSS_BINDING_KEY = "BenchOnlyOssCallbackBindingKey-000000"
BUCKET, COS_BUCKET = ALIYUN_DEV.oss_bucket, "upvend-bench-1250000000"  # BUCKET: the emulator's OSS bucket
HOT_VIDEOS = 3
INSTANCE_NICENESS = 10


@dataclass(frozen=True)
class Rule:
    attempts: int
    delays: tuple[float, ...]
    answer_within: float | None = None


RULES = {"vod-callback": Rule(3, (1.0, 1.0), 5.0), "oss-callback": Rule(1, (), 5.0),
         "oss-trigger": Rule(4, (1.0, 2.0, 4.0)), "cos-trigger": Rule(3, (1.0, 2.0))}


def _load(folder: str, attribute: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{folder}", REPO / "functions" / folder / "index.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return getattr(module, attribute)


def plan(total: int, duration: float, seed: int = 18,
         video_ids: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """`total` deliveries over `duration` s: 30 % redeliveries, 40 % of the VOD events on 3 hot videos.

    `video_ids` maps the plan's video names to the VideoIds VOD gave them (see `video_names`)."""
    rng = random.Random(seed)
    unique: list[dict[str, Any]] = []
    for i in range(int(total * 0.7)):
        kind = tuple(RULES)[i % len(RULES)]
        if kind == "vod-callback" and rng.random() < 0.4:
            unique.append({"id": i, "kind": kind, "video": f"hot{i % HOT_VIDEOS:02d}", "snapshot": i})
        else:
            unique.append({"id": i, "kind": kind, "video": f"v{i:07d}"})
    for d in unique:
        if d["kind"] == "vod-callback" and video_ids is not None:
            d["video"] = video_ids[d["video"]]
    for d in unique:  # one payload per notice: a redelivery is the same event again
        d["event"] = {"vod-callback": _vod_body, "oss-callback": _oss_callback_body}.get(d["kind"], _trigger_event)(d)
    deliveries = unique + [rng.choice(unique) for _ in range(total - len(unique))]
    rng.shuffle(deliveries)
    return [{**d, "at": duration * n / max(1, len(deliveries))} for n, d in enumerate(deliveries)]


def video_names(total: int, duration: float) -> list[str]:
    """The videos a plan's VOD callbacks name (each must exist in VOD: the callback function reads it back)."""
    return sorted({d["video"] for d in plan(total, duration) if d["kind"] == "vod-callback"})


def _vod_body(d: dict[str, Any]) -> bytes:
    stamp = "2026-11-28T00:00:00Z"
    if "snapshot" in d:
        body = {"EventType": "SnapshotComplete", "EventTime": stamp, "VideoId": d["video"], "Status": "success",
                "CoverUrl": f"https://cdn.example/{d['video']}/{d['snapshot']}.jpg",
                "SnapshotInfos": [{"Status": "success", "JobId": f"job{d['snapshot']:08d}"}]}
    else:
        body = {"EventType": "FileUploadComplete", "EventTime": stamp, "VideoId": d["video"], "Status": "success",
                "Size": 1000 + d["id"], "FileUrl": f"https://cdn.example/{d['video']}.mp4"}
    return json.dumps(body).encode()


def _vod_event(d: dict[str, Any]) -> bytes:
    """The signed FC HTTP event of one send (VOD signs every attempt with its time)."""
    from upvend.notices.aliyun_vod import vod_signature

    stamp = str(int(time.time()))
    headers = [("content-type", "application/json"), ("x-vod-timestamp", stamp),
               ("x-vod-signature", vod_signature(VOD_URL, stamp, VOD_KEY))]
    return fc_http_event(IncomingRequest("POST", "/aliyun/vod/callback", [], headers, d["event"],
                                         "127.0.0.1", "bench.example"), uuid.uuid4().hex)


def _oss_callback_body(d: dict[str, Any]) -> bytes:
    """What OSS POSTs for an upload the post-policy function pinned (its binding made with the bench's key)."""
    from urllib.parse import urlencode

    from upvend.aliyun.callback_binding import callback_binding

    key, owner = object_key(d), object_key(d).split("/")[1]
    return urlencode({"bucket": BUCKET, "object": key, "etag": f"{d['id']:032X}", "size": str(1000 + d["id"]),
                      "mimeType": "video/mp4", "uid": owner,
                      "binding": callback_binding(BUCKET, key, owner, OSS_BINDING_KEY.encode())}).encode()


def sign_oss_callbacks(deliveries: list[dict[str, Any]], signer: Any) -> None:
    """OSS's two signature headers on each upload callback (made once: OSS signs no time)."""
    for d in deliveries:
        if d["kind"] == "oss-callback" and "headers" not in d:
            d["headers"] = signer.sign(OSS_CALLBACK_URL, d["event"])


def _oss_callback_event(d: dict[str, Any]) -> bytes:
    headers = [("content-type", "application/x-www-form-urlencoded"), *d["headers"].items()]
    return fc_http_event(IncomingRequest("POST", "/aliyun/oss/callback", [], headers, d["event"],
                                         "127.0.0.1", "bench.example"), uuid.uuid4().hex)


def object_key(d: dict[str, Any]) -> str:
    return f"uploads/o-bench-{d['id'] % 50}/2026/11/{d['id']:08x}.mp4"


def oss_objects(total: int, duration: float) -> list[tuple[str, int]]:
    """(key, size) of every object the OSS-trigger deliveries of `plan` name: the trigger reads each one's
    Content-Type with HeadObject, so they must exist in the emulator's bucket."""
    return sorted({(object_key(d), 1000 + d["id"]) for d in plan(total, duration) if d["kind"] == "oss-trigger"})


def _trigger_event(d: dict[str, Any]) -> Any:
    from devtools.emulator.notices.storage_triggers import cos_trigger_event, oss_trigger_event

    key = object_key(d)
    obj = SimpleNamespace(bucket=BUCKET if d["kind"] == "oss-trigger" else COS_BUCKET, key=key, size=1000 + d["id"],
                          etag=f"{d['id']:032x}", content_type="video/mp4", metadata={})
    if d["kind"] == "oss-trigger":
        return json.dumps(oss_trigger_event(obj, "ObjectCreated:PutObject", "cn-shanghai")).encode()
    return cos_trigger_event(obj, "cos:ObjectCreated:Put", "ap-guangzhou", "AKIDbench", "tencent-cos-trigger")


class _ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message == "database error":
            key = f"{getattr(record, 'dbFailure', '?')} {getattr(record, 'dbErrorCode', None)}"
        elif record.name.startswith("upvend"):
            key = f"{record.name}: {message} {getattr(record, 'reason', '') or getattr(record, 'aliyunCode', '') or ''}"
            key = key.rstrip()
        else:
            return
        self.counts[key] = self.counts.get(key, 0) + 1


def _deliver(handlers: dict[str, Any], d: dict[str, Any]) -> tuple[bool, bool]:
    """Send one notice to its handler: (acknowledged, answered 'ignored')."""
    try:
        if d["kind"] in ("vod-callback", "oss-callback"):
            event = _vod_event(d) if d["kind"] == "vod-callback" else _oss_callback_event(d)
            result = handlers[d["kind"]](event, {"request_id": uuid.uuid4().hex})
            ok = result.get("statusCode") == 200
            return ok, ok and json.loads(result.get("body") or "{}").get("status") == "ignored"
        context = {"request_id": uuid.uuid4().hex, "time_limit_in_ms": 30_000}
        return handlers[d["kind"]](d["event"], context).get("status") == "ok", False
    except Exception:
        return False, False


def _instance(deliveries: list[dict[str, Any]], handlers: dict[str, Any], ready: Any, go: Any, start_at: Any,
              out: Any) -> None:
    """One warm instance: deliveries in time order (queued while busy), its senders' retries included.

    Warm means it has served a notice: its first one, before the clock starts (the timed run sends it
    again, as a redelivery), so the lazy SDK imports, the kept connections and the first model builds are
    behind it, as on a platform that keeps instances warm."""
    # On a platform the clouds and the database run on other machines; here they share two cores with
    # hundreds of instances, so the instances yield the CPU to them.
    os.nice(INSTANCE_NICENESS)
    if deliveries:
        _deliver(handlers, deliveries[0])
    ready.release()
    go.wait()
    start, cpu = start_at.value, time.process_time()
    from upvend.logs import configure

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    # Each request's log line is made at the configured level (INFO by default), as on the platform, and
    # written to a sink rather than the terminal; warnings are also counted by reason.
    configure(open(os.devnull, "w"))  # noqa: SIM115 - open for the process's life
    errors = _ErrorCount()
    root.addHandler(errors)
    logging.getLogger("upvend.storage").propagate = True
    stats: dict[str, dict[str, int]] = {k: {"sent": 0, "first_failed": 0, "lost": 0, "late": 0, "ignored": 0} for k in RULES}
    acknowledged: list[int] = []
    queue = [(d["at"], n, d, 1) for n, d in enumerate(deliveries)]
    heapq.heapify(queue)
    seq = len(queue)
    slowest = 0.0
    answers: list[tuple[float, float]] = []  # (sent at, answered after) of each first try, for the timeline
    while queue:
        at, _, d, attempt = heapq.heappop(queue)
        wait = start + at - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        kind, rule = d["kind"], RULES[d["kind"]]
        ok, ignored = _deliver(handlers, d)
        if ignored:
            stats[kind]["ignored"] += 1  # every bench notice names real media: VOD should confirm it
        answered = time.monotonic() - (start + at)  # from when the sender sent it: queueing counts
        slowest = max(slowest, answered)
        if attempt == 1:
            answers.append((round(at, 3), round(answered, 3)))
        if ok and rule.answer_within is not None and answered > rule.answer_within:
            ok = False  # recorded, but the sender gave up waiting and will send it again
            if attempt == 1:
                stats[kind]["late"] += 1
        if attempt == 1:
            stats[kind]["sent"] += 1
        if ok:
            acknowledged.append(d["id"])
            continue
        if attempt == 1:
            stats[kind]["first_failed"] += 1
        if attempt < rule.attempts:
            seq += 1
            heapq.heappush(queue, (max(at + answered, time.monotonic() - start) + rule.delays[attempt - 1], seq, d,
                                   attempt + 1))
        else:
            stats[kind]["lost"] += 1
    out.put({"stats": stats, "acknowledged": acknowledged, "errors": errors.counts, "slowest": slowest,
             "answers": answers, "cpu_s": time.process_time() - cpu})


def _server_connections(admin_url: str, stop: threading.Event, peak: list[int]) -> None:
    from upvend.storage.database import Database, DatabaseUrl

    db = Database(admin_url)
    conn = db.dialect.connect(DatabaseUrl.parse(admin_url), 3.0)
    sql = ("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = %s" if db.url.scheme == "mysql"
           else "SELECT count(*) FROM pg_stat_activity WHERE usename = %s")
    try:
        while not stop.is_set():
            cursor = conn.cursor()
            cursor.execute(sql, (BENCH_USER,))
            peak[0] = max(peak[0], int(cursor.fetchone()[0]))
            cursor.close()
            stop.wait(0.1)
    finally:
        conn.close()


def ensure_bench_user(admin_url: str) -> None:
    """A database user only the bench's instances use, so the server can count their connections."""
    from upvend.storage.database import Database, DatabaseUrl

    db = Database(admin_url)
    conn = db.dialect.connect(DatabaseUrl.parse(admin_url), 3.0)
    try:
        cursor = conn.cursor()
        if db.url.scheme == "mysql":
            for host in ("%", "localhost", "127.0.0.1"):
                cursor.execute(f"CREATE USER IF NOT EXISTS '{BENCH_USER}'@'{host}'")
                cursor.execute(f"GRANT ALL ON `{db.url.database}`.* TO '{BENCH_USER}'@'{host}'")
        else:
            cursor.execute(f"DO $$ BEGIN CREATE ROLE {BENCH_USER} LOGIN; "
                           "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {BENCH_USER}")
        cursor.close()
    finally:
        conn.close()


def bench_url(admin_url: str, prefix: str, port: int | None = None) -> str:
    from upvend.storage.database import DatabaseUrl

    u = DatabaseUrl.parse(admin_url)
    return f"{u.scheme}://{BENCH_USER}@127.0.0.1:{port or u.port}/{u.database}?table_prefix={prefix}"


def run(url: str, admin_url: str, *, instances: dict[str, int], total: int, duration: float) -> dict[str, Any]:
    """One configuration: `instances[function]` warm processes per function, `total` notices over `duration` s."""
    with emulated_aliyun(oss_objects(total, duration)) as (cloud_settings, emulator):
        env = {**cloud_settings, "UPVEND_DATABASE_URL": url, "UPVEND_DATABASE_CONNECTIONS": "1",
               "UPVEND_ALIYUN_VOD_CALLBACK_URL": VOD_URL, "UPVEND_ALIYUN_VOD_CALLBACK_KEY": VOD_KEY,
               "UPVEND_UPLOAD_PREFIX": "uploads", "UPVEND_ALIYUN_OSS_CALLBACK_KEY": OSS_BINDING_KEY,
               "UPVEND_ALIYUN_OSS_CALLBACK_BUCKETS": BUCKET}
        with overridden(env):
            return _run(url, admin_url, instances, total, duration, emulator.service("oss-callback-key"))


def _run(url: str, admin_url: str, instances: dict[str, int], total: int, duration: float,
         oss_signer: Any) -> dict[str, Any]:
    from upvend.storage.database import Database

    Database(url).ready()
    handlers = {"vod-callback": _load("aliyun_vod_callback", "handler"),
                "oss-callback": _load("aliyun_oss_callback", "handler"),
                "oss-trigger": _load("aliyun_oss_trigger", "handler"),
                "cos-trigger": _load("tencent_cos_trigger", "main_handler")}
    deliveries = plan(total, duration, video_ids=create_videos(video_names(total, duration)))
    sign_oss_callbacks(deliveries, oss_signer)
    # Each function has its own instances; the platform hands a delivery to any of them.
    shares = {kind: [[] for _ in range(count)] for kind, count in instances.items()}
    rng = random.Random(7)
    for d in deliveries:
        pool = shares[d["kind"]]
        pool[rng.randrange(len(pool))].append(d)
    everyone = [share for pools in shares.values() for share in pools]
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    ready, go, start_at = ctx.Semaphore(0), ctx.Event(), ctx.Value("d", 0.0)
    procs = [ctx.Process(target=_instance, args=(share, handlers, ready, go, start_at, out), daemon=True)
             for share in everyone]
    for p in procs:
        p.start()
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_server_connections, args=(admin_url, stop, peak), daemon=True)
    sampler.start()
    for _ in procs:  # every instance warm before the first send
        if not ready.acquire(timeout=300):
            raise RuntimeError("an instance did not get warm within 300 s")
    start_at.value = time.monotonic() + 0.5
    go.set()
    cpu = time.process_time()
    reports = [out.get(timeout=duration + 120) for _ in procs]
    clouds_cpu = time.process_time() - cpu  # this process: the emulated VOD's thread, mostly
    for p in procs:
        p.join(10)
    stop.set()
    sampler.join(5)
    summary = _summary(url, deliveries, reports, len(everyone), peak[0])
    summary["cpu_s"] = {"instances": round(sum(r["cpu_s"] for r in reports), 2), "emulated_vod": round(clouds_cpu, 2)}
    return summary


def _summary(url: str, deliveries: list[dict[str, Any]], reports: list[dict[str, Any]], instances: int,
             peak: int) -> dict[str, Any]:
    from upvend.storage.database import Database

    stats = {k: {"sent": 0, "first_failed": 0, "lost": 0, "late": 0, "ignored": 0} for k in RULES}
    errors: dict[str, int] = {}
    acknowledged: set[int] = set()
    for r in reports:
        for kind, s in r["stats"].items():
            for key, value in s.items():
                stats[kind][key] += value
        for key, value in r["errors"].items():
            errors[key] = errors.get(key, 0) + value
        acknowledged.update(r["acknowledged"])
    unique = {d["id"]: d for d in deliveries}
    db = Database(url)
    events = int(db.query("SELECT COUNT(*) AS n FROM {events}")[0]["n"])
    media = int(db.query("SELECT COUNT(*) AS n FROM {media}")[0]["n"])
    everything = {(d["kind"], d["video"]) if d["kind"] == "vod-callback" else (d["kind"], d["id"])
                  for d in unique.values()}
    db.pool.close_all()
    lost = sum(s["lost"] for s in stats.values())
    # Exact: one event row per notice (never two: the dedupe key), a row per object; with nothing lost, all of them.
    exact = (events == len(unique) and media == len(everything)) if not lost else \
        len(acknowledged) <= events <= len(unique)
    return {"instances": instances, "deliveries": len(deliveries), "unique": len(unique),
            "connections_peak": peak, "first_failed": sum(s["first_failed"] for s in stats.values()),
            "late": sum(s["late"] for s in stats.values()),
            "lost": {k: s["lost"] for k, s in stats.items()}, "per_kind": stats, "errors": errors,
            "slowest_s": round(max((r["slowest"] for r in reports), default=0.0), 2),
            "first_answer_s": _timeline([a for r in reports for a in r["answers"]]),
            "events": events, "media": media, "rows_exact": exact}


def _timeline(answers: list[tuple[float, float]]) -> dict[str, Any]:
    """p50 / p99 / max of the first tries' answer times (queueing included), per second of the run."""
    by_second: dict[int, list[float]] = {}
    for at, answered in answers:
        by_second.setdefault(int(at), []).append(answered)

    def cut(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {"p50": ordered[len(ordered) // 2], "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
                "max": ordered[-1]}

    return {"all": cut([a for _, a in answers]) if answers else {},
            "per_second": {str(s): cut(v) for s, v in sorted(by_second.items())}}


def row(name: str, r: dict[str, Any]) -> str:
    if "skipped" in r:
        return f"   {name:34} {r['skipped']}"
    lost = " / ".join(f"{kind} {count}" for kind, count in r["lost"].items())
    return (f"   {name:34} {r['instances']:4} inst  conns {r['connections_peak']:4}  first-try failed "
            f"{r['first_failed']:5} of {r['deliveries']:5} ({r['late']} late)  lost: {lost}  "
            f"VOD ignored {r['per_kind']['vod-callback']['ignored']}  slowest {r['slowest_s']:.1f} s  "
            f"rows exact: {r['rows_exact']}")


def spread(instances: int) -> dict[str, int]:
    """`instances` shared evenly by the three functions (uncapped: the platform starts what load asks for)."""
    return {kind: max(1, instances // len(RULES) + (1 if n < instances % len(RULES) else 0))
            for n, kind in enumerate(RULES)}


def max_connections(admin_url: str) -> int:
    from upvend.storage.database import Database

    db = Database(admin_url)
    sql = "SELECT @@max_connections AS n" if db.url.scheme == "mysql" else \
        "SELECT setting::int AS n FROM pg_settings WHERE name = 'max_connections'"
    n = int(db.query(sql)[0]["n"])
    db.pool.close_all()
    return n


# The template.yaml functions whose handlers the bench's instances run.
TEMPLATE_FUNCTIONS = {"vod-callback": "aliyun-vod-callback", "oss-callback": "aliyun-oss-callback",
                      "oss-trigger": "aliyun-oss-trigger",
                      "cos-trigger": "tencent-cos-trigger"}


def capped(admin_url: str) -> dict[str, int]:
    """The instance caps template.yaml renders for the three functions (`instances:`), checked against this
    server's connection limit as the budget."""
    from devtools.connection_budget import ConnectionBudget
    from devtools.template import load_template

    template = load_template(REPO / "template.yaml")
    caps = {kind: template.function(name).instances or 1 for kind, name in TEMPLATE_FUNCTIONS.items()}
    ConnectionBudget(max_connections(admin_url)).check(caps)
    return caps

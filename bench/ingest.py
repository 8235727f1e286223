"""Ingest through the real notice handlers: signed OSS upload callbacks, OSS trigger events and COS trigger
events (30 % duplicates, shuffled), delivered by one instance and by four concurrent instances (processes),
into each database; every answer and every row is checked."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from devtools.database_admin import drop_tables, server_problem
from upvend.storage.database import Database

BACKENDS = {"sqlite": None,
            "mariadb": os.environ.get("UPVEND_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
            "postgresql": os.environ.get("UPVEND_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")}
KINDS = {"oss-callback": "aliyun-oss-callback", "oss-trigger": "aliyun-oss-trigger",
         "cos-trigger": "tencent-cos-trigger", "vod-callback": "aliyun-vod-callback"}
DUPLICATES = 0.3
NOTE = ("each handler loaded from the repository's source on the bench's Python, one process per instance; "
        "OSS triggers read each object's Content-Type from the emulated OSS (a HEAD per notice); VOD callbacks "
        "are bounded by reading each video back from the emulated VOD (GetVideoInfo) for every notice")


def _key(prefix: str, i: int, run: str) -> tuple[str, str, int]:
    owner = f"o-bench-{i % 50}"
    return f"{prefix}/{owner}/2026/11/{run}{i:08x}.jpg", owner, 1000 + i


def _oss_callback(stack: Any, fn: Any, bucket: str, key: str, owner: str, size: int) -> Any:
    from bench.jobs import Job, event_bytes
    from upvend.aliyun.callback_binding import callback_binding

    path = "/aliyun/oss/callback"
    body = urlencode({"bucket": bucket, "object": key, "etag": f"{size:032X}", "size": str(size),
                      "mimeType": "image/jpeg", "uid": owner, "binding": callback_binding(bucket, key, owner)}).encode()
    headers = {"content-type": "application/x-www-form-urlencoded",
               **stack.emulator.service("oss-callback-key").sign(f"{stack.gateway_url}{path}", body)}
    return event_bytes(Job(fn, "POST", path, body, headers))


_VIDEOS: list[str] = []  # made once per bench run; each database run records them in tables of its own


def _videos(count: int) -> list[str]:
    """`count` videos in the emulated VOD, uploaded, for the callback's read-back to find."""
    from bench.vod_videos import create_videos

    if len(_VIDEOS) < count:
        _VIDEOS.extend(create_videos(f"bench-{uuid.uuid4().hex[:12]}" for _ in range(count - len(_VIDEOS))).values())
    return _VIDEOS[:count]


def _vod_callback(stack: Any, fn: Any, video_id: str, size: int) -> Any:
    from bench.jobs import Job, event_bytes
    from devtools.local_env import DEV_VOD_CALLBACK_KEY
    from upvend.notices.aliyun_vod import vod_signature

    path, stamp = "/aliyun/vod/callback", str(int(time.time()))
    body = json.dumps({"EventTime": "2026-11-28T00:00:00Z", "EventType": "FileUploadComplete", "VideoId": video_id,
                       "Status": "success", "Size": size, "FileUrl": f"https://example.com/{video_id}.mp4"}).encode()
    headers = {"x-vod-timestamp": stamp, "content-type": "application/json",
               "x-vod-signature": vod_signature(f"{stack.gateway_url}{path}", stamp, DEV_VOD_CALLBACK_KEY)}
    return event_bytes(Job(fn, "POST", path, body, headers))


def deliveries(stack: Any, kind: str, count: int, seed: int, warmups: int) -> tuple[list[Any], list[Any],
                                                                                      dict[str, int]]:
    """`count` events of `kind` (30 % repeats of earlier ones, shuffled), `warmups` other new ones (one per
    instance, answered before the clock starts), and {media id: size} of every object."""
    from devtools.emulator.notices.storage_triggers import cos_trigger_event, oss_trigger_event
    import upvend.uploads  # noqa: F401  (declares UPLOAD_PREFIX)
    from upvend import settings
    from upvend.storage.media import object_media_id

    from devtools.gateway.registry import REPO
    from devtools.template import load_template

    fn = next(f for f in load_template(REPO / "template.yaml").functions if f.name == KINDS[kind])
    prefix, run = settings.get("UPLOAD_PREFIX"), uuid.uuid4().hex[:8]
    unique, expected = [], {}
    from bench.vod_videos import VIDEO_BYTES

    videos = _videos(int(count * (1 - DUPLICATES)) + warmups) if kind == "vod-callback" else []
    for i in range(int(count * (1 - DUPLICATES)) + warmups):
        key, owner, size = _key(prefix, i, run)
        if kind == "vod-callback":
            unique.append(_vod_callback(stack, fn, videos[i], len(VIDEO_BYTES)))
            expected[videos[i]] = len(VIDEO_BYTES)  # what the read-back finds; the row keeps VOD's word
            continue
        if kind == "oss-callback":
            bucket = stack.settings["UPVEND_ALIYUN_OSS_BUCKET"]
            unique.append(_oss_callback(stack, fn, bucket, key, owner, size))
        elif kind == "oss-trigger":
            bucket = stack.settings["UPVEND_ALIYUN_OSS_BUCKET"]
            obj = SimpleNamespace(bucket=bucket, key=key, size=size, etag=f"{size:032x}")
            unique.append(json.dumps(oss_trigger_event(obj, "ObjectCreated:PutObject",
                                                       stack.settings["UPVEND_ALIYUN_REGION"])).encode())
        else:
            bucket = stack.settings["UPVEND_TENCENT_COS_BUCKET"]
            obj = SimpleNamespace(bucket=bucket, key=key, size=size, content_type="image/jpeg",
                                  metadata={"x-cos-meta-uid": owner})
            unique.append(cos_trigger_event(obj, "cos:ObjectCreated:Put", stack.settings["UPVEND_TENCENT_REGION"],
                                            "bench-secret-id", KINDS[kind]))
        expected[object_media_id(bucket, key)] = size
    first, unique = unique[:warmups], unique[warmups:]
    rng = random.Random(seed)
    events = unique + [rng.choice(unique) for _ in range(count - len(unique))]
    rng.shuffle(events)
    return events, first, expected


def _instance(function: str, warmup: Any, events: list[Any], env: dict[str, str], barrier: Any,
              answers: Any) -> None:
    """One instance: load the handler, answer `warmup` (so it is warm), wait for the others, then deliver
    `events` one after another."""
    os.environ.update(env)
    sys.stdout = open(os.devnull, "w")  # the log sink: the lines are formatted and written, not shown
    from devtools.gateway.events import context_for, read_result
    from devtools.gateway.registry import REPO, Registry
    from devtools.loopback_names import resolve_localhost_names
    from devtools.template import load_template

    resolve_localhost_names()  # the emulated OSS answers at a *.localhost name, as the stack's gateway does

    loaded = Registry(load_template(REPO / "template.yaml"), REPO).functions[function]
    context, _ = context_for(loaded.spec)

    def outcome(result: Any) -> str:
        if isinstance(result, dict) and "statusCode" in result:
            status, _, body = read_result(result)
            return json.loads(body).get("status", str(status)) if status == 200 else str(status)
        return "recorded" if result.get("recorded") else "duplicate" if result.get("duplicates") else f"{result}"

    first = outcome(loaded.handler(warmup, context))
    barrier.wait()
    counts: dict[str, int] = {}
    for event in events:
        answer = outcome(loaded.handler(event, context))
        counts[answer] = counts.get(answer, 0) + 1
    answers.put((time.perf_counter(), counts, first))


def deliver(function: str, warmups: list[Any], events: list[Any], env: dict[str, str]) -> tuple[float,
                                                                                              dict[str, int]]:
    """Seconds from the common start to the last answer, and the timed answers counted by outcome (one
    instance per warm-up event)."""
    instances = len(warmups)
    spawn = multiprocessing.get_context("spawn")
    barrier, answers = spawn.Barrier(instances + 1), spawn.Queue()
    workers = [spawn.Process(target=_instance, args=(function, warmups[i], events[i::instances], env, barrier,
                                                           answers))
               for i in range(instances)]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=300)
    started = time.perf_counter()
    finished = [answers.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    counts: dict[str, int] = {"warm-up " + first: 0 for _, _, first in finished}
    for _, part, first in finished:
        counts["warm-up " + first] += 1
        for outcome, n in part.items():
            counts[outcome] = counts.get(outcome, 0) + n
    return max(t for t, _, _ in finished) - started, counts


def rows_problem(db: Database, provider: str, expected: dict[str, int]) -> str | None:
    """None when there is exactly one `ready` row per unique object or video, with its size, and no other
    row; else what differs first."""
    from upvend.storage.media import MediaRepository

    repo = MediaRepository(db)
    total = int(db.query("SELECT COUNT(*) AS n FROM {media}")[0]["n"])
    if total != len(expected):
        return f"{total} rows for {len(expected)} objects"
    for media_id, size in expected.items():
        row = repo.get(provider, media_id)
        if row is None or row.status != "ready" or row.size != size:
            return f"{media_id}: " + ("no row" if row is None else f"status {row.status}, size {row.size}")
    return None


def _url(base: str | None, sqlite_dir: str) -> str:
    prefix = f"b{uuid.uuid4().hex[:10]}_"
    return f"sqlite:///{sqlite_dir}/ingest-{prefix}.sqlite3?table_prefix={prefix}" if base is None else \
        f"{base}{'&' if '?' in base else '?'}table_prefix={prefix}"


def run(stack: Any, count: int, sqlite_dir: str, instance_counts: tuple[int, ...] = (1, 4),
        databases: tuple[str, ...] = tuple(BACKENDS)) -> dict[str, Any]:
    """{note, runs: {database: {kind: {instances: figures}}}}."""
    results: dict[str, Any] = {}
    for database in databases:
        base = BACKENDS[database]
        if base is not None and (problem := server_problem(_url(base, sqlite_dir))) is not None:
            results[database] = {"skipped": f"not reachable ({problem})"}
            continue
        for kind, function in KINDS.items():
            for instances in instance_counts:
                url = _url(base, sqlite_dir)
                db = Database(url)
                db.ready()  # the schema exists before the clock starts, as it does when deployed
                events, warmups, expected = deliveries(stack, kind, count, seed=instances, warmups=instances)
                try:
                    seconds, answers = deliver(function, warmups, events,
                                               {**stack.settings, "UPVEND_DATABASE_URL": url})
                    new = len(expected) - instances
                    problem = rows_problem(db, "tencent" if kind.startswith("cos") else "aliyun", expected)
                    exact = problem is None and answers == {"warm-up recorded": instances, "recorded": new,
                                                            "duplicate": count - new}
                    results.setdefault(database, {}).setdefault(kind, {})[str(instances)] = {
                        "events_per_second": count / seconds, "deliveries": count, "unique": len(expected) - instances,
                        "answers": answers, "exact": exact, **({"rows_problem": problem} if problem else {})}
                finally:
                    db.pool.close_all()
                    if base is not None:
                        drop_tables(db)
    return {"note": NOTE, "runs": results}

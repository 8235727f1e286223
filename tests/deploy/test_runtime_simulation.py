"""The packaged zips, run as each platform runs them: a clean CPython of the template's version (`python -I -S`,
no site-packages), the layer unpacked where the platform puts it and only that on sys.path (FC: /opt/python,
SCF: /opt), each function in its own code folder. Every handler imports; every HTTP function answers one
request of its platform's shape, and the storage trigger records one object."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from devtools.deploy.bytecode import find_interpreter
from devtools.deploy.package import LAYOUTS, package
from devtools.deploy.targets import deployable
from devtools.template import load_template
from devtools.deploy.variables import function_variables
from tests.deploy.real_tools import need, value_for

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "wheels"
PROBE = Path(__file__).resolve().parent / "runtime_probe.py"
TEMPLATE = load_template(REPO / "template.yaml")

OSS_EVENT = {"events": [{
    "eventName": "ObjectCreated:PostObject", "eventSource": "acs:oss", "eventTime": "2026-05-01T12:46:37.000Z",
    "eventVersion": "1.0", "region": "cn-shanghai",
    "oss": {"bucket": {"arn": "acs:oss:cn-shanghai:1234567890123456:media-uploads", "name": "media-uploads",
                       "ownerIdentity": "1234567890123456", "virtualBucket": ""},
            "object": {"deltaSize": 1024, "eTag": "688A7BF4F233DC9C88A80BF985AB7329",
                       "key": "uploads/o-alice/2026/05/0123abcd.jpg", "size": 1024},
            "ossSchemaVersion": "1.0", "ruleId": "rule-1"},
    "requestParameters": {"sourceIPAddress": "140.205.1.1"},
    "responseElements": {"requestId": "58F9FF2D3DF792092E12044C"}, "userIdentity": {"principalId": "1"}}]}
COS_EVENT = {"Records": [{"cos": {
    "cosSchemaVersion": "1.0",
    "cosObject": {"url": "http://media-1250000000.cos.ap-guangzhou.myqcloud.com/uploads/o-alice/2026/05/ff.mp4",
                  "key": "/1250000000/media/uploads/o-alice/2026/05/ff.mp4", "size": 1029, "vid": "",
                  "meta": {"x-cos-request-id": "NWMxOWY4MGFf", "Content-Type": "video/mp4"}},
    "cosBucket": {"region": "gz", "name": "media", "appid": "1250000000"}, "cosNotificationId": "unknown"},
    "event": {"eventName": "cos:ObjectCreated:Post", "eventVersion": "1.0", "eventTime": 1777777777,
              "eventSource": "qcs::cos", "requestParameters": {"requestSourceIP": "192.168.15.101"},
              "reservedInfo": "", "reqid": 179398952}}]}
TRIGGER_EVENTS = {"oss": OSS_EVENT, "cos": COS_EVENT}


@pytest.fixture(scope="module")
def interpreter() -> str:
    found = find_interpreter(TEMPLATE.python)
    need(found is not None, f"no CPython {TEMPLATE.python} here (pyenv installs one at ~/.pyenv/versions)")
    return str(found)


@pytest.fixture(scope="module")
def packages(tmp_path_factory, interpreter):
    out = tmp_path_factory.mktemp("runtime")
    return {p: package(TEMPLATE, p, repo=REPO, out=out / p, cache_root=CACHE) for p in ("aliyun", "tencent")}


def unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
    return into


def _oss_for_the_trigger(stack) -> tuple[dict, dict[str, str]]:
    """The OSS trigger reads the object's Content-Type from OSS (HeadObject): the stored object in the
    emulator, the event naming it, and the settings and role key an FC deployment would give the function."""
    import copy

    from devtools.emulator.aliyun.config import ALIYUN_DEV

    event = copy.deepcopy(OSS_EVENT)
    record = event["events"][0]["oss"]
    record["bucket"]["name"] = ALIYUN_DEV.oss_bucket
    stack.emulator.store.put(ALIYUN_DEV.oss_bucket, record["object"]["key"], b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")
    env = {name: stack.settings[name] for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                                   "ALIBABA_CLOUD_SECURITY_TOKEN", "UPVEND_ALIYUN_REGION")}
    env.update({"UPVEND_ALIYUN_OSS_BUCKET": ALIYUN_DEV.oss_bucket, "UPVEND_ALIYUN_OSS_ENDPOINT": stack.emulator_url})
    return event, env


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_every_packaged_handler_runs_on_the_layer_alone_in_the_runtime_python(packages, interpreter, provider,
                                                                            tmp_path, stack):
    built = packages[provider]
    assert built.python == TEMPLATE.python and built.bytecode
    layout = LAYOUTS[provider]
    opt = unzip(built.layer.path, tmp_path / "opt")  # the platform unpacks every layer at /opt
    layer = opt / layout.layer_prefix if layout.layer_prefix else opt
    functions = []
    oss_env: dict[str, str] = {}
    for fn in deployable(TEMPLATE, provider):
        code = unzip(built.functions[fn.name].path, tmp_path / layout.code_path.strip("/") / fn.name)
        entry = {"name": fn.name, "code": str(code), "attribute": fn.attribute}
        if fn.http:
            route = fn.http[0]
            entry["route"] = [route.method, route.path.replace("{", "x").replace("}", "")]
        elif fn.trigger and fn.trigger.kind == "oss":
            entry["event"], oss_env = _oss_for_the_trigger(stack)
        elif fn.trigger and fn.trigger.kind in TRIGGER_EVENTS:
            entry["event"] = TRIGGER_EVENTS[fn.trigger.kind]
        functions.append(entry)
    database = tmp_path / "media.db"
    # exactly what a deployment must set (`make deploy` refuses to start without it); unset optional settings
    # take their defaults. The database is a file here: one process stands in for one instance.
    env = {"PATH": "/usr/bin:/bin", **{n: value_for(n) for n in function_variables(TEMPLATE, provider).required},
           "UPVEND_DATABASE_URL": f"sqlite:///{database}", **oss_env}
    job = {"provider": provider, "layer": str(layer), "functions": functions}
    done = subprocess.run([interpreter, "-I", "-S", str(PROBE), json.dumps(job)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["python"] == TEMPLATE.python
    assert result["upvend"].startswith(str(layer))  # the layer's copy, not the work tree's
    answers = result["answers"]
    assert set(answers) == {fn["name"] for fn in functions}
    for name, answer in answers.items():
        if "route" in next(f for f in functions if f["name"] == name):
            assert 200 <= answer["status"] < 500, (name, answer)  # a clean answer (an unsigned caller is refused)
            if answer["type"].startswith("application/json") and answer["status"] >= 400:
                assert json.loads(answer["body"])["error"]["code"], (name, answer)
    trigger = "aliyun-oss-trigger" if provider == "aliyun" else "tencent-cos-trigger"
    assert answers[trigger]["status"] == "ok", answers[trigger]
    assert answers[trigger]["recorded"] == 1, answers[trigger]
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        assert any(db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables)

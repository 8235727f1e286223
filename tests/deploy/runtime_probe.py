"""Runs inside a clean CPython of the runtime's version (`python -I -S`), laid out like FC or SCF: imports
every packaged handler from its own code folder with only the layer on sys.path, answers one HTTP event per
HTTP function and the storage trigger's event. Usage: python runtime_probe.py JOB_JSON; prints one JSON line.

Self-contained on purpose: nothing of the repository is importable here, only the unpacked zips.
"""

import importlib.util
import json
import os
import sys


def fc_http(method, path):
    body = json.dumps({"version": "v1", "rawPath": path, "body": "", "isBase64Encoded": False,
                       "headers": {"Accept": "application/json"}, "queryParameters": {},
                       "requestContext": {"requestId": "sim-1", "http": {"method": method, "path": path,
                                                                         "sourceIp": "127.0.0.1"}}})
    return body.encode()  # FC hands Python handlers the event as bytes


def scf_url(method, path):
    return {"httpMethod": method, "path": path, "queryString": {}, "body": "",
            "headers": {"accept": "application/json", "x-scf-remote-addr": "127.0.0.1"}}


def main():
    job = json.loads(sys.argv[1])
    layer = job["layer"]
    sys.path.insert(0, layer)
    assert not any("site-packages" in p for p in sys.path), sys.path
    answers = {}
    for fn in job["functions"]:
        os.chdir(fn["code"])  # FC runs in /code, SCF in /var/user
        spec = importlib.util.spec_from_file_location("index_" + fn["name"].replace("-", "_"), fn["code"] + "/index.py")
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, fn["code"])
        spec.loader.exec_module(module)
        sys.path.remove(fn["code"])
        handler = getattr(module, fn["attribute"])
        if fn.get("route"):
            method, path = fn["route"]
            event = fc_http(method, path) if job["provider"] == "aliyun" else scf_url(method, path)
            answer = handler(event, None)
            answers[fn["name"]] = {"status": answer["statusCode"], "type": answer["headers"].get("content-type", ""),
                                   "body": answer["body"][:300]}
        elif fn.get("event") is not None:
            event = fn["event"]
            answer = handler(json.dumps(event).encode() if job["provider"] == "aliyun" else event, None)
            answers[fn["name"]] = answer
        else:
            answers[fn["name"]] = "imported"
    import upvend
    print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "upvend": upvend.__file__, "answers": answers}))


if __name__ == "__main__":
    main()

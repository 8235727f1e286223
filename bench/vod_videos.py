"""The emulated Aliyun the bench's functions call: VOD, whose videos the callbacks name (each made with
CreateUploadVideo and its file uploaded with the UploadAuth, so the callback's read-back finds it), and
OSS, holding the objects the OSS trigger reads with HeadObject.

One emulator runs in this process (its own thread and port); the forked instances reach it through
the same endpoint settings a deployment uses (UPVEND_ALIYUN_VOD_ENDPOINT, UPVEND_ALIYUN_OSS_ENDPOINT,
the function role's key). VOD's own callbacks are held: the bench sends the notices itself.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

OWNER = "o-bench"
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42 bench video"


@contextmanager
def emulated_aliyun(objects: Iterable[tuple[str, int]] = ()) -> Iterator[tuple[dict[str, str], Any]]:
    """Start the emulator, its OSS bucket holding `objects` ((key, size), as video/mp4); yield the settings
    pointing the functions at it, and the emulator (its OSS callback signer signs what OSS would send)."""
    from devtools.emulator.aliyun.config import aliyun_local_defaults
    from devtools.emulator.app import create_emulator
    from devtools.emulator.config import EmulatorConfig
    from devtools.serving import CLOUD_IDLE_SECONDS, ServerThread, bind

    with tempfile.TemporaryDirectory(prefix="upvend-bench-vod-") as folder:
        sock = bind()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        emulator = create_emulator(EmulatorConfig(data_dir=Path(folder), gateway_url="http://127.0.0.1:9",
                                                  public_url=url))
        emulator.service("notices-admin").switch.update({"aliyunVodEvents": False})
        settings = aliyun_local_defaults(url)
        for key, size in objects:
            emulator.store.put(settings["UPVEND_ALIYUN_OSS_BUCKET"], key, b"\0" * size, "video/mp4")
        server = ServerThread(emulator.app, sock, timeout_keep_alive=CLOUD_IDLE_SECONDS).start()
        signer = emulator.service("oss-callback-key")
        try:
            yield {**settings, "UPVEND_ALIYUN_OSS_ENDPOINT": url, "UPVEND_OSS_PUBKEY_URLS": signer.key_url}, emulator
        finally:
            server.stop()


def upload_file(upload_address: str, upload_auth: str, data: bytes = VIDEO_BYTES) -> None:
    """PUT the file where VOD's UploadAddress says, with the key inside its UploadAuth (as the upload SDKs do)."""
    import base64
    import json

    import oss2

    from devtools.loopback_names import resolve_localhost_names

    resolve_localhost_names()  # the emulated OSS is named by a *.localhost host
    address = json.loads(base64.b64decode(upload_address))
    auth = json.loads(base64.b64decode(upload_auth))
    bucket = oss2.Bucket(oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"]),
                         address["Endpoint"], address["Bucket"])
    bucket.put_object(address["FileName"], data)


def create_videos(names: Iterable[str]) -> dict[str, str]:
    """One uploaded VOD video per name (CreateUploadVideo + PUT with its UploadAuth): name -> VideoId."""
    from upvend.aliyun.credentials import function_credentials
    from upvend.aliyun.vod import create_upload_video

    ids: dict[str, str] = {}
    for name in dict.fromkeys(names):
        upload = create_upload_video(function_credentials(), OWNER, title=name, file_name=f"{name}.mp4",
                                     file_size=len(VIDEO_BYTES), description=None, tags=None, cover_url=None)
        upload_file(upload.upload_address, upload.upload_auth)
        ids[name] = upload.media_id
    return ids

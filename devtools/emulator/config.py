"""What the emulator knows: the dev credentials it accepts and where things go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class EmulatorConfig:
    data_dir: Path
    wechat_appid: str = "wx-local-dev-appid"
    wechat_secret: str = "local-dev-wechat-secret"
    gateway_url: str = ""
    public_url: str = ""
    # Browser origins the emulated buckets' CORS rule allows; empty = the gateway's (it serves the pages).
    cors_origins: tuple[str, ...] = ()
    # URL signing of the emulated VOD distribution domains (empty = open, as with signing off in the console).
    aliyun_vod_play_auth_key: str = ""
    aliyun_vod_play_auth_validity: int = 1800
    tencent_vod_play_key: str = ""

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"

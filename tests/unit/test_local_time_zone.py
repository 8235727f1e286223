"""All times are UTC: the time-sensitive tests again, in a process whose local zone is UTC+8.

CI machines run in UTC, where a local-time conversion (datetime.fromtimestamp without
tz, time.mktime, strftime of localtime) gives the right answer by accident. Here
the same tests run with TZ=Asia/Shanghai, where it is eight hours off.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Tests that turn timestamps into dates and back: policy and form expirations (OSS, COS, VOD forms), signing
# days, key months, log times, Aliyun's answers, playback URL expiries, list cursors and stored row times.
TIME_SENSITIVE = [
    "tests/unit/test_aliyun_oss_policy.py",
    "tests/unit/test_aliyun_post_form_fields.py",
    "tests/unit/test_aliyun_signature_vectors.py",
    "tests/unit/test_tencent_vectors.py",
    "tests/unit/test_tencent_signature_boundaries.py",
    "tests/unit/test_upload_rules.py",
    "tests/unit/test_logs.py",
    "tests/unit/test_utc_times.py",
    "tests/unit/test_aliyun_validation.py",
    "tests/unit/test_vod_post_form.py",
    "tests/unit/test_vod_callback_boundaries.py",
    "tests/unit/test_playback_signers.py",
    "tests/unit/test_media_api.py",
    "tests/unit/test_tencent_explain_and_mapping.py",
    "--deselect", "tests/unit/test_tencent_explain_and_mapping.py::test_loading_a_function_does_not_import_the_tencent_sdk",
    "tests/storage/test_media_repository.py::test_create_uploading_inserts_once_and_owner_is_exact",
    "tests/storage/test_media_repository.py::test_listing_is_newest_first_per_owner_with_filters_and_positions",
]
# The zone database name when the machine has it, else the same offset as a POSIX rule.
ZONE = "Asia/Shanghai" if Path("/usr/share/zoneinfo/Asia/Shanghai").exists() else "CST-8"


def test_time_sensitive_tests_pass_in_utc_plus_8():
    env = {**os.environ, "TZ": ZONE, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    offset = subprocess.run([sys.executable, "-c", "import time; print(time.localtime(0).tm_hour)"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert offset.stdout.strip() == "8", "the child process did not get the UTC+8 zone"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                             "--rootdir", str(ROOT), *TIME_SENSITIVE], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

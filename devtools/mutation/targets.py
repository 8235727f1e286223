"""The modules `make mutate` mutates, and the tests that speak for each (pytest arguments).

Only a module's own tests run against its mutants: they are the ones that should
notice a change there, and a small run per mutant keeps the whole pass short.
Database tests run on SQLite here (MariaDB and PostgreSQL run them in `make test`
under CI); the ranking SQL they pin is the same statement on every backend.
"""

from __future__ import annotations

_SQLITE_ONLY = ["-m", "not mysql and not postgres"]

TARGETS: dict[str, list[str]] = {
    # signing
    "upvend.tencent.vod_signature": [
        "tests/unit/test_tencent_vectors.py",
        "tests/unit/test_tencent_signature_boundaries.py",
        "tests/unit/test_tencent_explain_and_mapping.py",
        # Fresh-interpreter import checks: seconds each, and nothing to do with signing.
        "--deselect", "tests/unit/test_tencent_explain_and_mapping.py::test_loading_a_function_does_not_import_the_tencent_sdk",
    ],
    "upvend.tencent.cos_policy": [
        "tests/unit/test_tencent_vectors.py",
        "tests/unit/test_tencent_signature_boundaries.py",
    ],
    "upvend.aliyun.oss_policy": [
        "tests/unit/test_aliyun_post_form_fields.py",
        "tests/unit/test_aliyun_oss_policy.py",
        "tests/unit/test_aliyun_signature_vectors.py",
    ],
    # verifying
    "upvend.notices.aliyun_vod": [
        "tests/unit/test_vod_callback_boundaries.py",
        "tests/unit/test_aliyun_vod_event_edges.py",
        "tests/unit/test_aliyun_vod_notices.py",
    ],
    "upvend.notices.oss_callback": [
        "tests/unit/test_oss_key_url_rules.py",
        "tests/unit/test_oss_callback_verify.py",
    ],
    # upload rules
    "upvend.uploads": [
        "tests/unit/test_upload_rules.py",
    ],
    # sessions
    "upvend.auth": [
        "tests/unit/test_auth_boundaries.py",
        "tests/unit/test_auth.py",
    ],
    # storage ranking
    "upvend.storage.notices": [
        "tests/storage/test_notice_ranking.py",
        "tests/storage/test_media_repository.py",
        *_SQLITE_ONLY,
    ],
}

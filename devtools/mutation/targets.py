"""The modules `make mutate` mutates, and the tests that speak for each (pytest arguments).

Only a module's own tests run against its mutants: they are the ones that should
notice a change there, and a small run per mutant keeps the whole pass short.
Database tests run on SQLite here (MariaDB and PostgreSQL run them in `make test`
under CI): the ranking SQL they pin is the same statement on every backend. The one
PostgreSQL-only difference (JSON bound with a cast) is checked on PostgreSQL, which
must then be reachable as for `make test` under CI.
"""

from __future__ import annotations

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
    "upvend.aliyun.callback_binding": [
        "tests/unit/test_callback_binding.py",
        "tests/unit/test_oss_callback_verify.py",
        "tests/unit/test_aliyun_oss_policy.py",
        "tests/unit/test_aliyun_post_form_fields.py",
    ],
    "upvend.aliyun.oss_policy": [
        "tests/unit/test_aliyun_post_form_fields.py",
        "tests/unit/test_aliyun_oss_policy.py",
        "tests/unit/test_aliyun_signature_vectors.py",
    ],
    "upvend.aliyun.vod_post_form": [
        "tests/unit/test_vod_post_form.py",
    ],
    # verifying
    "upvend.notices.aliyun_vod": [
        "tests/unit/test_vod_callback_boundaries.py",
        "tests/unit/test_aliyun_vod_event_edges.py",
        "tests/unit/test_aliyun_vod_notices.py",
    ],
    "upvend.notices.oss_callback": [
        "tests/unit/test_oss_callback_edges.py",
        "tests/unit/test_oss_key_url_rules.py",
        "tests/unit/test_oss_callback_verify.py",
    ],
    "upvend.notices.tencent_vod": [
        "tests/unit/test_tencent_push_verification.py",
    ],
    "upvend.notices.object_keys": [
        "tests/unit/test_object_kinds.py",
        "tests/unit/test_storage_trigger_events.py",
    ],
    # upload rules
    "upvend.uploads": [
        "tests/unit/test_upload_rules.py",
        "tests/unit/test_upload_types.py",
        "tests/unit/test_upload_type_edges.py",
    ],
    "upvend.user_ids": [
        "tests/unit/test_auth_boundaries.py",
    ],
    "upvend.aliyun.session_policy": [
        "tests/unit/test_session_policy_edges.py",
        "tests/unit/test_aliyun_oss_policy.py",
    ],
    "upvend.tencent.cam_policy": [
        "tests/unit/test_cam_policy_edges.py",
        "tests/unit/test_tencent_explain_and_mapping.py",
        "--deselect", "tests/unit/test_tencent_explain_and_mapping.py::test_loading_a_function_does_not_import_the_tencent_sdk",
    ],
    # sessions
    "upvend.auth": [
        "tests/unit/test_auth_boundaries.py",
        "tests/unit/test_auth.py",
    ],
    "upvend.jwt_hs256": [
        "tests/unit/test_jwt_hs256.py",
        "tests/unit/test_auth_boundaries.py",
        "tests/unit/test_auth.py",
    ],
    # storage ranking
    "upvend.storage.notices": [
        "tests/storage/test_notice_ranking.py",
        "tests/storage/test_media_repository.py",
        "tests/storage/test_notice_rows.py",
        "tests/storage/test_media_lifecycle.py",
        # SQLite for all of them; PostgreSQL, the one backend that binds JSON differently, for the JSON test.
        "-k", "not mariadb and not pgbouncer and (not postgresql or extra_is_json)",
    ],
}

# Modules holding security code next to other code: only the mutants inside these scopes are made
# (function or class names; an entry ending in "(" takes the module-level calls of that name).
SCOPES: dict[str, tuple[str, ...]] = {
    # The push callback's checks and their settings; the event mapping around them is not security code.
    "upvend.notices.tencent_vod": ("settings.declare(", "_token", "_sign_key", "verify_path_token",
                                   "push_signature", "verify_push_signature", "verify_push"),
}

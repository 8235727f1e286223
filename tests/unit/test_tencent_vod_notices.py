"""Tencent VOD v3 events → media-row changes, and the callback path token."""

from __future__ import annotations

import pytest

from upvend.errors import NotFound
from upvend.http.body import parse_model
from upvend.notices.tencent_vod import VodEventContent, verify_path_token, vod_notices

NEW_FILE = {"EventType": "NewFileUpload", "FileUploadEvent": {
    "FileId": "5285890784273533167",
    "MediaBasicInfo": {"Name": "动物世界", "CreateTime": "2019-01-09T16:36:22Z", "ClassId": 0, "Type": "mp4",
                       "CoverUrl": "", "MediaUrl": "http://125676836723.vod2.myqcloud.com/xxx/q1BORBPQH1IA.mp4",
                       "StorageRegion": "ap-guangzhou-2", "SourceInfo": {"SourceType": "Upload",
                                                                         "SourceContext": "o-alice"},
                       "Vid": "5285890784273533167"},
    "ProcedureTaskId": "", "ReviewAudioVideoTaskId": "",
    "MetaData": {"Size": 2048, "Width": 1280, "Height": 720, "Duration": 3.5, "Container": "mov,mp4"}}}

PROCEDURE = {"EventType": "ProcedureStateChanged", "ProcedureStateChangeEvent": {
    "TaskId": "1256768367-Procedure-475b72", "Status": "FINISH", "ErrCode": 0, "Message": "",
    "FileId": "5285890784273533167", "FileName": "动物世界", "FileUrl": "https://x.vod2.myqcloud.com/xxx.mp4",
    "MetaData": {}, "MediaProcessResultSet": [{"Type": "Transcode", "TranscodeTask": {
        "Status": "SUCCESS", "ErrCode": 0, "Message": "SUCCESS", "Input": {"Definition": 20},
        "Output": {"Url": "https://x.vod2.myqcloud.com/v.f20.mp4"}}}],
    "AiContentReviewResultSet": [], "SessionContext": ""}}


def notices(data):
    return vod_notices(parse_model(VodEventContent, data))


def test_new_file_upload_reads_the_owner_from_source_context():
    [n] = notices(NEW_FILE)
    assert (n.provider, n.media_id, n.kind, n.status, n.owner, n.title, n.size, n.region) == (
        "tencent", "5285890784273533167", "video", "ready", "o-alice", "动物世界", 2048, "ap-guangzhou-2")
    assert n.media_url == "http://125676836723.vod2.myqcloud.com/xxx/q1BORBPQH1IA.mp4"
    assert n.cover_url is None  # "" means unknown
    assert n.extra == {"width": 1280, "height": 720, "duration": 3.5, "container": "mov,mp4", "type": "mp4"}
    assert n.dedupe_key == "tencent-vod:NewFileUpload:5285890784273533167"


def test_new_file_upload_with_a_task_flow_is_processing():
    data = {**NEW_FILE, "FileUploadEvent": {**NEW_FILE["FileUploadEvent"], "ProcedureTaskId": "t-1"}}
    assert notices(data)[0].status == "processing"


# The procedure's own ErrCode is deprecated and says nothing: only the tasks decide.
@pytest.mark.parametrize("status, err, expected", [("FINISH", 0, "ready"), ("FINISH", 10, "ready"),
                                                   ("PROCESSING", 0, "processing")])
def test_procedure_state_changed(status, err, expected):
    data = {**PROCEDURE, "ProcedureStateChangeEvent": {**PROCEDURE["ProcedureStateChangeEvent"], "Status": status,
                                                       "ErrCode": err}}
    [n] = notices(data)
    assert (n.media_id, n.status, n.owner) == ("5285890784273533167", expected, None)
    assert n.extra == {"procedureTaskId": "1256768367-Procedure-475b72",
                       "transcodes": {"20": "https://x.vod2.myqcloud.com/v.f20.mp4"}}


def _with_tasks(*tasks):
    inner = {**PROCEDURE["ProcedureStateChangeEvent"], "MediaProcessResultSet": list(tasks)}
    return {**PROCEDURE, "ProcedureStateChangeEvent": inner}


FAILED_TRANSCODE = {"Type": "Transcode", "TranscodeTask": {
    "Status": "FAIL", "ErrCodeExt": "SourceFileError.ContentMalformed", "ErrCode": 30010, "Message": "bad source",
    "Input": {"Definition": 30}, "Output": {}}}
FAILED_BY_CODE = {"Type": "Transcode", "TranscodeTask": {"Status": "SUCCESS", "ErrCodeExt": "InternalError",
                                                         "Input": {"Definition": 40}}}
FAILED_COVER = {"Type": "CoverBySnapshot", "CoverBySnapshotTask": {"Status": "FAIL", "ErrCodeExt": "InternalError"}}


@pytest.mark.parametrize("tasks, expected", [
    ([FAILED_TRANSCODE], "failed"),
    ([FAILED_BY_CODE], "failed"),
    ([FAILED_COVER], "failed"),
    ([PROCEDURE["ProcedureStateChangeEvent"]["MediaProcessResultSet"][0], FAILED_TRANSCODE], "ready"),
    ([], "ready"),
])
def test_procedure_success_is_read_from_each_task(tasks, expected):
    [n] = notices(_with_tasks(*tasks))
    assert n.status == expected
    failed = [t for t in tasks if t in (FAILED_TRANSCODE, FAILED_BY_CODE, FAILED_COVER)]
    assert len(n.extra.get("failedTasks", [])) == len(failed)
    assert "https://x.vod2.myqcloud.com/v.f20.mp4" not in str(n.extra.get("failedTasks"))


def test_file_deleted_whole_and_partial():
    data = {"EventType": "FileDeleted", "FileDeleteEvent": {
        "FileIdSet": ["1", "2"],
        "FileDeleteResultInfo": [{"FileId": "2", "DeleteParts": [{"Type": "TranscodeFiles", "Definition": 0}]}]}}
    whole, partial = notices(data)
    assert (whole.media_id, whole.status) == ("1", "deleted")
    assert (partial.media_id, partial.status, partial.extra) == ("2", None, {"deletedParts": ["TranscodeFiles"]})


@pytest.mark.parametrize("data", [
    {"EventType": "PullComplete", "PullCompleteEvent": {}},
    {"EventType": "NewFileUpload"},
    {"version": "4.0", "eventType": "NewFileUpload", "data": {"fileId": "1"}},
])
def test_other_events_record_nothing(data):
    assert notices(data) == []


def test_path_token(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CALLBACK_TOKEN", "t" * 32)
    verify_path_token("t" * 32)
    for wrong in ("t" * 31, "t" * 33, "T" * 32, ""):
        with pytest.raises(NotFound):
            verify_path_token(wrong)

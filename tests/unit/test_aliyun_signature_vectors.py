"""The emulator's verifiers and the layer's V4 policy signer against the known-answer vectors (aliyun.md §11)."""

from __future__ import annotations

import pytest

from devtools.emulator.aliyun.oss_signature import v4_post_signature
from devtools.emulator.aliyun.rpc_signature import rpc_signature, rpc_signature_valid, rpc_string_to_sign
from upvend.aliyun.oss_policy import v4_policy_signature

A1_PARAMS = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
             "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
             "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
A1_STRING = ("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3D"
             "HMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26"
             "Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
A2_PARAMS = {"AccessKeyId": "testAccessKeyId", "Action": "GetVideoPlayAuth", "Format": "JSON",
             "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "8f8a035d-6496-4268-afd4-67c22837e38d",
             "SignatureVersion": "1.0", "Timestamp": "2017-10-10T12:02:54Z", "Version": "2017-03-21",
             "VideoId": "5aed81b74ba84920be578cdfe004af4b"}
A2_STRING = ("GET&%2F&AccessKeyId%3DtestAccessKeyId%26Action%3DGetVideoPlayAuth%26Format%3DJSON%26"
             "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D8f8a035d-6496-4268-afd4-67c22837e38d%26"
             "SignatureVersion%3D1.0%26Timestamp%3D2017-10-10T12%253A02%253A54Z%26Version%3D2017-03-21%26"
             "VideoId%3D5aed81b74ba84920be578cdfe004af4b")

A5_POLICY_B64 = (
    "eyJleHBpcmF0aW9uIjoiMjAyMy0xMi0wM1QxMzowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W3siYnVja2V0IjoiZXhhbXBsZWJ1Y2tld"
    "CJ9LHsieC1vc3Mtc2lnbmF0dXJlLXZlcnNpb24iOiJPU1M0LUhNQUMtU0hBMjU2In0seyJ4LW9zcy1jcmVkZW50aWFsIjoiTFRBSTV0RV"
    "hBTVBMRUlELzIwMjMxMjAzL2NuLWhhbmd6aG91L29zcy9hbGl5dW5fdjRfcmVxdWVzdCJ9LHsieC1vc3MtZGF0ZSI6IjIwMjMxMjAzVDE"
    "yMTIxMloifSxbImNvbnRlbnQtbGVuZ3RoLXJhbmdlIiwxLDEwNDg1NzYwMF0sWyJzdGFydHMtd2l0aCIsIiRrZXkiLCJ1c2VyL3UxLyJd"
    "XX0=")
A5_SIGNATURE = "e5017cac42ebf8d0c00743d80dc0852a1b12c44351c6d77cb3eb554e2bdc4d9e"


def test_a1_string_to_sign_and_signature():
    assert rpc_string_to_sign("GET", A1_PARAMS) == A1_STRING
    assert rpc_signature("testsecret", A1_STRING) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_a1b_parameter_names_are_case_sensitive():
    params = {("TimeStamp" if k == "Timestamp" else k): v for k, v in A1_PARAMS.items()}
    assert rpc_signature("testsecret", rpc_string_to_sign("GET", params)) == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_a1c_post_changes_the_signature():
    assert rpc_signature("testsecret", rpc_string_to_sign("POST", A1_PARAMS)) == "MxbnVAM4w6sft9xjVpe/GCKueuk="


def test_a2_vod_vector():
    assert rpc_string_to_sign("GET", A2_PARAMS) == A2_STRING
    assert rpc_signature("testAccessKeySecret", A2_STRING) == "Ibgh7y8Vp47LBuAsf5Xhi1SvDss="


@pytest.mark.parametrize("change", [
    {"Signature": "Ibgh7y8Vp47LBuAsf5Xhi1SvDsx="},
    {"VideoId": "5aed81b74ba84920be578cdfe004af4c"},
    {"Extra": "1"},
])
def test_verifier_accepts_the_vector_and_refuses_any_change(change):
    signed = {**A2_PARAMS, "Signature": "Ibgh7y8Vp47LBuAsf5Xhi1SvDss="}
    assert rpc_signature_valid("testAccessKeySecret", "GET", signed)
    assert not rpc_signature_valid("testAccessKeySecret", "POST", signed)
    assert not rpc_signature_valid("wrong-secret", "GET", signed)
    assert not rpc_signature_valid("testAccessKeySecret", "GET", {**signed, **change})


def test_rpc_encoding_of_space_star_and_tilde():
    string = rpc_string_to_sign("GET", {"A": "a b*c~"})
    assert string == "GET&%2F&A%3Da%2520b%252Ac~"


def test_a5_post_object_v4_emulator_and_layer_agree():
    assert v4_post_signature("EXAMPLESECRET", "20231203", "cn-hangzhou", A5_POLICY_B64) == A5_SIGNATURE
    assert v4_policy_signature("EXAMPLESECRET", "20231203", "cn-hangzhou", A5_POLICY_B64) == A5_SIGNATURE
    assert v4_post_signature("EXAMPLESECRET", "20231204", "cn-hangzhou", A5_POLICY_B64) != A5_SIGNATURE

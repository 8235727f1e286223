// The two SDK paths of the mini-program from wx.login to a `ready` row, through the wx shim: Tencent VOD with
// vod-wx-sdk-v2 (getSignature) and COS with cos-wx-sdk-v5 (getAuthorization: putObject, postObject and a
// multipart upload). The SDKs run as published; the shim maps their hard-coded hosts to the emulator.
"use strict";

const crypto = require("crypto");
const test = require("node:test");
const assert = require("node:assert/strict");
const { upvend, client, png, video, tempFile } = require("./support");

// The mini-program runtime's globals the SDK bundles read when they load and when they send.
global.window = global;
global.getCurrentPages = () => [];

function sdksFor(wx) {
  global.wx = wx;
  return { vod: () => require("vod-wx-sdk-v2"), cos: () => require("cos-wx-sdk-v5") };
}

async function uploadThrough(pathName, file, options = {}) {
  const { wx, session } = client();
  const seen = [];
  const { promise } = upvend.startUpload({ wx, session, pathName, file, sdks: sdksFor(wx), options,
    onProgress: (p) => seen.push(p) });
  const found = await promise;
  const row = await upvend.waitForRow(session, found, { timeoutMs: 20000, everyMs: 100 });
  return { wx, found, row, seen };
}

test("Tencent VOD via vod-wx-sdk-v2 with getSignature ends in a ready row", async () => {
  // A wx.chooseMedia temp file name: 32 characters (the SDK keys its resume state on it).
  const file = tempFile(`${crypto.randomBytes(16).toString("hex")}.mp4`, video(300 * 1024));
  const { row, found, seen, wx } = await uploadThrough("tencent-vod", file);
  assert.equal(row.status, "ready");
  assert.equal(row.provider, "tencent");
  assert.equal(row.mediaId, found.match.mediaId);
  assert.equal(seen[seen.length - 1], 100);
  assert.ok(wx.shim.log.some((e) => e.url.startsWith("https://vod2.qcloud.com/") && e.status === 200));
});

for (const method of ["putObject", "postObject", "sliceUploadFile"]) {
  test(`COS via cos-wx-sdk-v5 ${method} with getAuthorization ends in a ready row`, async () => {
    const size = method === "sliceUploadFile" ? 2 * 1024 * 1024 + 7 : 40 * 1024;
    const file = tempFile(method === "sliceUploadFile" ? "long.mp4" : "kite.png",
      method === "sliceUploadFile" ? video(size) : Buffer.concat([png(), Buffer.alloc(size)]));
    const { row, found } = await uploadThrough("cos-sdk", file, { method });
    assert.equal(row.status, "ready");
    assert.equal(row.objectKey, found.match.objectKey);
    assert.equal(row.size, file.size);
  });
}

test("cancel stops a cos-wx-sdk-v5 multipart upload: no Complete is sent", async () => {
  const { wx, session } = client();
  let upload;
  // Cancel as soon as the SDK sends its first part (its progress events are throttled, so they may not come).
  const request = wx.request;
  wx.request = (opts) => {
    if (/[?&]partNumber=/.test(opts.url)) setImmediate(() => upload.cancel());
    return request(opts);
  };
  upload = upvend.startUpload({ wx, session, pathName: "cos-sdk", file: tempFile("big.mp4", video(6 * 1024 * 1024)),
    sdks: sdksFor(wx), options: { method: "sliceUploadFile" } });
  await assert.rejects(upload.promise, (err) => err instanceof upvend.UploadCancelled);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(wx.shim.log.some((e) => /[?&]partNumber=/.test(e.url)));
  assert.ok(!wx.shim.log.some((e) => e.method === "POST" && /[?&]uploadId=/.test(e.url)), JSON.stringify(wx.shim.log));
});


// Each form path from wx.login to a `ready` row at GET /media, through the wx shim against the local stack.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { upvend, client, png, video, tempFile } = require("./support");

async function uploadAndWait(pathName, file) {
  const { wx, session } = client();
  const seen = [];
  const { promise } = upvend.startUpload({ wx, session, pathName, file, onProgress: (p) => seen.push(p) });
  const found = await promise;
  const row = await upvend.waitForRow(session, found, { timeoutMs: 20000, everyMs: 100 });
  return { wx, session, found, row, seen };
}

test("OSS PostObject via wx.uploadFile ends in a ready row", async () => {
  const file = tempFile("sunset.png", png());
  const { wx, row, seen, found } = await uploadAndWait("oss-post", file);
  assert.equal(row.status, "ready");
  assert.equal(row.kind, "image");
  assert.equal(row.objectKey, found.match.objectKey);
  assert.equal(row.size, file.size);
  assert.equal(seen[seen.length - 1], 100);
  assert.ok(seen.some((p) => p > 0 && p < 100) || seen.length >= 2, `progress: ${seen}`);
  // The login happened through wx.login → /auth/wechat, and the file went to the OSS host the form named.
  assert.ok(wx.shim.log.some((e) => e.url.endsWith("/auth/wechat") && e.status === 200));
  assert.ok(wx.shim.log.some((e) => e.api === "uploadFile" && e.status === 200));
});

test("COS PostObject via wx.uploadFile ends in a ready row", async () => {
  const file = tempFile("beach.jpg", png());
  const { row } = await uploadAndWait("cos-post", file);
  assert.equal(row.status, "ready");
  assert.equal(row.provider, "tencent");
  assert.equal(row.size, file.size);
});

test("Aliyun VOD video via the server-signed form ends in a ready row", async () => {
  const file = tempFile("trip.mp4", video());
  const { row, found } = await uploadAndWait("aliyun-vod", file);
  assert.equal(row.status, "ready");
  assert.equal(row.kind, "video");
  assert.equal(row.mediaId, found.match.mediaId);
  assert.equal(row.size, file.size);
});

test("Aliyun VOD image via the server-signed form ends in a ready row", async () => {
  const file = tempFile("cover.png", png());
  const { row } = await uploadAndWait("aliyun-vod", file);
  assert.equal(row.status, "ready");
  assert.equal(row.kind, "image");
});

test("cancel stops an upload in flight: it rejects with UploadCancelled and no row becomes ready", async () => {
  const { wx, session } = client();
  const file = tempFile("long.mp4", video(8 * 1024 * 1024));
  let upload;
  const progress = [];
  upload = upvend.startUpload({ wx, session, pathName: "oss-post", file, onProgress: (p) => {
    progress.push(p);
    if (p > 0) upload.cancel();
  } });
  await assert.rejects(upload.promise, (err) => err instanceof upvend.UploadCancelled);
  assert.ok(Math.max(...progress) < 100, `progress went to ${Math.max(...progress)}`);
  await new Promise((r) => setTimeout(r, 500));
  const page = await upvend.listMedia(session, {});
  // Only the reservation the form made, never completed (it lapses to expired).
  assert.deepEqual(page.items.map((item) => [item.status, item.title.endsWith("long.mp4")]), [["uploading", true]]);
});

test("cancel before the form arrives sends nothing to the store", async () => {
  const { wx, session } = client();
  const upload = upvend.startUpload({ wx, session, pathName: "cos-post", file: tempFile("a.png", png()) });
  upload.cancel();
  await assert.rejects(upload.promise, (err) => err instanceof upvend.UploadCancelled);
  assert.ok(!wx.shim.log.some((e) => e.api === "uploadFile"));
});

test("an expired token in storage is renewed once through wx.login and the call goes through", async () => {
  const { wx, session } = client();
  wx.setStorageSync(upvend.STORAGE_KEY, { token: process.env.UPVEND_EXPIRED_TOKEN, expiresAt: 0 });
  const page = await upvend.listMedia(session, {});
  assert.deepEqual(page.items, []);
  const calls = wx.shim.log.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`);
  assert.deepEqual(calls, ["GET /media 401", "POST /auth/wechat 200", "GET /media 200"]);
  assert.notEqual(wx.getStorageSync(upvend.STORAGE_KEY).token, process.env.UPVEND_EXPIRED_TOKEN);
});

test("a rejected login code is reported, not retried forever", async () => {
  const { wx, session } = client();
  wx.shim.loginAs("");  // code "test-" is refused by WeChat
  await assert.rejects(session.call("GET", "/media"), (err) => err.status === 401 && /code/i.test(err.message));
});

test("a refused file type is refused before any request, with the allowed list", async () => {
  const { wx, session } = client();
  const upload = upvend.startUpload({ wx, session, pathName: "oss-post", file: tempFile("notes.exe", Buffer.from("MZ")) });
  await assert.rejects(upload.promise, (err) => err instanceof upvend.FileRefused
    && err.code === "extension_not_allowed" && /^\.exe files cannot be uploaded\. Allowed: .*\.mp4/.test(err.message));
  assert.deepEqual(wx.shim.log, []);
});

test("a type the server refuses (stale client table) comes back with the server's message", async () => {
  const { wx, session } = client();
  await assert.rejects(session.call("POST", "/aliyun/oss/post-policy",
    { fileName: "notes.exe", contentType: "application/octet-stream", size: 2 }),
  (err) => err.status === 400 && err.code === "extension_not_allowed" && /\.exe' is not allowed/.test(err.message));
});

test("devLoginCode (make run in DevTools) signs in with the test code instead of wx.login", async () => {
  const { createWx } = require("../wx_shim");
  const wx = createWx({ emulatorUrl: process.env.UPVEND_EMULATOR_URL, user: "" });  // wx.login's code is refused
  const session = upvend.createSession({ wx, baseUrl: process.env.UPVEND_GATEWAY_URL, devLoginCode: "test-devtools" });
  const token = await session.signIn();
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  assert.equal(claims.sub, "o-devtools");
});

// The mini-program's pages rendered by miniprogram-simulate (in jsdom), driven against the local stack:
// signed out, signing in, uploading with progress, done, error, and "my media" with paging.
"use strict";

const path = require("path");
const test = require("node:test");
const assert = require("node:assert/strict");
const { JSDOM } = require("jsdom");

// The DOM miniprogram-simulate renders into (what jest's jsdom environment would provide).
const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true, url: "https://mp.test/" });
for (const name of Object.getOwnPropertyNames(dom.window)) {
  if (!(name in global) || ["Event", "EventTarget", "CustomEvent"].includes(name)) global[name] = dom.window[name];
}
global.window = dom.window;
global.document = dom.window.document;

const simulate = require("miniprogram-simulate");
const { GATEWAY, upvend, client, png, video, tempFile } = require("./support");
const { setContext } = require("../../../miniprogram/app_context");

const ROOT = path.resolve(__dirname, "../../../miniprogram");

/** Render a page for a fresh signed-out user; returns { page, wx, session, text(selector) }. */
function open(pageName, config = {}) {
  const { wx, session, user } = client();
  setContext({ wx, session, sdks: {},
    config: { baseUrl: GATEWAY, uploadPath: "oss-post", refreshMs: 50, pageSize: 20, ...config } });
  // rootPath: the project root, so each page's template is compiled under its own path.
  const page = simulate.render(simulate.load(path.join(ROOT, "pages", pageName, "index"), "page", { rootPath: ROOT }));
  page.attach(document.createElement("parent-wrapper"));
  const text = (selector) => {
    const found = page.querySelector(selector);
    return found ? found.dom.textContent.trim() : null;
  };
  return { page, wx, session, user, text };
}

test("upload page: signed out shows only the sign-in prompt", () => {
  const { page, text } = open("upload");
  page.instance.onShow();
  assert.equal(text("#signed-out .hint"), "You are signed out.");
  assert.equal(page.querySelector("#uploader"), undefined);
});

test("sign-in page: wx.login signs in, a refused code shows why", async () => {
  const { page, wx, text } = open("signin");
  page.instance.onShow();
  assert.ok(text("#signed-out").includes("Sign in with your WeChat account"));
  wx.shim.loginAs("");
  await page.instance.signIn();
  assert.match(text("#signin-error"), /^Sign-in failed: .*code/);
  wx.shim.loginAs("pages-user");
  page.querySelector("#signin").dispatchEvent("tap");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(text("#signed-in"), "You are signed in.");
  assert.equal(page.querySelector("#signin-error"), undefined);
});

test("upload page: uploading shows progress, then done once the row is ready", async () => {
  const { page, wx, session, text } = open("upload");
  await session.signIn();
  page.instance.onShow();
  assert.ok(page.querySelector("#uploader"));
  const shown = [];
  const setData = page.instance.setData.bind(page.instance);
  page.instance.setData = (data) => {
    setData(data);
    if (page.querySelector("#uploading")) shown.push(text("#progress-text"));
  };
  wx.shim.choose([tempFile("clip.mp4", video(1024 * 1024))]);
  page.querySelector("#choose").dispatchEvent("tap");
  await waitFor(() => page.data.state === "done" || page.data.state === "error", 20000);
  assert.equal(page.data.state, "done", text("#error"));
  assert.ok(shown.includes("0 %") && shown.some((t) => /^([1-9]\d?) %$/.test(t)), `progress shown: ${shown}`);
  assert.match(text("#done"), /^Uploaded: video ready/);
  assert.equal(page.querySelector("#uploading"), undefined);
});

test("upload page: a refused file shows the error", async () => {
  const { page, session, text } = open("upload");
  await session.signIn();
  page.instance.onShow();
  await page.instance.upload(tempFile("notes.exe", Buffer.from("MZ")));
  assert.equal(page.data.state, "error");
  assert.match(text("#error"), /^Upload failed: \.exe files cannot be uploaded\. Allowed: /);
});

test("upload page: cancel goes back to idle and says so", async () => {
  const { page, session, text } = open("upload");
  await session.signIn();
  page.instance.onShow();
  const done = page.instance.upload(tempFile("big.mp4", video(8 * 1024 * 1024)));
  page.instance.cancel();
  await done;
  assert.equal(page.data.state, "idle");
  assert.equal(text("#note"), "Upload cancelled.");
});

test("my media: rows with their status, and Load more follows the cursor", async () => {
  const { page, wx, session, text } = open("media", { pageSize: 2 });
  await page.instance.onShow();
  assert.equal(text("#media-message"), "Sign in to see your media.");
  await session.signIn();
  for (const name of ["a.png", "b.png", "c.png"]) {
    const found = await upvend.startUpload({ wx, session, pathName: "oss-post", file: tempFile(name, png()) }).promise;
    await upvend.waitForRow(session, found, { everyMs: 50, timeoutMs: 15000 });
  }
  await page.instance.onShow();
  assert.equal(page.querySelectorAll(".item").length, 2);
  assert.ok(page.querySelector("#more"));
  page.querySelector("#more").dispatchEvent("tap");
  await waitFor(() => page.data.items.length === 3, 5000);
  assert.equal(page.querySelectorAll(".item").length, 3);
  assert.equal(page.querySelector("#more"), undefined);
  assert.deepEqual(page.querySelectorAll(".status").map((s) => s.dom.textContent), ["ready", "ready", "ready"]);
  // Each ready image shows its signed thumbnail, which opens; the unsigned object does not.
  const thumbs = page.data.items.map((item) => item.thumbnailUrl);
  assert.equal(page.querySelectorAll(".thumb").length, 3);
  for (const url of thumbs) {
    assert.match(url, /x-oss-signature=/);
    const opened = await fetchLoopback(url);
    assert.equal(opened.status, 200);
    assert.deepEqual(Buffer.from(await opened.arrayBuffer()), png());
    assert.equal((await fetchLoopback(url.split("?")[0])).status, 403);
  }
});

/** GET a URL of the local stack; its `*.localhost` host is resolved to 127.0.0.1 as a hosts entry would. */
function fetchLoopback(url) {
  const target = new URL(url);
  const host = target.host;
  target.hostname = "127.0.0.1";
  return new Promise((resolve, reject) => {
    require("http").get(target, { headers: { host } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode,
        arrayBuffer: async () => Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("my media: Delete asks first, then removes the row and its object; a refused delete says why", async () => {
  const { page, wx, session } = open("media");
  await session.signIn();
  const found = await upvend.startUpload({ wx, session, pathName: "oss-post", file: tempFile("gone.png", png()) })
    .promise;
  const row = await upvend.waitForRow(session, found, { everyMs: 50, timeoutMs: 15000 });
  await page.instance.onShow();
  const answers = [false, true];
  const asked = [];
  wx.showModal = (options) => { asked.push(options.title); options.success({ confirm: answers.shift() }); };
  const tapDelete = () => page.instance.remove({ currentTarget: { dataset: { id: page.data.items[0].id } } });
  assert.equal(page.querySelectorAll(".delete").length, 1);
  await tapDelete();  // cancelled: nothing happens
  assert.equal(page.data.items.length, 1);
  assert.equal((await upvend.listMedia(session)).items[0].status, "ready");
  page.querySelector(".delete").dispatchEvent("tap");  // through the template's binding this time
  await waitFor(() => page.data.items.length === 0, 5000);
  assert.deepEqual(asked, ["Delete this upload?", "Delete this upload?"]);
  assert.equal(page.querySelectorAll(".item").length, 0);
  assert.equal((await upvend.listMedia(session)).items.length, 0);
  assert.equal((await fetchLoopback(row.playUrl)).status, 404);  // signed before the delete: the object is gone
  // Deleting again is harmless; an id that is not the caller's is refused with 404.
  assert.equal((await upvend.deleteMedia(session, row.id)).status, "deleted");
  wx.showModal = (options) => options.success({ confirm: true });
  await page.instance.remove({ currentTarget: { dataset: { id: "bm90LW1pbmU" } } });
  assert.match(page.data.message, /^Could not delete it: /);
});

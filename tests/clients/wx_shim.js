// A `wx` object for Node that does what the mini-program runtime does over the network, for real:
// wx.request and wx.uploadFile send HTTP to the local stack, wx.getFileSystemManager reads real files,
// wx.login yields a code the emulated WeChat accepts. Cloud hostnames the SDKs hard-code
// (vod2.qcloud.com, *.myqcloud.com, *.aliyuncs.com) are resolved to the emulator, like a DNS entry:
// the request keeps its Host header and path, only the connection goes to 127.0.0.1. Any other name
// fails as on a phone without network, so nothing leaves loopback.
//
// Where it differs from the real runtime is listed in miniprogram/README.md ("Tested without WeChat").
"use strict";

const fs = require("fs");
const http = require("http");
const https = require("https");
const path = require("path");
const crypto = require("crypto");

const DEFAULT_CLOUD_HOSTS = [/^vod2\.qcloud\.com$/, /\.myqcloud\.com$/, /\.aliyuncs\.com$/];

/**
 * Where a URL's connection goes: the emulator for mapped cloud hosts, loopback for `*.localhost` names (as
 * browsers resolve them; Node's resolver does not), else the URL itself.
 */
function resolveTarget(url, { emulatorUrl, cloudHosts }) {
  const parsed = new URL(url);
  if (emulatorUrl && cloudHosts.some((pattern) => pattern.test(parsed.hostname))) {
    return { parsed, connect: new URL(emulatorUrl), hostHeader: parsed.host };
  }
  if (parsed.hostname.endsWith(".localhost")) {
    const connect = new URL(parsed.href);
    connect.hostname = "127.0.0.1";
    return { parsed, connect, hostHeader: parsed.host };
  }
  if (["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)) {
    return { parsed, connect: parsed, hostHeader: parsed.host };
  }
  return { parsed, offline: true };  // e.g. vodreport.qcloud.com: nothing leaves loopback
}

function headerObject(raw) {
  const out = {};
  for (const [name, value] of Object.entries(raw)) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

function toBuffer(data) {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data));
}

function formEncode(data) {
  return Object.entries(data).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

function lowerKeys(header) {
  return Object.fromEntries(Object.entries(header || {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Send one HTTP request. `onWritten(sent, total)` reports body bytes as they go out.
 * Returns { promise, abort }.
 */
function send(options, routing, { method, url, headers, body, timeout, onWritten }) {
  const { parsed, connect, hostHeader, offline } = resolveTarget(url, routing);
  if (offline) {
    return { promise: Promise.reject(new Error(`${parsed.host} is not reachable offline`)), abort() {} };
  }
  const transport = connect.protocol === "https:" ? https : http;
  let request;
  let aborted = false;
  const promise = new Promise((resolve, reject) => {
    request = transport.request({
      protocol: connect.protocol, hostname: connect.hostname, port: connect.port || undefined, method, agent: false,
      path: parsed.pathname + parsed.search, headers: { ...headers, Host: hostHeader, "Content-Length": body.length },
      timeout: timeout || options.timeout,
    }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, header: headerObject(response.headers),
        body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", (err) => reject(aborted ? new Error("abort") : err));
    const step = 64 * 1024;
    let sent = 0;
    const writeNext = () => {
      while (sent < body.length) {
        const chunk = body.subarray(sent, sent + step);
        sent += chunk.length;
        const more = request.write(chunk);
        if (onWritten) onWritten(sent, body.length);
        if (!more) {
          request.once("drain", writeNext);
          return;
        }
      }
      request.end();
    };
    writeNext();
  });
  return { promise, abort: () => { aborted = true; if (request) request.destroy(new Error("abort")); } };
}

/** Call success/fail/complete like the runtime does (asynchronously, never throwing into the caller). */
function settle(options, ok, result) {
  setImmediate(() => {
    if (ok && options.success) options.success(result);
    if (!ok && options.fail) options.fail(result);
    if (options.complete) options.complete(result);
  });
}

function multipartBody(formData, fieldName, fileName, fileBytes) {
  const boundary = `----wxshim${crypto.randomBytes(12).toString("hex")}`;
  const parts = [];
  for (const [name, value] of Object.entries(formData || {})) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; ` +
    `filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
  parts.push(fileBytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(parts) };
}

/**
 * Make a `wx`. Options:
 *   emulatorUrl   where mapped cloud hostnames connect (http://127.0.0.1:port)
 *   cloudHosts    RegExps of hostnames to map (default: VOD UGC, COS, Aliyun)
 *   user          the name wx.login logs in as (code `test-<user>`)
 *   timeout       default request timeout in ms (the runtime's default is 60 s)
 */
function createWx(options = {}) {
  const routing = { emulatorUrl: options.emulatorUrl, cloudHosts: options.cloudHosts || DEFAULT_CLOUD_HOSTS };
  const settings = { timeout: options.timeout || 60000 };
  const storage = new Map();
  const log = [];  // every request: { api, method, url, status }
  const refused = [];  // the error answers (>= 400) with their bodies: SDKs often surface only their own codes
  let chosen = [];
  let user = options.user || "shim";

  function request(opts) {
    const method = (opts.method || "GET").toUpperCase();
    const header = { ...(opts.header || {}) };
    const lower = lowerKeys(header);
    let url = opts.url;
    let body = Buffer.alloc(0);
    const data = opts.data;
    if (method === "GET" && data && typeof data === "object" && !(data instanceof ArrayBuffer)) {
      const query = formEncode(data);
      if (query) url += (url.includes("?") ? "&" : "?") + query;
    } else if (data !== undefined && data !== null) {
      const type = lower["content-type"] || "application/json";
      if (!lower["content-type"]) header["content-type"] = type;
      if (typeof data === "string" || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) body = toBuffer(data);
      else if (type.includes("application/x-www-form-urlencoded")) body = Buffer.from(formEncode(data));
      else body = Buffer.from(JSON.stringify(data));
    }
    const sending = send(settings, routing, { method, url, headers: header, body, timeout: opts.timeout });
    sending.promise.then((answer) => {
      log.push({ api: "request", method, url, status: answer.status });
      if (answer.status >= 400) refused.push({ statusCode: answer.status, body: answer.body.toString("utf8") });
      let result;
      if (opts.responseType === "arraybuffer") {
        result = answer.body.buffer.slice(answer.body.byteOffset, answer.body.byteOffset + answer.body.length);
      } else {
        result = answer.body.toString("utf8");
        if ((opts.dataType || "json") === "json") {
          try { result = JSON.parse(result); } catch (err) { /* the runtime leaves unparsable text as is */ }
        }
      }
      settle(opts, true, { data: result, statusCode: answer.status, header: answer.header, cookies: [],
        errMsg: "request:ok" });
    }, (err) => {
      log.push({ api: "request", method, url, status: 0 });
      settle(opts, false, { errMsg: `request:fail ${err.message}` });
    });
    return { abort: sending.abort, onHeadersReceived() {}, offHeadersReceived() {} };
  }

  function uploadFile(opts) {
    const listeners = [];
    let sending = null;
    let cancelled = false;
    const task = {
      abort() { cancelled = true; if (sending) sending.abort(); },
      onProgressUpdate(fn) { listeners.push(fn); },
      offProgressUpdate(fn) { const i = listeners.indexOf(fn); if (i >= 0) listeners.splice(i, 1); },
      onHeadersReceived() {}, offHeadersReceived() {},
    };
    setImmediate(() => {
      if (cancelled) return settle(opts, false, { errMsg: "uploadFile:fail abort" });
      let bytes;
      try {
        bytes = fs.readFileSync(opts.filePath);
      } catch (err) {
        return settle(opts, false, { errMsg: `uploadFile:fail file not found ${opts.filePath}` });
      }
      const { boundary, body } = multipartBody(opts.formData, opts.name || "file", path.basename(opts.filePath),
        bytes);
      const headers = { ...(opts.header || {}), "Content-Type": `multipart/form-data; boundary=${boundary}` };
      let lastPercent = -1;
      sending = send(settings, routing, { method: "POST", url: opts.url, headers, body, timeout: opts.timeout,
        onWritten: (sent, total) => {
          const progress = Math.floor((sent / total) * 100);
          if (progress === lastPercent) return;
          lastPercent = progress;
          const update = { progress, totalBytesSent: sent, totalBytesExpectedToSend: total };
          for (const fn of listeners.slice()) fn(update);
        } });
      sending.promise.then((answer) => {
        log.push({ api: "uploadFile", method: "POST", url: opts.url, status: answer.status });
        if (answer.status >= 400) refused.push({ statusCode: answer.status, body: answer.body.toString("utf8") });
        settle(opts, true, { data: answer.body.toString("utf8"), statusCode: answer.status, header: answer.header,
          errMsg: "uploadFile:ok" });
      }, (err) => {
        log.push({ api: "uploadFile", method: "POST", url: opts.url, status: 0 });
        settle(opts, false, { errMsg: `uploadFile:fail ${err.message}` });
      });
    });
    return task;
  }

  const fileSystem = {
    readFile(opts) {
      fs.readFile(opts.filePath, (err, buffer) => {
        if (err) return settle(opts, false, { errMsg: `readFile:fail no such file ${opts.filePath}` });
        const start = opts.position || 0;
        const end = opts.length === undefined ? buffer.length : start + opts.length;
        const slice = buffer.subarray(start, end);
        const data = opts.encoding ? slice.toString(opts.encoding === "binary" ? "latin1" : opts.encoding)
          : slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.length);
        settle(opts, true, { data, errMsg: "readFile:ok" });
      });
    },
    readFileSync(filePath, encoding, position, length) {
      const buffer = fs.readFileSync(filePath);
      const slice = buffer.subarray(position || 0, length === undefined ? buffer.length : (position || 0) + length);
      return encoding ? slice.toString(encoding) : slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.length);
    },
    getFileInfo(opts) {
      fs.stat(opts.filePath, (err, stat) => settle(opts, !err, err
        ? { errMsg: `getFileInfo:fail no such file ${opts.filePath}` } : { size: stat.size, errMsg: "getFileInfo:ok" }));
    },
    stat(opts) {  // cos-wx-sdk-v5 and vod-wx-sdk-v2 size files with it
      fs.stat(opts.path, (err, stat) => settle(opts, !err, err ? { errMsg: `stat:fail no such file ${opts.path}` }
        : { stats: { size: stat.size, lastModifiedTime: Math.floor(stat.mtimeMs / 1000),
          isFile: () => stat.isFile(), isDirectory: () => stat.isDirectory() }, errMsg: "stat:ok" }));
    },
    statSync(filePath) {
      const stat = fs.statSync(filePath);
      return { size: stat.size, isFile: () => stat.isFile(), isDirectory: () => stat.isDirectory() };
    },
  };

  const wx = {
    request,
    uploadFile,
    getFileSystemManager: () => fileSystem,
    login(opts) {
      settle(opts || {}, true, { code: `test-${user}`, errMsg: "login:ok" });
    },
    chooseMedia(opts) {
      const files = chosen;
      chosen = [];
      if (!files.length) return settle(opts, false, { errMsg: "chooseMedia:fail cancel" });
      settle(opts, true, { type: files[0].fileType, tempFiles: files, errMsg: "chooseMedia:ok" });
    },
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ""),
    setStorageSync: (key, value) => { storage.set(key, value); },
    removeStorageSync: (key) => { storage.delete(key); },
    clearStorageSync: () => storage.clear(),
    canIUse: (name) => typeof wx[String(name).split(".")[0]] === "function",
    getSystemInfoSync: () => ({ brand: "node", model: "wx-shim", system: process.platform, platform: "devtools",
      version: "8.0.0", SDKVersion: "3.0.0" }),
    getSystemInfo(opts) { settle(opts, true, { ...wx.getSystemInfoSync(), errMsg: "getSystemInfo:ok" }); },
    getAppBaseInfo: () => ({ SDKVersion: "3.0.0", version: "8.0.0" }),
    getDeviceInfo: () => ({ brand: "node", model: "wx-shim", system: process.platform, platform: "devtools" }),
    getNetworkType(opts) { settle(opts, true, { networkType: "wifi", errMsg: "getNetworkType:ok" }); },
    onNetworkStatusChange() {},
    // Test controls (not part of wx).
    shim: {
      log,
      refused,
      storage,
      /** The files the next wx.chooseMedia answers with: [{ tempFilePath, size, fileType }]. */
      choose(files) { chosen = files; },
      loginAs(name) { user = name; },
    },
  };
  return wx;
}

module.exports = { createWx, DEFAULT_CLOUD_HOSTS };

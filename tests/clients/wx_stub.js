// A minimal `wx` for running mini-program upload SDKs in Node against the local stack.
//
// wx.request / wx.uploadFile do real HTTP to the stack: a cloud hostname the SDK hard-codes is mapped to the
// emulator (like a DNS entry, the request keeps its Host), anything unmapped fails as an offline phone would.
// wx.uploadFile sends a real multipart/form-data POST. Files live on the local disk.
'use strict';
const fs = require('fs');
const http = require('http');
const crypto = require('crypto');

function createWx(hostMap) {
  const storage = new Map();
  const refused = [];  // the error answers the stack gave, for tests (SDKs often surface only their own codes)

  function send({ url, method = 'GET', header = {}, body, timeout }, done) {
    const target = new URL(url);
    const mapped = hostMap[target.host] || hostMap[target.hostname];
    if (!mapped) {
      setImmediate(() => done(new Error(`request:fail ${target.host} is not reachable offline`)));
      return { abort() {}, onProgressUpdate() {} };
    }
    const to = new URL(mapped);
    const headers = { ...header, Host: target.host };
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const request = http.request({ host: to.hostname, port: to.port, method, path: target.pathname + target.search,
                                   headers, timeout: timeout || 30000 }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const answer = Buffer.concat(chunks);
        if (response.statusCode >= 400) refused.push({ statusCode: response.statusCode, body: answer.toString() });
        done(null, { statusCode: response.statusCode, header: response.headers, body: answer });
      });
    });
    request.on('error', (error) => done(error));
    if (body !== undefined) request.write(body);
    request.end();
    return { abort() { request.destroy(); }, onProgressUpdate() {} };
  }

  function toBody(data, header) {
    if (data === undefined || data === null) return undefined;
    if (typeof data === 'string') return Buffer.from(data);
    if (data instanceof ArrayBuffer) return Buffer.from(data);
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const type = Object.keys(header).find((name) => name.toLowerCase() === 'content-type');
    if (!type) header['Content-Type'] = 'application/json';
    return Buffer.from(JSON.stringify(data));
  }

  function decode(body, dataType, responseType) {
    if (responseType === 'arraybuffer') return body.buffer.slice(body.byteOffset, body.byteOffset + body.length);
    const text = body.toString('utf8');
    if (dataType === 'json') { try { return JSON.parse(text); } catch (e) { return text; } }
    return text;
  }

  const wx = {
    refused,
    request(options) {
      const header = { ...(options.header || {}) };
      const body = toBody(options.data, header);
      return send({ url: options.url, method: options.method, header, body, timeout: options.timeout },
        (error, response) => {
          if (error) return options.fail && options.fail({ errMsg: String(error.message) });
          options.success && options.success({ statusCode: response.statusCode, header: response.header,
            data: decode(response.body, options.dataType === undefined ? 'json' : options.dataType,
                         options.responseType) });
        });
    },
    uploadFile(options) {
      const boundary = '----wxstub' + crypto.randomBytes(8).toString('hex');
      const parts = [];
      for (const [name, value] of Object.entries(options.formData || {})) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
      }
      const filename = options.filePath.split('/').pop();
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${options.name}"; ` +
                             `filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
      parts.push(fs.readFileSync(options.filePath), Buffer.from(`\r\n--${boundary}--\r\n`));
      const header = { ...(options.header || {}), 'Content-Type': `multipart/form-data; boundary=${boundary}` };
      return send({ url: options.url, method: 'POST', header, body: Buffer.concat(parts), timeout: options.timeout },
        (error, response) => {
          if (error) return options.fail && options.fail({ errMsg: `uploadFile:fail ${error.message}` });
          options.success && options.success({ statusCode: response.statusCode, header: response.header,
                                                data: response.body.toString('utf8') });
        });
    },
    getFileSystemManager() {
      return {
        readFile({ filePath, position, length, encoding, success, fail }) {
          try {
            let data = fs.readFileSync(filePath);
            if (position !== undefined) data = data.subarray(position, position + (length ?? data.length));
            const out = encoding ? data.toString(encoding) : data.buffer.slice(data.byteOffset,
                                                                               data.byteOffset + data.length);
            setImmediate(() => success && success({ data: out }));
          } catch (error) { setImmediate(() => fail && fail({ errMsg: `readFile:fail ${error.message}` })); }
        },
        stat({ path, success, fail }) {
          try {
            const stats = fs.statSync(path);
            setImmediate(() => success && success({ stats: { size: stats.size, isDirectory: () => stats.isDirectory(),
                                                             isFile: () => stats.isFile() } }));
          } catch (error) { setImmediate(() => fail && fail({ errMsg: `stat:fail ${error.message}` })); }
        },
      };
    },
    setStorageSync(key, value) { storage.set(key, value); },
    getStorageSync(key) { return storage.has(key) ? storage.get(key) : ''; },
    removeStorageSync(key) { storage.delete(key); },
    canIUse() { return false; },
    getSystemInfoSync() { return { platform: 'devtools', version: '8.0.0', system: 'node', SDKVersion: '3.0.0' }; },
    getSystemInfo({ success }) { success && success(wx.getSystemInfoSync()); },
    getNetworkType({ success }) { success && success({ networkType: 'wifi' }); },
    onNetworkStatusChange() {},
  };
  return wx;
}

module.exports = { createWx };

// vod-wx-sdk-v2 under the wx shim: getSignature -> POST /tencent/vod/signature, the SDK's own
// ApplyUploadUGC / COS (relayed by vod2.qcloud.com with Vod-Forward-Cos) / CommitUploadUGC, then the row.
// argv[2]: {"gateway", "emulator", "user", "size", "name"}. Prints one JSON line with the outcome.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { createWx } = require('./wx_shim');
const { call, login, waitForRow } = require('./stack_client');

/** The error answers the stack gives (the SDK reports only its own code): wraps wx.request, not the SDK. */
function watchRefusals(wx) {
  const refused = [];
  const request = wx.request;
  wx.request = (options) => request({ ...options, success(result) {
    if (result.statusCode >= 400 && !String(options.url).includes('vodreport.')) {
      refused.push({ statusCode: result.statusCode, body: String(result.data) });
    }
    if (options.success) options.success(result);
  } });
  return refused;
}

async function main() {
  const config = JSON.parse(process.argv[2]);
  // Every hostname resolves to the local emulator (the SDK's usage reports to vodreport.qcloud.com get its 404,
  // nothing leaves loopback); the SDK itself sends all its requests to vod2.qcloud.com.
  global.wx = createWx({ emulatorUrl: config.emulator, cloudHosts: [/./] });
  const refused = watchRefusals(global.wx);
  // The mini-program runtime's globals the SDK bundle reads at load time.
  global.window = global;
  global.getCurrentPages = () => [];
  const VodUploader = require('vod-wx-sdk-v2');
  const token = await login(config.gateway, config.user);
  // A wx.chooseMedia temp file: the SDK keys resume state on a 32-character file name.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wx-tmp-'));
  const file = path.join(dir, crypto.randomBytes(16).toString('hex') + '.mp4');
  const bytes = Buffer.alloc(config.size);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 13 + 5) % 253;
  fs.writeFileSync(file, bytes);
  const outcome = await new Promise((resolve) => {
    VodUploader.start({
      mediaFile: { tempFilePath: file, size: config.size, duration: 3 },
      mediaName: config.name,
      getSignature(callback) {
        call(config.gateway, '/tencent/vod/signature', token, {}).then((answer) => callback(answer.signature));
      },
      progress() {},
      finish(result) { resolve({ ok: true, result }); },
      error(error) { resolve({ ok: false, error }); },
    });
  });
  if (!outcome.ok) {
    console.log('RESULT ' + JSON.stringify({ ok: false, error: outcome.error, refused }));
    return;
  }
  const row = await waitForRow(config.gateway, token, outcome.result.fileId);
  console.log('RESULT ' + JSON.stringify({ ok: true, finish: outcome.result, row }));
}

// The SDK leaves its upload promise's rejection unhandled after reporting the error through `error`.
process.on('unhandledRejection', () => {});
main().catch((error) => { console.error(error); process.exit(1); });

// cos-wx-sdk-v5 under the wx shim, getAuthorization -> POST /tencent/cos/sts:
// postObject (a form with a request signature in `Signature`) or sliceUploadFile (multipart).
// argv[2]: {"gateway", "emulator", "user", "size", "name", "method", "outside"?}. Prints one RESULT line.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createWx } = require('./wx_shim');
const { call, login, waitForRow } = require('./stack_client');

/** COS's answer inside the SDK's error (sliceUploadFile nests it as error.error, with the step that failed). */
function cosRefusal(error) {
  for (let e = error; e && typeof e === 'object'; e = e.error) {
    if (e.statusCode && e.error && e.error.Code) return { statusCode: e.statusCode, code: e.error.Code };
  }
  return { statusCode: undefined, code: undefined, detail: JSON.stringify(error).slice(0, 500) };
}

async function main() {
  const config = JSON.parse(process.argv[2]);
  const token = await login(config.gateway, config.user);
  const first = await call(config.gateway, '/tencent/cos/sts', token, {});
  // Every hostname resolves to the local emulator, so nothing leaves loopback.
  global.wx = createWx({ emulatorUrl: config.emulator, cloudHosts: [/./] });
  global.window = global;
  global.getCurrentPages = () => [];
  const COS = require('cos-wx-sdk-v5');
  const cos = new COS({
    getAuthorization(options, callback) {
      call(config.gateway, '/tencent/cos/sts', token, {}).then((sts) => callback({
        TmpSecretId: sts.credentials.tmpSecretId,
        TmpSecretKey: sts.credentials.tmpSecretKey,
        SecurityToken: sts.credentials.sessionToken,
        StartTime: sts.startTime,
        ExpiredTime: sts.expiredTime,
      }));
    },
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wx-cos-')), config.name);
  const bytes = Buffer.alloc(config.size);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 17 + 3) % 241;
  fs.writeFileSync(file, bytes);
  const key = config.outside || first.prefix + config.name;
  const params = { Bucket: first.bucket, Region: first.region, Key: key, FilePath: file, FileSize: config.size };
  try {
    const data = await new Promise((resolve, reject) => cos[config.method](params, (err, out) => (
      err ? reject(err) : resolve(out))));
    const row = await waitForRow(config.gateway, token, `${first.bucket}/${key}`);
    console.log('RESULT ' + JSON.stringify({ ok: true, key, etag: data.ETag, statusCode: data.statusCode, row }));
  } catch (error) {
    console.log('RESULT ' + JSON.stringify({ ok: false, key, ...cosRefusal(error) }));
  }
}

main().catch((error) => { console.error(error); process.exit(1); });

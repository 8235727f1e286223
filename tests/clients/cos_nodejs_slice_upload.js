// cos-nodejs-sdk-v5 sliceUploadFile against the local stack, with getAuthorization -> POST /tencent/cos/sts.
// argv[2]: {"gateway", "emulator", "user", "size", "name", "outside"?}. Prints one JSON line with the outcome.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const COS = require('cos-nodejs-sdk-v5');
const { call, login, waitForRow } = require('./stack_client');

async function main() {
  const config = JSON.parse(process.argv[2]);
  const token = await login(config.gateway, config.user);
  const first = await call(config.gateway, '/tencent/cos/sts', token, {});
  const emulator = new URL(config.emulator);
  const cos = new COS({
    // Connect to this address with the bucket's real Host (the SDK's option for a private endpoint IP), over http.
    Ip: emulator.host,
    Protocol: 'http:',
    getAuthorization(options, callback) {
      call(config.gateway, '/tencent/cos/sts', token, {}).then((sts) => callback({
        TmpSecretId: sts.credentials.tmpSecretId,
        TmpSecretKey: sts.credentials.tmpSecretKey,
        SecurityToken: sts.credentials.sessionToken,
        StartTime: sts.startTime,
        ExpiredTime: sts.expiredTime,
      }), (error) => callback({ error: String(error) }));
    },
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cos-slice-')), config.name);
  const bytes = Buffer.alloc(config.size);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + 7) % 251;
  fs.writeFileSync(file, bytes);
  const key = config.outside ? config.outside : first.prefix + config.name;
  try {
    const data = await cos.sliceUploadFile({ Bucket: first.bucket, Region: first.region, Key: key, FilePath: file });
    const row = await waitForRow(config.gateway, token, `${first.bucket}/${key}`);
    console.log('RESULT ' + JSON.stringify({ ok: true, key, bucket: first.bucket, etag: data.ETag, row }));
  } catch (error) {
    console.log('RESULT ' + JSON.stringify({ ok: false, key, statusCode: error.statusCode, code: error.code,
                                 message: error.message }));
  }
}

main().catch((error) => { console.error(error); process.exit(1); });

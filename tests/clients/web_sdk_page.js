// The browser test page's two flows, each from login to the ready row: cos-js-sdk-v5 and vod-js-sdk-v6.
// Both SDKs run as published; the page only supplies getAuthorization / getSignature from upvend.
'use strict';

function testFile(name, size, type, seed) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * seed + 11) % 249;
  return new File([bytes], name, { type });
}

function cosCall(cos, method, params) {
  return new Promise((resolve, reject) => cos[method](params, (err, data) => (err ? reject(err) : resolve(data))));
}

function cosFailure(error) {
  return { ok: false, statusCode: error.statusCode, code: (error.error && error.error.Code) || error.code,
           message: String(error.message || (error.error && error.error.Message) || '') };
}

window.runCosJs = async function runCosJs(config) {
  const { call, login, waitForRow } = window.stackClient;
  const token = await login(config.gateway, config.user);
  const first = await call(config.gateway, '/tencent/cos/sts', token, {});
  const cos = new COS({
    getAuthorization(options, callback) {
      call(config.gateway, '/tencent/cos/sts', token, {}).then((sts) => callback({
        TmpSecretId: sts.credentials.tmpSecretId, TmpSecretKey: sts.credentials.tmpSecretKey,
        SecurityToken: sts.credentials.sessionToken, StartTime: sts.startTime, ExpiredTime: sts.expiredTime,
      }));
    },
  });
  const key = config.outside || first.prefix + config.name;
  const file = testFile(config.name, config.size, 'image/jpeg', 7);
  try {
    const data = await cosCall(cos, config.method, { Bucket: first.bucket, Region: first.region, Key: key,
                                                     Body: file });
    const row = await waitForRow(config.gateway, token, `${first.bucket}/${key}`);
    return { ok: true, key, bucket: first.bucket, etag: data.ETag, row };
  } catch (error) {
    return cosFailure(error);
  }
};

window.runVodJs = async function runVodJs(config) {
  const { call, login, waitForRow } = window.stackClient;
  const token = await login(config.gateway, config.user);
  const tcVod = new TcVod.default({
    getSignature: () => call(config.gateway, '/tencent/vod/signature', token, {}).then((answer) => answer.signature),
  });
  const uploader = tcVod.upload({ mediaFile: testFile(config.name, config.size, 'video/mp4', 5) });
  let done;
  try {
    done = await uploader.done();
  } catch (error) {
    return cosFailure(error);
  }
  const row = await waitForRow(config.gateway, token, done.fileId);
  // The SDK's own COS client holds the temporary key it was given: it cannot write beside its storage path.
  let outside;
  try {
    await cosCall(uploader.cos, 'putObject', { Bucket: config.vodBucket, Region: config.vodRegion,
                                               Key: 'elsewhere/' + config.name, Body: 'x' });
    outside = { ok: true };
  } catch (error) {
    outside = cosFailure(error);
  }
  return { ok: true, fileId: done.fileId, videoUrl: done.video.url, row, outside };
};

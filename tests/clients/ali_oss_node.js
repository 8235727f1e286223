// ali-oss in Node against the local stack: login -> /aliyun/sts -> put and multipartUpload, then the refusals.
// Usage: node ali_oss_node.js <gateway URL> <emulator URL> <user name>; prints one JSON line of results.
"use strict";

const http = require("http");
const OSS = require("ali-oss");
const { refusal, testBytes } = require("./sdk_outcomes");

const [gateway, emulator, name] = process.argv.slice(2);
const MiB = 1024 * 1024;

// The only non-endpoint option: a hostname mapping. Node's resolver (glibc getaddrinfo) does not resolve
// *.localhost, which browsers and curl map to loopback; this agent does the same, like a hosts entry.
function loopbackLookup(hostname, options, callback) {
  if (typeof options === "function") [options, callback] = [{}, options];
  if (!/\.localhost\.?$/i.test(hostname)) return require("dns").lookup(hostname, options, callback);
  if (options && options.all) return callback(null, [{ address: "127.0.0.1", family: 4 }]);
  return callback(null, "127.0.0.1", 4);
}
const agent = new http.Agent({ keepAlive: true, lookup: loopbackLookup });

async function api(path, token, body) {
  const answer = await fetch(gateway + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body || {}),
  });
  if (!answer.ok) throw new Error(`${path} answered ${answer.status}: ${await answer.text()}`);
  return answer.json();
}

function bytes(size, seed) {
  return Buffer.from(testBytes(size, seed));
}

async function main() {
  const { token } = await api("/auth/wechat", null, { code: `test-${name}` });
  const sts = await api("/aliyun/sts", token, {});
  const client = new OSS({
    endpoint: sts.endpoint, bucket: sts.bucket,
    accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret, stsToken: sts.securityToken,
    agent,
  });
  const putKey = `${sts.prefix}node/photo.jpg`;
  const put = await client.put(putKey, bytes(2048, 7), { mime: "image/jpeg" });
  const bigKey = `${sts.prefix}node/clip.mp4`;
  const big = bytes(2 * MiB + 12345, 3);
  const multipart = await client.multipartUpload(bigKey, big, { partSize: MiB, mime: "video/mp4" });
  const stolen = `uploads/o-someone-else/${name}.mp4`;
  const outsidePut = await refusal(client.put(stolen, bytes(10, 1)));
  const outsideMultipart = await refusal(client.multipartUpload(stolen, big, { partSize: MiB }));

  const expire = await fetch(`${emulator}/_emulator/aliyun/keys/${sts.accessKeyId}/expire`, { method: "POST" });
  if (!expire.ok) throw new Error(`could not expire the key: ${expire.status}`);
  const expired = await refusal(client.put(`${sts.prefix}node/late.jpg`, bytes(10, 2)));

  process.stdout.write(JSON.stringify({
    token, bucket: sts.bucket, endpoint: sts.endpoint,
    put: { key: putKey, status: put.res.status, etag: put.res.headers.etag },
    multipart: { key: bigKey, status: multipart.res.status, etag: multipart.etag, size: big.length },
    outsidePut, outsideMultipart, expired,
  }) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});

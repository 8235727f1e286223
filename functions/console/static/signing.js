// Request signatures the storage services check, computed in the browser with WebCrypto (HMAC-SHA1).
// The keys used here are the short-lived, one-object credentials the upvend functions handed out.

const utf8 = new TextEncoder();

async function hmacSha1(key, message) {
  const raw = typeof key === "string" ? utf8.encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, utf8.encode(message)));
}

async function sha1Hex(message) {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-1", utf8.encode(message))));
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function base64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

/** UTF-8 percent-encoding of everything but letters, digits and `-_.~` (what COS signs). */
export function cosEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function cosPairs(items) {
  const encoded = Object.entries(items)
    .map(([k, v]) => [cosEncode(k.toLowerCase()), cosEncode(String(v))])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { text: encoded.map(([k, v]) => `${k}=${v}`).join("&"), list: encoded.map(([k]) => k).join(";") };
}

/**
 * The COS XML API `Authorization` value (q-sign-algorithm=sha1...) for one request.
 * `path` is the decoded object path ("/dir/file.png"); `headers` are the headers to sign.
 */
export async function cosAuthorization({ secretId, secretKey, method, path, params = {}, headers = {}, keyTime }) {
  const signKey = hex(await hmacSha1(secretKey, keyTime));
  const p = cosPairs(params);
  const h = cosPairs(headers);
  const httpString = `${method.toLowerCase()}\n${path}\n${p.text}\n${h.text}\n`;
  const stringToSign = `sha1\n${keyTime}\n${await sha1Hex(httpString)}\n`;
  const signature = hex(await hmacSha1(signKey, stringToSign));
  return [
    "q-sign-algorithm=sha1", `q-ak=${secretId}`, `q-sign-time=${keyTime}`, `q-key-time=${keyTime}`,
    `q-header-list=${h.list}`, `q-url-param-list=${p.list}`, `q-signature=${signature}`,
  ].join("&");
}

/**
 * The OSS header signature V1 (`OSS <AccessKeyId>:<Signature>`). Browsers may not set `Date`, so the
 * time travels in `x-oss-date`, which then takes the Date line of the string to sign.
 */
export async function ossAuthorization({ accessKeyId, accessKeySecret, method, bucket, key, headers }) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const ossHeaders = Object.keys(lower).filter((k) => k.startsWith("x-oss-")).sort();
  const canonical = ossHeaders.map((k) => `${k}:${lower[k].trim()}\n`).join("");
  const stringToSign = [
    method.toUpperCase(), lower["content-md5"] || "", lower["content-type"] || "", lower["x-oss-date"] || lower.date || "",
    `${canonical}/${bucket}/${key}`,
  ].join("\n");
  return `OSS ${accessKeyId}:${base64(await hmacSha1(accessKeySecret, stringToSign))}`;
}

// What every client script needs from the local stack: log in, call upvend, wait for the row at GET /media.
// Loaded by Node scripts (require) and by the browser test page (window.stackClient).
'use strict';

async function call(gateway, path, token, body) {
  const response = await fetch(gateway + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

async function login(gateway, user) {
  return (await call(gateway, '/auth/wechat', null, { code: 'test-' + user })).token;
}

async function waitForRow(gateway, token, mediaId, status = 'ready', timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = (await call(gateway, '/media?limit=100', token)).items.filter((item) => item.mediaId === mediaId);
    if (seen.length && seen[0].status === status) return seen[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${mediaId} did not reach ${status}: ${JSON.stringify(seen)}`);
}

if (typeof module !== 'undefined') module.exports = { call, login, waitForRow };
else window.stackClient = { call, login, waitForRow };

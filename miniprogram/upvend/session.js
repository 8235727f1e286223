// Sign-in and API calls: wx.login → POST /auth/wechat → a session token kept in storage,
// sent as `Authorization: Bearer`, and renewed once when the API answers 401.

const { UpvendError } = require("./errors");

const STORAGE_KEY = "upvend.session";

/** wx.request as a promise; resolves with { statusCode, data } for every HTTP answer. */
function wxRequest(wx, options) {
  return new Promise((resolve, reject) => {
    wx.request({
      ...options,
      success: resolve,
      fail: (res) => reject(new UpvendError(`The upvend API could not be reached (${res.errMsg}).`)),
    });
  });
}

function wxLogin(wx) {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code)
        : reject(new UpvendError("wx.login gave no code.", { code: "login_failed" }))),
      fail: (res) => reject(new UpvendError(`wx.login failed (${res.errMsg}).`, { code: "login_failed" })),
    });
  });
}

function errorOf(response) {
  const error = (response.data && response.data.error) || {};
  return new UpvendError(error.message || `The upvend API answered HTTP ${response.statusCode}.`,
    { status: response.statusCode, code: error.code || `http_${response.statusCode}` });
}

/**
 * A session against the upvend API at `baseUrl`. `devLoginCode` (local stack only) replaces the wx.login
 * code with a test code the emulated WeChat accepts, e.g. "test-alice"; real WeChat refuses it.
 *   session.signIn()                 wx.login and exchange the code; returns the token
 *   session.call(method, path, body) JSON call with the token; signs in when needed, renews once on 401
 */
function createSession({ wx, baseUrl, timeout = 15000, devLoginCode = "" }) {
  const base = baseUrl.replace(/\/+$/, "");

  function stored() {
    const saved = wx.getStorageSync(STORAGE_KEY);
    return saved && saved.token ? saved : null;
  }

  async function signIn() {
    const code = devLoginCode || await wxLogin(wx);
    const response = await wxRequest(wx, { url: `${base}/auth/wechat`, method: "POST", data: { code }, timeout });
    if (response.statusCode !== 200) throw errorOf(response);
    const { token, expiresIn } = response.data;
    wx.setStorageSync(STORAGE_KEY, { token, expiresAt: Date.now() + expiresIn * 1000 });
    return token;
  }

  async function send(method, path, body, token) {
    const options = { url: `${base}${path}`, method, timeout, header: { Authorization: `Bearer ${token}` } };
    if (body !== undefined) options.data = body;
    return wxRequest(wx, options);
  }

  async function call(method, path, body) {
    const saved = stored();
    let response = await send(method, path, body, saved ? saved.token : await signIn());
    if (response.statusCode === 401) {  // expired or revoked: one fresh sign-in, then the same call again
      response = await send(method, path, body, await signIn());
    }
    if (response.statusCode < 200 || response.statusCode >= 300) throw errorOf(response);
    return response.data;
  }

  return {
    signIn,
    call,
    signedIn: () => stored() !== null,
    signOut: () => wx.removeStorageSync(STORAGE_KEY),
    token: () => (stored() || {}).token || "",
  };
}

module.exports = { createSession, STORAGE_KEY };

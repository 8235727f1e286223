// Shared by the console and the upload demo: configuration, the session token, API calls, formatting.

const TOKEN_KEY = "upvend.token";

export class ApiError extends Error {
  constructor(message, { status = 0, code = "", requestId = "" } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

let configPromise = null;

/** The page configuration served next to the pages (`apiBase`: '' means the pages' own origin). */
export function pageConfig() {
  if (!configPromise) {
    const url = new URL("../config.json", import.meta.url);
    configPromise = fetch(url, { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : { apiBase: "" }))
      .catch(() => ({ apiBase: "" }));
  }
  return configPromise;
}

/** Call the upvend API; answers the parsed JSON or throws ApiError with the server's message. */
export async function api(path, { method = "GET", body, token, query } = {}) {
  const { apiBase } = await pageConfig();
  const url = new URL((apiBase || "") + path, location.href);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, {
      method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(`Cannot reach the upvend API at ${url.origin} (${err.message}).`, { code: "network" });
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(error.message || `The API answered HTTP ${response.status}.`, {
      status: response.status, code: error.code || `http_${response.status}`, requestId: error.requestId || "",
    });
  }
  return data;
}

function base64UrlBytes(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** The claims of a JWT, read without verifying (the API verifies); null when it is not a JWT. */
export function tokenClaims(token) {
  const parts = String(token || "").trim().split(".");
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(base64UrlBytes(parts[1])));
    return claims && typeof claims === "object" && typeof claims.sub === "string" ? claims : null;
  } catch {
    return null;
  }
}

export const session = {
  /** The stored token while it has not expired, else null. */
  token() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const claims = tokenClaims(token);
    if (!claims || (typeof claims.exp === "number" && claims.exp * 1000 <= Date.now())) {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return token;
  },
  user() {
    const claims = tokenClaims(this.token());
    return claims ? claims.sub : null;
  },
  save(token) {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Exchange a WeChat login code (the local stack takes `test-<name>`) for a session token. */
export async function signInWithCode(code) {
  const answer = await api("/auth/wechat", { method: "POST", body: { code: code.trim() } });
  session.save(answer.token);
  return answer.token;
}

/** Keep a pasted session token after checking that it is a current upvend JWT. */
export function signInWithToken(text) {
  const claims = tokenClaims(text);
  if (!claims) throw new Error("That is not a session token: paste the JWT that POST /auth/wechat returned.");
  if (typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) {
    throw new Error("That session token has expired; get a new one.");
  }
  session.save(text);
  return text.trim();
}

/** Show `text` in a message element (role=alert or status); empty text hides it. */
export function say(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

export function describeError(err) {
  if (err instanceof ApiError && err.requestId) return `${err.message} (request ${err.requestId})`;
  return err && err.message ? err.message : String(err);
}

function signInPanel() {
  const code = element("input", { id: "code", name: "code", autocomplete: "off", required: "", maxlength: "256",
    placeholder: "test-alice" });
  const codeLabel = element("label", { for: "code" }, "WeChat login code ");
  codeLabel.append(element("span", { class: "hint" }, "(local stack: test-<name>)"));
  const line = element("div", { class: "inline" });
  line.append(code, element("button", { type: "submit" }, "Sign in"));
  const codeForm = element("form", { id: "code-form", class: "row-form" });
  codeForm.append(codeLabel, line);

  const tokenForm = element("form", { id: "token-form", class: "row-form" });
  tokenForm.append(
    element("label", { for: "pasted-token" }, "…or paste a session token (the JWT from POST /auth/wechat)"),
    element("textarea", { id: "pasted-token", rows: "2", required: "", spellcheck: "false",
      placeholder: "eyJhbGciOi…" }),
    element("button", { type: "submit" }, "Use token"),
  );
  const panel = element("section", { id: "signin", class: "card", hidden: "" });
  panel.append(element("h2", {}, "Sign in"), codeForm, tokenForm,
    element("p", { id: "signin-error", class: "error", role: "alert", hidden: "" }));

  const signedIn = element("section", { id: "signed-in", class: "whoami", hidden: "" }, "Signed in as ");
  signedIn.append(element("strong", { id: "who" }),
    element("button", { id: "signout", type: "button", class: "secondary" }, "Sign out"));
  document.getElementById("session").replaceChildren(panel, signedIn);
  return { panel, signedIn, codeForm, tokenForm, code, pasted: tokenForm.querySelector("textarea"),
    error: panel.querySelector("#signin-error"), who: signedIn.querySelector("#who"),
    signOutButton: signedIn.querySelector("#signout") };
}

/**
 * Build the sign-in panel both pages share (into `#session`). `onChange(user)` runs after sign-in and
 * sign-out (user null). Returns a function that signs out with an optional message.
 */
export function mountSignIn(onChange) {
  const ui = signInPanel();
  const show = (message) => {
    const user = session.user();
    ui.panel.hidden = Boolean(user);
    ui.signedIn.hidden = !user;
    ui.who.textContent = user || "";
    say(ui.error, message || "");
    onChange(user);
  };
  ui.codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = ui.codeForm.querySelector("button");
    button.disabled = true;
    say(ui.error, "");
    try {
      await signInWithCode(ui.code.value);
      show();
    } catch (err) {
      say(ui.error, `Sign-in failed: ${describeError(err)}`);
    } finally {
      button.disabled = false;
    }
  });
  ui.tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      signInWithToken(ui.pasted.value);
      ui.pasted.value = "";
      show();
    } catch (err) {
      say(ui.error, `Sign-in failed: ${describeError(err)}`);
    }
  });
  const signOut = (message) => {
    session.clear();
    show(message);
  };
  ui.signOutButton.addEventListener("click", () => signOut());
  show();
  return signOut;
}

/** Only http(s) URLs are ever put into src or href (stored URLs are data, not trusted markup). */
export function safeUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function formatBytes(size) {
  if (typeof size !== "number" || !Number.isFinite(size)) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS UTC` (the API's times are UTC). */
export function formatTime(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "—";
  return `${when.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

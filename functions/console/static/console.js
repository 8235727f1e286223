// The media console: the signed-in user's uploads from GET /media, filtered, refreshed by polling.

import {
  api, describeError, element, formatBytes, formatTime, mountSignIn, safeUrl, say, session,
} from "./common.js";

const PAGE_SIZE = 50;
const params = new URLSearchParams(location.search);
const refreshMs = Math.max(500, Number(params.get("refresh")) || 3000);

const table = document.getElementById("media");
const body = document.getElementById("media-rows");
const empty = document.getElementById("empty");
const status = document.getElementById("refresh-status");
const failure = document.getElementById("list-error");
const more = document.getElementById("load-more");
const filters = { provider: document.getElementById("filter-provider"), status: document.getElementById("filter-status") };

let head = [];   // the newest page, replaced by every refresh
let older = [];  // pages fetched with "Load more"
let cursor = null;
let timer = null;
let shown = "";
let generation = 0; // drops answers of requests started before a filter change

function query(extra = {}) {
  return { provider: filters.provider.value, status: filters.status.value, limit: PAGE_SIZE, ...extra };
}

// GET /media signs playUrl / thumbnailUrl per answer (short-lived); the rest of a row is what it stores.
const SIGNED = ["playUrl", "thumbnailUrl", "urlsExpireAt"];
const stored = (item) => Object.fromEntries(Object.entries(item).filter(([name]) => !SIGNED.includes(name)));

function latest(id) {
  return [...head, ...older].find((item) => item.id === id);
}

function thumbnail(item) {
  const cell = element("td", { class: "thumb-cell", "data-label": "Preview" });
  const src = safeUrl(item.thumbnailUrl);
  if (src) {
    const img = element("img", { class: "thumb", src, alt: item.title || "thumbnail", loading: "lazy",
      referrerpolicy: "no-referrer" });
    img.addEventListener("error", () => img.replaceWith(element("span", { class: "thumb placeholder" }, "?")));
    cell.append(img);
  } else {
    cell.append(element("span", { class: "thumb placeholder", title: item.kind }, item.kind.slice(0, 1).toUpperCase()));
  }
  return cell;
}

function row(item) {
  const tr = element("tr", { "data-id": item.id, "data-status": item.status, "data-provider": item.provider });
  tr.append(thumbnail(item));
  const title = element("td", { class: "title", "data-label": "Title" });
  title.append(element("span", {}, item.title || item.objectKey?.split("/").pop() || item.mediaId));
  title.append(element("small", { class: "media-id" }, item.mediaId));
  tr.append(title);
  tr.append(element("td", { "data-label": "Provider" }, item.provider));
  tr.append(element("td", { "data-label": "Kind" }, item.kind));
  const badge = element("td", { "data-label": "Status" });
  badge.append(element("span", { class: `badge status-${item.status}` }, item.status));
  tr.append(badge);
  tr.append(element("td", { "data-label": "Size", class: "num" }, formatBytes(item.size)));
  tr.append(element("td", { "data-label": "Created", title: item.createdAt }, formatTime(item.createdAt)));
  const link = element("td", { "data-label": "Media" });
  const href = safeUrl(item.playUrl);
  if (href) {
    link.append(element("a", { href, target: "_blank", rel: "noopener noreferrer", class: "media-link" }, "Open"));
    if (item.kind === "video" || item.kind === "audio") link.append(playButton(item.id));
  } else {
    link.textContent = "—";
  }
  tr.append(link);
  const actions = element("td", { "data-label": "Actions" });
  if (item.status !== "deleted") actions.append(deleteButton(item.id));
  tr.append(actions);
  return tr;
}

// Two clicks: the first asks ("Delete?"), the second calls DELETE /media/{id}; the row then leaves the list.
function deleteButton(id) {
  const button = element("button", { type: "button", class: "delete secondary" }, "Delete");
  button.addEventListener("click", async () => {
    if (button.dataset.armed !== "yes") {
      button.dataset.armed = "yes";
      button.textContent = "Delete? Click again";
      return;
    }
    button.disabled = true;
    try {
      await api(`/media/${encodeURIComponent(id)}`, { method: "DELETE", token: session.token() });
      const keep = (item) => item.id !== id;
      head = head.filter(keep);
      older = older.filter(keep);
      say(failure, "");
      render();
    } catch (err) {
      button.disabled = false;
      say(failure, `Could not delete it: ${describeError(err)}`);
    }
  });
  return button;
}

// Plays in the row with the newest signed URL (the one rendered earlier may have expired since).
function playButton(id) {
  const button = element("button", { type: "button", class: "play" }, "Play");
  button.addEventListener("click", () => {
    const src = safeUrl(latest(id)?.playUrl);
    if (!src) return;
    const player = element("video", { class: "player", controls: "", preload: "auto", src, "data-id": id });
    player.addEventListener("error", () => {
      player.replaceWith(element("span", { class: "play-error" }, "Could not play it (the link may have expired)."));
    });
    button.replaceWith(player);
    player.play().catch(() => {});
  });
  return button;
}

function render() {
  const seen = new Set();
  const items = [...head, ...older].filter((item) => !seen.has(item.id) && seen.add(item.id));
  const fingerprint = JSON.stringify(items.map(stored));
  if (fingerprint !== shown) {
    shown = fingerprint;
    body.replaceChildren(...items.map(row));
  }
  table.hidden = items.length === 0;
  empty.hidden = items.length !== 0;
  more.hidden = !cursor;
}

async function refresh() {
  clearTimeout(timer);
  const token = session.token();
  if (!token) return;
  const mine = generation;
  try {
    const page = await api("/media", { token, query: query() });
    if (mine !== generation) return;
    head = page.items;
    if (!older.length) cursor = page.nextCursor;
    say(failure, "");
    render();
    status.textContent = `Updated ${formatTime(new Date().toISOString())} · refreshing every ${refreshMs / 1000} s`;
  } catch (err) {
    if (mine !== generation) return;
    if (err.status === 401) {
      signOut(`Your session ended (${err.message}) Sign in again.`);
      return;
    }
    say(failure, `Could not load media: ${describeError(err)}`);
  }
  timer = setTimeout(refresh, refreshMs);
}

async function loadMore() {
  const token = session.token();
  if (!token || !cursor) return;
  more.disabled = true;
  try {
    const page = await api("/media", { token, query: query({ cursor }) });
    older = older.concat(page.items);
    cursor = page.nextCursor;
    render();
  } catch (err) {
    say(failure, `Could not load more: ${describeError(err)}`);
  } finally {
    more.disabled = false;
  }
}

function restart() {
  generation += 1;
  head = [];
  older = [];
  cursor = null;
  shown = "";
  body.replaceChildren();
  refresh();
}

const signOut = mountSignIn((user) => {
  document.getElementById("listing").hidden = !user;
  clearTimeout(timer);
  if (user) restart();
});

for (const select of Object.values(filters)) select.addEventListener("change", restart);
more.addEventListener("click", loadMore);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && session.token()) refresh();
});

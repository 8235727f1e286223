// "My media": GET /media a page at a time, DELETE /media/{id}, and waiting for one upload's row to be final.

/** One page of the caller's media: { items, nextCursor }. */
function listMedia(session, { cursor, limit = 20, provider } = {}) {
  const query = [`limit=${limit}`];
  if (cursor) query.push(`cursor=${encodeURIComponent(cursor)}`);
  if (provider) query.push(`provider=${encodeURIComponent(provider)}`);
  return session.call("GET", `/media?${query.join("&")}`);
}

/**
 * DELETE /media/{id}: the object or VOD media is removed from the cloud and the row answered with status
 * `deleted`. Repeating it is harmless; another user's id (or an unknown one) rejects with status 404.
 */
function deleteMedia(session, id) {
  return session.call("DELETE", `/media/${encodeURIComponent(id)}`);
}

function matches(item, found) {
  return item.provider === found.provider && Object.entries(found.match).every(([k, v]) => item[k] === v);
}

/**
 * Poll GET /media until the row of an upload (`found` from startUpload) is `ready` or `failed`.
 * Resolves with the row; rejects after `timeoutMs`.
 */
async function waitForRow(session, found, { timeoutMs = 60000, everyMs = 1000, onSeen } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await listMedia(session, { provider: found.provider, limit: 50 });
    const row = page.items.find((item) => matches(item, found));
    if (row && onSeen) onSeen(row);
    if (row && (row.status === "ready" || row.status === "failed")) return row;
    if (Date.now() > deadline) {
      throw new Error(`No final media row for ${found.describe} within ${Math.round(timeoutMs / 1000)} s` +
        (row ? ` (last status: ${row.status}).` : "."));
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

module.exports = { listMedia, deleteMedia, waitForRow };

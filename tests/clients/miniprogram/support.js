// What the mini-program tests share: the stack's URLs (from the pytest that starts it), a wx per user,
// a session, and real files to upload.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const crypto = require("crypto");
const zlib = require("zlib");

const { createWx } = require("../wx_shim");
const upvend = require("../../../miniprogram/upvend/index");

const GATEWAY = process.env.UPVEND_GATEWAY_URL;
const EMULATOR = process.env.UPVEND_EMULATOR_URL;
if (!GATEWAY || !EMULATOR) throw new Error("run through tests/clients/test_miniprogram.py (it starts the stack)");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "upvend-mp-"));

function freshUser(prefix = "mp") {
  return `${prefix}${crypto.randomBytes(5).toString("hex")}`;
}

/** A signed-out mini-program for a new user: its wx and its upvend session. */
function client(user = freshUser()) {
  const wx = createWx({ emulatorUrl: EMULATOR, user });
  const session = upvend.createSession({ wx, baseUrl: GATEWAY });
  return { wx, session, user };
}

function png(width = 16, height = 12) {
  const chunk = (kind, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    Buffer.from(kind).copy(out, 4);
    data.copy(out, 8);
    out.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(kind), data])) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x7f);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0;
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

/** A temp file as wx.chooseMedia would give it: { tempFilePath, size, fileType }. */
function tempFile(name, bytes) {
  const file = path.join(tmp, `${crypto.randomBytes(4).toString("hex")}-${name}`);
  fs.writeFileSync(file, bytes);
  return { tempFilePath: file, size: bytes.length, fileType: /\.(mp4|mov)$/.test(name) ? "video" : "image" };
}

function video(size = 4096) {
  const bytes = Buffer.alloc(size, 0x11);
  Buffer.from("\x00\x00\x00\x18ftypmp42", "latin1").copy(bytes);
  return bytes;
}

module.exports = { GATEWAY, EMULATOR, upvend, client, freshUser, png, video, tempFile };

// Reference peer: the smallest Node.js server that does what Showcase does for a phone, with
// Socket.IO 4: a join page and a join form (a cookie, the follower page, compressed as the phone
// asks), and on a slide change: store the position, render a fragment once, push it to the
// conference's room. Usage: node server.js PORT
const http = require("http");
const zlib = require("zlib");
const crypto = require("crypto");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 3000);
const rooms = new Map(); // code -> {conference, seq, position, html}
const participants = new Map(); // cookie token -> {code, name}

function render(c) {
  return `<section class="slide" id="slide-${c.conference}-${c.position}" data-seq="${c.seq}">` +
    `<h2 class="slide__title">Slide ${c.position + 1}: work sample</h2>` +
    `<figure><img src="/media/${c.conference}/${c.position}/phone.webp" alt="A photo of the student's work, slide ${c.position + 1}" width="360" height="270">` +
    `<figcaption>What I am proud of, what was hard, and how I grew.</figcaption></figure>` +
    `<p class="slide__prompt">Ask me a question about this piece of work.</p></section>`;
}

function state(code, conference) {
  let c = rooms.get(code);
  if (!c) {
    c = { conference, seq: 0, position: 0, html: "" };
    c.html = render(c);
    rooms.set(code, c);
  }
  return c;
}

const slide = (c) => ({ conference: c.conference, seq: c.seq, position: c.position, html: c.html });
const filler = "<p>Welcome to the conference. Follow the slides on your phone and send a question.</p>".repeat(30);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    `<meta name="csrf-token" content="${crypto.randomBytes(16).toString("hex")}"></head><body>${body}${filler}</body></html>`;
}

function send(req, res, status, html, headers = {}) {
  const accepts = req.headers["accept-encoding"] || "";
  let body = Buffer.from(html);
  if (/\bbr\b/.test(accepts)) {
    body = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
    headers["Content-Encoding"] = "br";
  } else if (/\bgzip\b/.test(accepts)) {
    body = zlib.gzipSync(body, { level: 6 });
    headers["Content-Encoding"] = "gzip";
  }
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length, ...headers });
  res.end(body);
}

const httpServer = http.createServer((req, res) => {
  const m = req.url.match(/^\/j\/([A-Z0-9]+)$/);
  if (!m) { res.writeHead(404); res.end(); return; }
  const code = m[1];
  if (req.method === "GET") {
    send(req, res, 200, page("Join", `<form method="post"><input name="csrf_token" value="x"><input name="name"></form>`));
    return;
  }
  let raw = "";
  req.on("data", (d) => { raw += d; });
  req.on("end", () => {
    const name = new URLSearchParams(raw).get("name") || "Guest";
    const token = crypto.randomBytes(18).toString("base64url");
    participants.set(token, { code, name });
    send(req, res, 200, page("Following", `<div data-live="follower">${rooms.has(code) ? rooms.get(code).html : ""}</div>`),
         { "Set-Cookie": `session=${token}; HttpOnly; Path=/` });
  });
});

const io = new Server(httpServer, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("join", ({ code, conference, presenter }, ack) => {
    socket.data.code = String(code);
    socket.data.presenter = !!presenter;
    state(socket.data.code, conference);
    socket.join(socket.data.code);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("sync", () => {
    const c = rooms.get(socket.data.code);
    if (c) socket.emit("slide", slide(c));
  });
  socket.on("goto", ({ position }, ack) => {
    const c = rooms.get(socket.data.code);
    if (!c || !socket.data.presenter) return ack && ack({ ok: false });
    c.seq += 1;
    c.position = position;
    c.html = render(c);
    io.to(socket.data.code).emit("slide", slide(c));
    if (typeof ack === "function") ack({ ok: true, seq: c.seq });
  });
});
httpServer.listen(port, () => console.log(`peer listening on ${port}`));

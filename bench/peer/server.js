// Reference peer: the smallest Socket.IO 4 relay that does what Showcase does
// on a slide change (store the position, render a fragment once, push it to
// the conference's room). Usage: node server.js PORT
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 3000);
const io = new Server(port, { transports: ["websocket"], serveClient: false });
const rooms = new Map(); // code -> {conference, seq, position, html}

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
console.log(`peer listening on ${port}`);

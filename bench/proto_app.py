"""Prototype of Showcase's live-slide path, for the issue-4 benchmark.

It implements the same surface as the real app (see bench/README section in
the repo README): /login and /join/<code> forms with CSRF and a `session`
cookie; Socket.IO on /socket.io/ where the server decides presenter vs
follower from the session; `sync` -> `slide`; presenter `goto` -> store,
render the fragment once, push `slide` to the conference's room, ack
{"ok": true, "seq": n}.

Two sub-commands, mirroring `conference-app bench-seed` and a production
server:

    python bench/proto_app.py bench-seed --conferences R --slides S --out F.json
    python bench/proto_app.py serve --seed F.json --port P [--variant ...]

The serve options select the variants measured in bench/NOTES.md.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import sys

MODES = {
    # how the transport is set up
    "ws": ("simple", "simple-deflate", "simple-frames", "geventwebsocket"),
    # how handlers are registered and the slide is pushed
    "emit": ("flask", "server", "prebuilt", "direct"),
}


def parse_args(argv=None):
    """Command line of the two sub-commands."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("bench-seed", help="write R conferences with their presenters")
    s.add_argument("--conferences", type=int, required=True)
    s.add_argument("--slides", type=int, default=40)
    s.add_argument("--out", required=True)
    v = sub.add_parser("serve", help="serve the prototype with gevent")
    v.add_argument("--seed", required=True)
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, required=True)
    v.add_argument("--ws", choices=MODES["ws"], default="simple")
    v.add_argument("--emit", choices=MODES["emit"], default="direct")
    v.add_argument("--async-handlers", action="store_true",
                   help="python-socketio runs each event in its own greenlet")
    v.add_argument("--store", choices=("memory", "sqlite"), default="memory",
                   help="where the current slide is kept before it is pushed")
    v.add_argument("--nagle", action="store_true",
                   help="leave Nagle's algorithm on (gevent's pywsgi default; Node's ws and gunicorn turn it off)")
    v.add_argument("--gc", choices=("default", "log", "freeze"), default="freeze",
                   help="log: report collections over 5 ms on stderr; freeze: gc.freeze() every 2 s "
                        "(long-lived connection objects leave the collector's scans)")
    v.add_argument("--profile", help="write cProfile stats here when stopped (SIGTERM)")
    v.add_argument("--no-patch", action="store_true", help="skip gevent monkey patching")
    return p.parse_args(argv)


def bench_seed(args):
    """Write the seed file the generator reads (same shape as the app's CLI)."""
    rows = [
        {
            "conference": i + 1,
            "code": f"B{i + 1:05d}",
            "username": f"bench-student-{i + 1}",
            "password": f"pw-{i + 1}-bench",
            "slides": args.slides,
        }
        for i in range(args.conferences)
    ]
    with open(args.out, "w") as f:
        json.dump(rows, f)


# --------------------------------------------------------------------------
# The server. Everything below is imported only by `serve`, after monkey
# patching.

SLIDE_TEMPLATE = (
    '<section class="slide" id="slide-{{ c.id }}-{{ c.position }}" data-seq="{{ c.seq }}">'
    '<h2 class="slide__title">Slide {{ c.position + 1 }}: work sample</h2>'
    '<figure><img src="/media/{{ c.id }}/{{ c.position }}/phone.webp" '
    'alt="A photo of the student\'s work, slide {{ c.position + 1 }}" width="360" height="270">'
    "<figcaption>What I am proud of, what was hard, and how I grew.</figcaption></figure>"
    '<p class="slide__prompt">Ask me a question about this piece of work.</p></section>'
)

FORM = (
    "<!doctype html><title>{title}</title><form method=post>"
    '<input type="hidden" name="csrf_token" value="{token}">{fields}'
    "<button>Go</button></form>"
)


def disable_permessage_deflate():
    """Make simple-websocket refuse permessage-deflate.

    simple-websocket 1.1 always accepts the extension when the client offers
    it (every browser does), so each push is zlib-compressed once per phone,
    and each connection keeps a compressor of its own. The reference peer
    (engine.io 6) has perMessageDeflate off by default.
    """
    import simple_websocket.ws as sws
    from wsproto.extensions import PerMessageDeflate

    class Declined(PerMessageDeflate):
        def accept(self, offer):  # wsproto: None means "not accepted"
            return None

    sws.PerMessageDeflate = Declined


def frame_once_per_message():
    """Frame each outgoing text message once, not once per recipient.

    engine.io's writer calls ws.send(text) for every phone; simple-websocket
    frames it through wsproto each time. Without permessage-deflate a server
    frame is the same bytes for every recipient (servers do not mask), so
    the last frame is kept and reused while the text is equal.
    """
    import struct

    from engineio.async_drivers import _websocket_wsgi as w
    import simple_websocket

    last = [None, b""]

    def frame(data: bytes, opcode: int) -> bytes:
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
        return head + data

    def send(self, message):
        ws = self.ws
        if not ws.connected:
            raise OSError()
        if message is not last[0] and message != last[0]:
            if isinstance(message, bytes):
                last[1] = frame(message, 0x2)
            else:
                last[1] = frame(message.encode("utf-8"), 0x1)
            last[0] = message
        try:
            ws.sock.sendall(last[1])
        except OSError:
            raise
        except simple_websocket.ConnectionClosed:
            raise OSError()

    w.SimpleWebSocketWSGI.send = send


def enable_direct_writes():
    """Let an emitter write to a WebSocket itself when nothing is queued for it.

    engine.io hands every packet to the connection's writer greenlet through
    a queue (two greenlet switches and a queue round-trip per phone). Here
    each connection's send is serialised by a lock, and push_direct() writes
    straight from the emitting greenlet when the connection's queue is empty
    and no write is in flight; otherwise it queues as usual, so the order
    of packets on a connection is kept.
    """
    import gevent.lock
    from engineio import socket as eio_socket
    from engineio.async_drivers import _websocket_wsgi as w

    orig_handler = eio_socket.Socket._websocket_handler

    def _websocket_handler(self, ws):
        ws.write_lock = gevent.lock.Semaphore()
        self.direct_ws = ws
        try:
            return orig_handler(self, ws)
        finally:
            self.direct_ws = None

    eio_socket.Socket._websocket_handler = _websocket_handler
    eio_socket.Socket.direct_ws = None
    orig_send = w.SimpleWebSocketWSGI.send

    def send(self, message):
        lock = getattr(self, "write_lock", None)
        if lock is None:
            return orig_send(self, message)
        with lock:
            return orig_send(self, message)

    w.SimpleWebSocketWSGI.send = send


class Conference:
    """In-memory state of one live conference (the real app keeps it in the DB)."""

    __slots__ = ("id", "code", "owner", "slides", "seq", "position", "html", "payload", "room")

    def __init__(self, row):
        self.id = row["conference"]
        self.code = row["code"]
        self.owner = row["username"]
        self.slides = row.get("slides", 40)
        self.seq = 0
        self.position = 0
        self.html = ""
        self.payload = None
        self.room = f"conference-{self.id}"


def create_app(seed_rows, opts):
    """Build the Flask app and its SocketIO server for the chosen variant."""
    import flask
    from flask import Flask, abort, redirect, request, session
    from flask_socketio import SocketIO, join_room
    from flask_wtf.csrf import CSRFProtect, generate_csrf

    app = Flask(__name__)
    app.config.update(SECRET_KEY="bench-only-secret", WTF_CSRF_TIME_LIMIT=None)
    CSRFProtect(app)
    users = {r["username"]: r["password"] for r in seed_rows}
    confs = {r["conference"]: Conference(r) for r in seed_rows}
    by_code = {c.code: c for c in confs.values()}
    by_owner = {c.owner: c for c in confs.values()}
    template = app.jinja_env.from_string(SLIDE_TEMPLATE)
    participants = [0]

    db = None
    if opts.store == "sqlite":
        import sqlite3
        import tempfile

        path = os.path.join(tempfile.mkdtemp(prefix="proto-"), "bench.db")
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("pragma journal_mode=wal")
        db.execute("pragma synchronous=normal")
        db.execute("create table conference (id integer primary key, seq int, position int)")
        db.executemany("insert into conference values (?, 0, 0)", [(c,) for c in confs])

    def render(c):
        """Render the fragment once per change and build the payload once."""
        c.html = template.render(c=c)
        c.payload = {"conference": c.id, "seq": c.seq, "position": c.position, "html": c.html}

    for c in confs.values():
        render(c)

    def form(title, fields):
        return FORM.format(title=title, token=generate_csrf(), fields=fields)

    @app.get("/login")
    def login_form():
        return form("Sign in", '<input name="username"><input name="password" type="password">')

    @app.post("/login")
    def login():
        u = request.form.get("username", "")
        pw = users.get(u)
        if pw is None or not hmac.compare_digest(pw, request.form.get("password", "")):
            abort(401)
        session.clear()
        session["user"] = u
        return redirect("/", 303)

    @app.get("/join/<code>")
    def join_form(code):
        if code not in by_code:
            abort(404)
        return form("Join", '<input name="name"><select name="role"><option>family</option></select>')

    @app.post("/join/<code>")
    def join(code):
        c = by_code.get(code) or abort(404)
        role = request.form.get("role")
        name = request.form.get("name", "").strip()
        if role not in ("family", "governor", "guest") or not name:
            abort(400)
        participants[0] += 1
        session.clear()
        session["participant"] = {"id": participants[0], "conference": c.id, "role": role}
        return redirect(f"/live/{code}", 303)

    @app.get("/live/<code>")
    def live(code):
        return "<!doctype html><title>Live</title><div id=slide></div>"

    # ---------------------------------------------------------- Socket.IO
    sio_kwargs = dict(
        async_mode="gevent",
        transports=["websocket"],
        logger=False,
        engineio_logger=False,
        async_handlers=opts.async_handlers,
        # one JSON encode per room (python-socketio already does that for
        # emits without callbacks); no per-client work besides the send
    )
    socketio = SocketIO(app, **sio_kwargs)
    sio = socketio.server
    ident = {}  # sid -> (conference, is_presenter): decided once, at connect

    def identify(auth):
        """Who is this connection? From the server-side session only."""
        try:
            cid = int((auth or {}).get("conference"))
        except (TypeError, ValueError):
            return None
        c = confs.get(cid)
        if c is None:
            return None
        user = session.get("user")
        if user is not None and by_owner.get(user) is c:
            return c, True
        p = session.get("participant")
        if p and p.get("conference") == cid:
            return c, False
        return None

    @socketio.on("connect")
    def on_connect(auth=None):
        who = identify(auth)
        if who is None:
            return False
        ident[request.sid] = who
        join_room(who[0].room)

    @socketio.on("disconnect")
    def on_disconnect(*_):
        ident.pop(request.sid, None)

    def store(c, position):
        c.seq += 1
        c.position = position
        if db is not None:
            db.execute("update conference set seq=?, position=? where id=?", (c.seq, c.position, c.id))
        render(c)

    def valid_position(c, data):
        pos = data.get("position") if isinstance(data, dict) else None
        return isinstance(pos, int) and 0 <= pos < c.slides

    if opts.emit == "flask":
        # The textbook Flask-SocketIO way: decorated handlers, identity from
        # the Flask session on every event, socketio.emit(to=room).
        @socketio.on("sync")
        def on_sync():
            who = identify({"conference": ident.get(request.sid, (None,))[0].id}) if request.sid in ident else None
            if who:
                flask_socketio_emit("slide", who[0].payload)

        from flask_socketio import emit as flask_socketio_emit

        @socketio.on("goto")
        def on_goto(data):
            who = ident.get(request.sid)
            who = who and identify({"conference": who[0].id})
            if not who or not who[1]:
                return {"ok": False}
            c = who[0]
            if not valid_position(c, data):
                return {"ok": False}
            store(c, data["position"])
            socketio.emit("slide", c.payload, to=c.room)
            return {"ok": True, "seq": c.seq}
    else:
        # Handlers on the python-socketio server itself: no Flask request
        # context or session decoding per event; identity cached at connect.
        def on_sync(sid, *_):
            who = ident.get(sid)
            if who:
                sio.emit("slide", who[0].payload, to=sid)

        def on_goto(sid, data=None):
            who = ident.get(sid)
            if not who or not who[1]:
                return {"ok": False}
            c = who[0]
            if not valid_position(c, data):
                return {"ok": False}
            store(c, data["position"])
            if opts.emit == "prebuilt":
                push_prebuilt(c)
            elif opts.emit == "direct":
                push_direct(c)
            else:
                sio.emit("slide", c.payload, to=c.room)
            return {"ok": True, "seq": c.seq}

        sio.on("sync", on_sync)
        sio.on("goto", on_goto)

    from engineio import packet as eio_packet
    from socketio import packet as sio_packet

    def push_prebuilt(c):
        """Encode the slide packet once and hand it to each engine.io socket.

        Same work python-socketio's emit does, minus its generic paths
        (callback handling, skip lists, namespace lookups per call)."""
        pkt = eio_packet.Packet(
            eio_packet.MESSAGE,
            sio_packet.Packet(sio_packet.EVENT, namespace="/", data=["slide", c.payload]).encode(),
        )
        eio = sio.eio
        for _sid, eio_sid in sio.manager.get_participants("/", c.room):
            s = eio.sockets.get(eio_sid)
            if s is not None and not s.closed:
                s.send(pkt)

    import fcntl
    import struct
    import termios

    DIRECT_MAX_UNSENT = 32 * 1024
    buf = bytearray(4)

    def unsent_bytes(ws):
        """Bytes still in the kernel's send queue of this connection (SIOCOUTQ).

        A phone that stopped reading fills it; such a connection goes through
        engine.io's queue and writer, so that one slow phone cannot hold up
        the push to the rest of its room."""
        try:
            fcntl.ioctl(ws.ws.sock.fileno(), termios.TIOCOUTQ, buf)
        except (OSError, AttributeError):
            return 1 << 30
        return struct.unpack("i", buf)[0]

    def push_direct(c):
        """Encode once; write straight to each idle WebSocket, else queue."""
        text = sio_packet.Packet(sio_packet.EVENT, namespace="/", data=["slide", c.payload]).encode()
        pkt = eio_packet.Packet(eio_packet.MESSAGE, text)
        frame_text = "4" + text  # the Engine.IO MESSAGE packet, as engine.io encodes it
        eio = sio.eio
        for _sid, eio_sid in sio.manager.get_participants("/", c.room):
            s = eio.sockets.get(eio_sid)
            if s is None or s.closed:
                continue
            ws = s.direct_ws
            if (ws is not None and s.queue.empty() and not ws.write_lock.locked()
                    and unsent_bytes(ws) < DIRECT_MAX_UNSENT):
                try:
                    ws.send(frame_text)
                except OSError:
                    pass  # the reader sees the close and cleans up
            else:
                s.send(pkt)

    app.extensions["bench_socketio"] = socketio
    return app, socketio


def prepare(args):
    """Choose the WebSocket implementation before engine.io is imported."""
    if args.ws != "geventwebsocket":
        sys.modules["geventwebsocket"] = None  # make engine.io use simple-websocket
    if args.ws in ("simple", "simple-frames"):
        disable_permessage_deflate()
    if args.ws == "simple-frames":
        frame_once_per_message()
    if args.emit == "direct":
        if args.ws == "geventwebsocket":
            raise SystemExit("--emit direct needs simple-websocket")
        enable_direct_writes()
    with open(args.seed) as f:
        return json.load(f)


def serve(args):
    """Run the prototype under gevent's production WSGI server."""
    if not args.no_patch:
        from gevent import monkey

        monkey.patch_all()
    rows = prepare(args)
    app, socketio = create_app(rows, args)
    tune_gc(args.gc)
    from gevent.pywsgi import WSGIServer

    handler = {}
    if args.ws == "geventwebsocket":
        from geventwebsocket.handler import WebSocketHandler

        handler = {"handler_class": WebSocketHandler}
    import socket as _socket

    class NoDelayWSGIServer(WSGIServer):
        """pywsgi with TCP_NODELAY on each connection, as Node's ws sets it."""

        def handle(self, sock, address):
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            return super().handle(sock, address)

    cls = WSGIServer if args.nagle else NoDelayWSGIServer
    server = cls((args.host, args.port), app, log=None, error_log=sys.stderr, **handler)
    print(f"proto_app serving on {args.host}:{args.port} ({vars(args)})", flush=True)
    if args.profile:
        import cProfile
        import signal

        import gevent

        prof = cProfile.Profile()

        def dump():
            prof.disable()
            prof.dump_stats(args.profile)
            server.stop(timeout=1)

        gevent.signal_handler(signal.SIGTERM, dump)
        prof.enable()
    server.serve_forever()


def tune_gc(mode):
    """Watch or tame the cyclic garbage collector (see NOTES.md)."""
    import gc
    import time

    if mode == "log":
        t0 = [0.0]

        def cb(phase, info):
            if phase == "start":
                t0[0] = time.perf_counter()
            else:
                ms = (time.perf_counter() - t0[0]) * 1000
                if ms > 5:
                    print(f"gc gen{info['generation']} {ms:.1f} ms collected={info['collected']}",
                          file=sys.stderr, flush=True)

        gc.callbacks.append(cb)
    elif mode == "freeze":
        import gevent

        def freezer():
            while True:
                gevent.sleep(2)
                gc.freeze()

        gc.freeze()
        gevent.spawn(freezer)


def gunicorn_app():
    """WSGI app for `gunicorn -k gevent 'proto_app:gunicorn_app()'`.

    PROTO_SEED names the seed file; PROTO_ARGS holds extra serve options."""
    import shlex

    argv = ["serve", "--seed", os.environ["PROTO_SEED"], "--port", "0"]
    args = parse_args(argv + shlex.split(os.environ.get("PROTO_ARGS", "")))
    app, _ = create_app(prepare(args), args)
    return app


def main(argv=None):
    args = parse_args(argv)
    if args.cmd == "bench-seed":
        bench_seed(args)
    else:
        serve(args)


if __name__ == "__main__":
    main()

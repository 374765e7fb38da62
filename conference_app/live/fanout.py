"""Sending one push to a whole room cheaply, when the app serves itself with gevent (one process).

python-socketio hands every recipient's copy of a packet to that connection's writer greenlet through
a queue: a queue round trip, two greenlet switches and a WebSocket frame built per phone. When every
conference changes slide at once, that per-phone work is most of the server's time. Here the frame
is built once per push and written straight to each phone's socket while the connection is idle
(nothing queued, nothing being written); any other connection gets it through python-socketio's
queue as before. Order per connection is kept: a direct write happens only when nothing is waiting
ahead of it, and a write the kernel takes only in part holds the connection's lock until it is done.

Two parts: `WebSocketHandler` (the server's handler) gives each WebSocket a `SocketWriter` that
serialises its writes, and `DirectManager` (python-socketio's client manager, used when there is no
message queue) uses it for room pushes and for packets to one connection (acks).
"""
import contextlib
import socket

import gevent
from engineio import packet as eio_packet
from gevent.lock import Semaphore
from geventwebsocket.handler import WebSocketHandler as _GeventWebSocketHandler
from geventwebsocket.websocket import Header, WebSocket
from socketio import Manager

WRITER = "showcase.socket_writer"  # the environ key of a WebSocket connection's SocketWriter


class SocketWriter:
    """Every byte written to one WebSocket connection goes through here, one frame at a time."""

    __slots__ = ("sock", "websocket", "lock")

    def __init__(self, sock, websocket: WebSocket | None = None):
        self.sock, self.websocket, self.lock = sock, websocket, Semaphore()

    def write(self, data: bytes) -> None:
        """gevent-websocket's raw write (engine.io's writer greenlet: pings, acks, queued pushes)."""
        with self.lock:
            self.sock.sendall(data)

    def try_write(self, frame: bytes) -> bool:
        """Write `frame` now without waiting; False if the connection is busy or gone (use the queue)."""
        if self.lock.locked() or self.lock.linkcount() or (self.websocket is not None and self.websocket.closed):
            return False  # busy, or closing: nothing may follow the close frame
        try:
            sent = self.sock.send(frame, 0, 0.0)  # timeout 0: never wait for the phone
        except OSError:  # full (EAGAIN) or dead: the queue and engine.io's writer deal with it
            return False
        if sent < len(frame):  # the kernel took part of it: finish it in the background, in order
            self.lock.acquire()  # free: checked above, and nothing has yielded since
            gevent.spawn(self._finish, frame[sent:])
        return True

    def _finish(self, rest: bytes) -> None:
        try:
            self.sock.sendall(rest)
        except OSError:
            pass  # the connection is gone; its reader notices and closes it
        finally:
            self.lock.release()


class WebSocketHandler(_GeventWebSocketHandler):
    """gevent-websocket's handler, with each connection's writes going through a `SocketWriter`."""

    def upgrade_connection(self):
        answer = super().upgrade_connection()
        ws = self.environ.get("wsgi.websocket")
        if ws is not None:
            # a slide, then the presenter's answer: not held back waiting for the phone's ACK (Nagle)
            with contextlib.suppress(OSError):  # not TCP (a Unix socket)
                self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            writer = SocketWriter(self.socket, ws)
            ws.raw_write = writer.write
            self.environ[WRITER] = writer
        return answer


def text_frame(text: str) -> bytes:
    """One WebSocket text frame from server to client, as gevent-websocket would write it."""
    payload = text.encode("utf-8")
    return Header.encode_header(True, WebSocket.OPCODE_TEXT, b"", len(payload), 0) + payload


class DirectManager(Manager):
    """python-socketio's in-process client manager; room pushes go straight to idle WebSockets, and so
    does any packet for one connection (the answer to a presenter's slide change, say)."""

    def initialize(self):
        super().initialize()
        eio = self.server.eio
        self._queue = eio.send_packet  # engine.io's own: into the connection's queue

        def send_packet(eio_sid, pkt):
            writer = self._idle_writer(eio_sid)
            if writer is None or pkt.binary or not writer.try_write(text_frame(pkt.encode())):
                self._queue(eio_sid, pkt)

        eio.send_packet = send_packet  # this server's engine.io only; python-socketio sends through it

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        room = to or room
        if callback is not None or skip_sid is not None or namespace != "/" or not isinstance(data, dict):
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
        recipients = list(self.get_participants(namespace, room))
        if not recipients:  # e.g. a conference without a projector screen: nothing to encode
            return
        try:  # python-socketio's encoding of an EVENT packet in namespace "/" without binary parts
            encoded = "2" + self.server.packet_class.json.dumps([event, data], separators=(",", ":"))
        except TypeError:  # bytes inside: python-socketio sends those as attachments
            return super().emit(event, data, namespace, room=room, **kwargs)
        frame, pkt = None, None
        for _sid, eio_sid in recipients:
            writer = self._idle_writer(eio_sid)
            if writer is not None:
                frame = frame or text_frame("4" + encoded)  # engine.io MESSAGE
                if writer.try_write(frame):
                    continue
            pkt = pkt or eio_packet.Packet(eio_packet.MESSAGE, encoded)
            self._queue(eio_sid, pkt)

    def _idle_writer(self, eio_sid) -> SocketWriter | None:
        """The connection's writer if it is a WebSocket with nothing queued ahead of a new packet."""
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is None or not socket.upgraded or socket.upgrading or socket.closing or socket.closed \
                or not socket.queue.empty():
            return None
        environ = self.server.environ.get(eio_sid)
        return environ.get(WRITER) if environ else None

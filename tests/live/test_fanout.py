"""Pushes written straight to idle WebSockets (live/fanout.py): never out of order, never held up by a slow phone."""
import json
import logging
import socket
import threading

import gevent
import pytest
import websocket
from gevent import socket as gsocket
from geventwebsocket.websocket import Stream, WebSocket

from conference_app import db
from conference_app.live import wire_json
from conference_app.live.fanout import SocketWriter, text_frame
from conference_app.models import Slide, SlideKind
from tests.live.test_realtime import follower, presenter


def received(sock, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed early"
        data += chunk
    return data


@pytest.fixture
def pair():
    """The server's end and the phone's end of a connection (gevent sockets, as the server has)."""
    ends = gsocket.socketpair()
    yield ends
    for end in ends:
        end.close()


def test_an_idle_connection_is_written_at_once_and_a_busy_one_is_left_to_the_queue(pair):
    server_end, phone_end = pair
    writer = SocketWriter(server_end)
    assert writer.try_write(b"first")
    assert received(phone_end, 5) == b"first"
    with writer.lock:  # engine.io's writer is in the middle of a frame
        assert not writer.try_write(b"second")
    assert writer.try_write(b"third")
    assert received(phone_end, 5) == b"third"


def test_a_frame_the_kernel_takes_only_in_part_is_finished_before_anything_else(pair):
    server_end, phone_end = pair
    server_end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    phone_end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    writer = SocketWriter(server_end)
    big = bytes(range(256)) * 2048  # 512 KB: far more than the socket buffers hold
    assert writer.try_write(big)  # taken: the rest goes on in the background
    assert writer.lock.locked() and not writer.try_write(b"JUMPS-THE-QUEUE")
    queued = gevent.spawn(writer.write, b"NEXT-IN-QUEUE")  # engine.io's writer waits its turn
    assert received(phone_end, len(big) + 13) == big + b"NEXT-IN-QUEUE"
    queued.join(timeout=5)
    assert queued.successful() and not writer.lock.locked()


def test_nothing_is_written_after_the_websocket_sent_its_close_frame(pair):
    server_end, phone_end = pair

    class Handler:  # what gevent-websocket's WebSocket reads and writes through: the connection's socket
        socket, rfile, logger = server_end, server_end.makefile("rb"), logging.getLogger(__name__)

    ws = WebSocket({}, Stream(Handler), Handler)
    writer = SocketWriter(server_end, ws)
    ws.raw_write = writer.write
    assert writer.try_write(text_frame("42[]"))
    ws.close()
    assert not writer.try_write(text_frame("42[]"))
    assert received(phone_end, 6 + 2)[6:] == b"\x88\x00"  # the frame, then the close frame: nothing after it
    Handler.rfile.close()


def test_a_connection_that_is_gone_is_left_to_the_queue(pair):
    server_end, phone_end = pair
    phone_end.close()
    assert not SocketWriter(server_end).try_write(text_frame("42[\"slide\",{}]"))


@pytest.fixture
def essay_school(app, make):
    """The scripted school, with slide 3 a 45-KB essay: a hundred changes are megabytes, far more than
    the kernel buffers between the server and a phone that has stopped reading."""
    school = make.school()
    paragraphs = "\n\n".join(f"Paragraph {i}: what I learned about fractions this term, and how." * 6
                               for i in range(120))
    essay = make.item(school.student, title="ESSAY", body=paragraphs[:45_000], visibility="shareable")
    with app.app_context():
        s = db.session()
        slide = s.get(Slide, school.slides[2].id)
        slide.kind, slide.item_id = SlideKind.ITEM, essay.id
        s.commit()
    return school


def test_a_phone_that_stops_reading_holds_nobody_up_and_later_gets_every_change_in_order(
        live_server, essay_school, phones):
    """A real phone socket with a tiny receive window stops reading while the presenter moves 160
    times (megabytes): the other phone follows every move as it happens; the stalled one, once it reads again,
    gets all 160 in order (written straight away until its connection is full, then through
    engine.io's queue)."""
    school = essay_school
    student = presenter(live_server, school, phones)
    mum = follower(live_server, school, phones, "Mum")
    mum.slide_at(0)
    stalled_browser = follower(live_server, school, phones, "Dad").browser
    ws = websocket.create_connection(
        live_server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
        header=[f"Cookie: {stalled_browser.cookie_header}"], timeout=10,
        sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)])
    try:
        assert ws.recv().startswith("0")  # engine.io open
        ws.send("40" + json.dumps({"conference": school.conference.id}))
        assert ws.recv().startswith("40")  # socket.io connected; from here on it does not read
        seqs = []
        for i in range(160):
            answer = student.goto(1 + i % 2)
            assert answer["ok"]
            seqs.append(answer["seq"])
            mum.wait_for("slide", lambda d, seq=answer["seq"]: d["seq"] == seq, timeout=5)
        got = []
        while not got or got[-1] != seqs[-1]:
            message = ws.recv()
            if message == "2":  # engine.io ping
                ws.send("3")
            elif message.startswith("42"):
                event, data = json.loads(message[2:])
                if event == "slide":
                    got.append(data["seq"])
        assert got == seqs
    finally:
        threading.Thread(target=ws.close, daemon=True).start()


def test_packets_are_decoded_with_the_integer_guard_kept():
    assert wire_json.loads('[\"goto\",{\"position\":3}]') == ["goto", {"position": 3}]
    assert wire_json.loads(b'{"a": [1, 2.5, "\\u00e9"]}') == {"a": [1, 2.5, "é"]}
    with pytest.raises(ValueError, match="too large"):
        wire_json.loads('{"position": ' + "9" * 101 + "}")  # a client cannot make the server parse a huge number
    with pytest.raises(ValueError):
        wire_json.loads("{not json")

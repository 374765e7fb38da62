"""JSON for Socket.IO packets: python-engineio's guard on integer size, with one decoder for all.

python-engineio's `loads` passes `parse_int` on every call, and the standard library then builds a
new decoder for each packet; in a burst of slide changes that was a few per cent of the server's time.
"""
import json
from json import dumps  # noqa: F401  (python-socketio and python-engineio call json.dumps and json.loads)


def _bounded_int(digits: str) -> int:
    if len(digits) > 100:  # as python-engineio: a huge number costs quadratic time to parse
        raise ValueError("Integer is too large")
    return int(digits)


_DECODER = json.JSONDecoder(parse_int=_bounded_int)


def loads(s, **kwargs):
    if kwargs:
        return json.loads(s, **{"parse_int": _bounded_int, **kwargs})
    return _DECODER.decode(s.decode("utf-8") if isinstance(s, (bytes, bytearray)) else s)

"""Static text files (CSS, JavaScript, SVG) compressed once per version and encoding, not once per phone.

Flask-Compress compresses a streamed response (a static file) on every request. At nine o'clock every
new phone asks for the same few files, and each cost the server a millisecond or two of brotli on the
event loop. Here a file's compressed bytes are made the first time they are asked for, at brotli's and
gzip's best, in a thread beside the loop, and kept for the life of the process (the static folder holds
the app's own files only: a few hundred kilobytes). Behind nginx (the production layout) nginx serves
/static itself and this is not reached.

The response then carries `Content-Encoding`, which Flask-Compress leaves alone.
"""
import gzip
from pathlib import Path

import brotli
from flask import Flask, request
from werkzeug.security import safe_join

from .lanes import off_loop

ENCODINGS = ("br", "gzip")


_bodies: dict[tuple, bytes] = {}  # (path, mtime, size, encoding) -> compressed bytes: a changed file is new


def _compress(path: str, encoding: str) -> bytes:
    data = Path(path).read_bytes()
    return brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, compresslevel=9, mtime=0)


def init_app(app: Flask, mimetypes: list[str]) -> None:
    """Call after Flask-Compress's init_app: Flask runs the later-registered after_request first."""
    kinds = set(mimetypes)

    @app.after_request
    def _precompressed(response):
        if (request.endpoint != "static" or response.status_code != 200 or response.mimetype not in kinds
                or "Content-Encoding" in response.headers or request.range is not None):
            return response
        encoding = request.accept_encodings.best_match(ENCODINGS)
        path = safe_join(app.static_folder, request.view_args.get("filename", ""))
        if encoding is None or path is None or not Path(path).is_file():
            return response
        stat = Path(path).stat()
        key = (path, stat.st_mtime_ns, stat.st_size, encoding)
        body = _bodies.get(key)
        if body is None:
            body = _bodies[key] = off_loop(_compress, path, encoding)
        original = response.response
        response.direct_passthrough = False
        response.set_data(body)
        if hasattr(original, "close"):
            original.close()
        response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:{encoding}", weak=weak)
        return response.make_conditional(request)

"""Extensions, created once and bound to each app in the factory."""
from flask import request
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# Text responses only (pages, fragments, CSS, JS, JSON, the QR code's SVG). Media files (images, PDFs,
# audio, video) are never compressed: they are compressed already and video/audio answer Range requests.
COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                      "image/svg+xml"]


compress = Compress()


def compress_text(response):
    """The app's one compression step (Flask-Compress is bound with COMPRESS_REGISTER off, and this is
    registered instead): it leaves partial content (206, Range requests) alone, whatever its type, and closes
    the file of a streamed response it compressed (a static file) when the response is closed."""
    if response.status_code == 206 or "Content-Range" in response.headers or request.range is not None:
        response.vary.add("Accept-Encoding")
        return response
    original = response.response
    response = compress.after_request(response)
    if response.response is not original and hasattr(original, "close"):
        response.call_on_close(original.close)
    return response

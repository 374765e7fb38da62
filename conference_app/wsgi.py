"""The app for a WSGI server: `gunicorn -k gevent conference_app.wsgi:app` (what `conference-app serve` runs)."""
import gc
import os

from . import create_app
from .ops import logs

app = create_app()
if os.environ.get("CONFERENCE_LISTEN"):  # set by `serve`: where this server listens, for join links
    _host, _, _port = os.environ["CONFERENCE_LISTEN"].rpartition(":")
    app.config["LISTEN_ADDRESS"] = (_host, int(_port))
logs.configure(app)  # one access line per request on stdout (the phone's address), the app's log on stderr
# Every template compiled now (about a second), not by the first request that needs it: on the event loop a
# page's templates took tens of milliseconds to compile, and every live conference waited for them.
for _name in app.jinja_env.list_templates():
    app.jinja_env.get_template(_name)
# Everything loaded so far lives as long as the process: keep it out of the collector's full passes,
# which would otherwise walk it again and again while conferences run. Frozen once, at start only,
# so nothing made later (connections, decks, garbage) is ever kept from being collected.
gc.collect()
gc.freeze()

"""The app for a WSGI server: `gunicorn -k gevent conference_app.wsgi:app` (what `conference-app serve` runs)."""
import gc

from . import create_app

app = create_app()
# Everything loaded so far lives as long as the process: keep it out of the collector's full passes,
# which would otherwise walk it again and again while conferences run. Frozen once, at start only,
# so nothing made later (connections, decks, garbage) is ever kept from being collected.
gc.collect()
gc.freeze()

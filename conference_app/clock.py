"""Times are stored in UTC and shown on the school's clock (the TIMEZONE setting, e.g. Europe/London),
in the reader's language (Babel: month and day names, digits)."""
import re
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_date, format_datetime

# strftime's codes as the templates write them, and Babel's (CLDR) pattern letters for the same.
_PATTERN = {"%-d": "d", "%d": "dd", "%m": "MM", "%B": "MMMM", "%b": "MMM", "%Y": "y", "%H": "HH", "%M": "mm",
            "%A": "EEEE"}


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: datetime | date, fmt: str) -> str:
    """`moment` (stored in UTC, read back aware: SQLModel's UTCDateTime) on the school's clock, in the
    page's language; a date as it is."""
    pattern = re.sub(r"%-d|%[dmBbYHMA]", lambda m: _PATTERN[m.group()], fmt)
    if isinstance(moment, datetime):
        return format_datetime(moment, pattern)  # Flask-Babel's timezone is the TIMEZONE setting
    return format_date(moment, pattern)


def init_app(app: Flask) -> None:
    _zone(app.config["TIMEZONE"])  # a mistyped zone stops the app at start, not at the first record
    app.add_template_filter(local, "local")

"""Times are stored in UTC and shown on the school's clock (the TIMEZONE setting, e.g. Europe/London)."""
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: datetime, fmt: str) -> str:
    """`moment` (stored in UTC, read back aware: SQLModel's UTCDateTime) on the school's clock."""
    return moment.astimezone(_zone(current_app.config["TIMEZONE"])).strftime(fmt)


def init_app(app: Flask) -> None:
    _zone(app.config["TIMEZONE"])  # a mistyped zone stops the app at start, not at the first record
    app.add_template_filter(local, "local")

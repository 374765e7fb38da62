"""Running it at a school: health and readiness checks, the trusted proxy, access logs."""
from flask import Blueprint, Flask

from .. import lanes

bp = Blueprint("ops", __name__)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views on bp)

    lanes.keep_live(app, "healthz", "readyz")  # answered at once, however busy the pages are
    app.register_blueprint(bp)


def trust_proxies(app: Flask) -> None:
    """Werkzeug's ProxyFix, only when TRUSTED_PROXIES says how many proxies stand in front.

    Without the setting nothing reads X-Forwarded-* (anyone could choose their address); with it,
    limits and logs see the phone's address as the school's proxy forwarded it.
    """
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

"""Which addresses phones can use to reach this server: the machine's LAN addresses, not loopback."""
from flask_babel import gettext as _
import ipaddress
import socket

WILDCARDS = {"0.0.0.0", "::", ""}


def is_loopback(host: str) -> bool:
    """'127.0.0.1', '[::1]', 'localhost' (with or without a port) are this computer only."""
    host = host.strip()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _usable(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses that another device on the network can open, best first.

    The address of the default route comes first (found by 'connecting' a UDP socket, which sends
    nothing), then whatever the host name resolves to.
    """
    found: list[str] = []
    for probe in ("192.0.2.1", "10.255.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                found.append(s.getsockname()[0])
        except OSError:
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    seen: list[str] = []
    for address in found:
        if address not in seen and _usable(address):
            seen.append(address)
    return seen


def phone_urls(host: str, port: int) -> list[str]:
    """The base URLs phones can open for a server listening on host:port ([] when it listens on loopback only)."""
    if host in WILDCARDS:
        return [f"http://{a}:{port}" for a in lan_addresses()]
    if is_loopback(host):
        return []
    return [f"http://{host}:{port}"]


def join_base() -> tuple[str, str | None]:
    """The base URL for join links and QR codes, and a fix to show when phones cannot open it.

    PUBLIC_URL wins. Otherwise the address the presenter used, unless that is loopback: then the
    machine's LAN address when the server listens on every interface (set by `serve`/`demo`), else
    the loopback address with a plain message saying how to fix it.
    """
    from flask import current_app, request

    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/"), None
    here = request.host_url.rstrip("/")
    if not is_loopback(request.host):
        return here, None
    listen = current_app.config.get("LISTEN_ADDRESS")
    if listen:
        urls = phone_urls(*listen)
        if urls:
            return urls[0], None
    port = listen[1] if listen else (request.host.rsplit(":", 1)[1] if request.host[-1:].isdigit()
                                      and ":" in request.host else 80)
    lan = lan_addresses()
    example = f"http://{lan[0]}:{port}" if lan else "http://192.168.1.20:5000"
    return here, _("Phones cannot open %(here)s: it is this computer's own address. Start the server with "
                   "--host 0.0.0.0 (phones then use %(example)s), or set PUBLIC_URL to the address phones use.",
                   here=here, example=example)


def join_problem() -> str | None:
    """For templates: why phones cannot open the join link, or None."""
    return join_base()[1]

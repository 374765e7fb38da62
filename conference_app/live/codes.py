"""Join codes: easy to read aloud and type, hopeless to guess.

31 symbols with no 0/O, 1/I/L; 8 of them give 31**8 ≈ 8.5e11 codes (39 bits). With join
attempts rate-limited per address, finding any open conference by guessing is hopeless.
"""
import secrets
from io import BytesIO

import qrcode
import qrcode.image.svg

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """'abcd efgh', 'ABCD-EFGH' -> 'ABCDEFGH'."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())[:32]


def looks_valid(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def spaced(code: str) -> str:
    """For reading aloud: 'ABCD EFGH'."""
    return f"{code[:4]} {code[4:]}"


def qr_svg(url: str) -> str:
    """A link as a QR code: SVG (crisp at any size, on screen and on paper), a quiet border of 2 modules."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = BytesIO()
    image.save(buf)
    return buf.getvalue().decode()

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    """scrypt by default; tests set a cheaper PASSWORD_HASH_METHOD to run fast."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def check_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)

"""Small helpers shared by tests."""
import io

from PIL import Image

PASSWORD = "correct-horse"


def login(client, user, password=PASSWORD):
    """Sign a test client in as user."""
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 303, response.text
    return client


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG", **save)
    return buf.getvalue()

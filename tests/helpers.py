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


def pdf_bytes(pages: list[tuple[float, float]]) -> bytes:
    """A minimal valid PDF with empty pages of these sizes in points (width, height)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [" + " ".join(f"{3 + i} 0 R" for i in range(len(pages)))
               + f"] /Count {len(pages)} >>"]
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] >>" for w, h in pages]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()

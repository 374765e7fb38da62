"""python -m conference_app.ops.wait URL [SECONDS]: wait until URL answers 200 (the units' ExecStartPost).

Exits 0 once /readyz says ready, 1 after SECONDS (default 60) without it."""
import sys
import time
import urllib.error
import urllib.request


def wait(url: str, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ok = wait(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
    if not ok:
        print(f"{sys.argv[1]} did not become ready", file=sys.stderr)
    sys.exit(0 if ok else 1)

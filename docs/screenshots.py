"""Regenerate the README screenshots from a running demo (`conference-app demo`).

    .venv/bin/python docs/screenshots.py http://127.0.0.1:5000

Each page is taken at phone (390x844) and laptop (1366x768) size with the system Chromium.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
PASSWORD = "showcase-demo"
# (file name, who signs in, path)
PAGES = [
    ("home", None, "/"),
    ("portfolio", "amara", "/portfolio/"),
    ("item-image", "amara", "/portfolio/items/1"),
    ("item-pdf", "amara", "/portfolio/items/6"),
    ("edit", "amara", "/portfolio/items/1/edit"),
    ("coach-students", "ms.okafor", "/portfolio/students"),
    ("coach-approve", "ms.okafor", "/portfolio/items/5"),
    ("admin-people", "admin", "/admin/users"),
]
SIZES = {"phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True),
         "laptop": dict(viewport={"width": 1366, "height": 768})}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def main(base: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, options in SIZES.items():
            contexts = {}
            for name, user, path in PAGES:
                if user not in contexts:
                    contexts[user] = browser.new_context(**options)
                    if user:
                        page = contexts[user].new_page()
                        page.goto(base + "/login")
                        page.fill("#username", user)
                        page.fill("#password", PASSWORD)
                        page.click("button[type=submit]")
                        page.wait_for_url(lambda url: "/login" not in url)
                        page.close()
                page = contexts[user].new_page()
                page.goto(base + path)
                page.screenshot(path=OUT / f"{name}-{size}.png", full_page=size == "laptop")
                page.close()
            for context in contexts.values():
                context.close()
        browser.close()
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")

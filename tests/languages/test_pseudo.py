"""The pseudo-locale: a catalog generated from the code that marks every translated string ⟦like this⟧.
Every page in every role is rendered with it; any visible text (or aria-label, title, alt, placeholder,
a confirm question, the scripts' messages) left in English is a string that does not go through gettext."""
import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy import String, select
from sqlmodel import SQLModel

from conference_app import catalogs, db, languages
from conference_app.live import conferences

PSEUDO = "eo"  # a locale Babel knows and the app has no catalog for: only the generated one
ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "hx-confirm", "data-confirm", "data-all", "data-own")
# Words that are the same in every language: names of formats and things, and the brand's own marks.
SAME_EVERYWHERE = {"PDF", "QR", "CSV", "HEIC", "MB", "kB", "HTML", "iPhone", "iPad", "Home", "End", "PageUp",
                   "PageDown", "Space", "ABCD", "EFGH"}


@pytest.fixture
def app_config(app_config, tmp_path):
    catalog = Catalog(locale=PSEUDO)
    for message in catalogs.extract():
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            catalog.add(message.id, tuple(f"⟦{i}⟧" for i in ids) if len(ids) > 1 else f"⟦{ids[0]}⟧",
                        context=message.context)
    (tmp_path / "pseudo" / PSEUDO / "LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "pseudo" / PSEUDO / "LC_MESSAGES" / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "pseudo")}


@pytest.fixture(autouse=True)
def pseudo_language(monkeypatch):
    monkeypatch.setattr(languages, "LANGUAGES", [*languages.LANGUAGES, PSEUDO])


class Visible(HTMLParser):
    """The page's text nodes and read-out attributes, with where they are; the JSON message block's values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.links, self.stack = [], [], []

    def feed(self, data):
        super().feed(re.sub(r"</?bdi>", "", data))  # an isolated name is part of its sentence's text node

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append((tag, attrs))
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.found.append((f"<{tag} {name}>", attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.found.append(("<input value>", attrs["value"]))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not data.strip():
            return
        tags = [t for t, _a in self.stack]
        if "style" in tags or "textarea" in tags:
            return
        if "script" in tags:
            attrs = next(a for t, a in reversed(self.stack) if t == "script")
            if attrs.get("type") == "application/json":
                self.found += [("script messages", v) for v in json.loads(data).values()]
            return
        if any(t == "select" and a.get("id") == "language-menu" for t, a in self.stack):
            return  # each language in its own name
        self.found.append((f"<{tags[-1] if tags else 'html'}>", data))


def data_strings(app) -> list[str]:
    """Everything people wrote or the school keeps (names, titles, codes): shown as it is, never translated."""
    out = set()
    with app.app_context():
        s = db.session()
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(getattr(c.type, "impl", c.type), String)]
            if cols:
                for row in s.execute(select(*cols)):
                    out.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 1)
    locale = Locale.parse(PSEUDO)
    out.update(str(v) for names in (locale.months["format"].values(), locale.days["format"].values()) for d in names
               for v in d.values())
    out.update(locale.languages.get(code.split("_")[0], "") for code in languages.LANGUAGES)
    for code in languages.LANGUAGES:
        out.add(Locale.parse(code).get_display_name(PSEUDO) or "")
    return sorted((v for v in out if v), key=len, reverse=True)


def english_left(text: str, data: list[str]) -> str:
    rest = re.sub(r"https?://\S+|\b[A-Z0-9]{4} [A-Z0-9]{4}\b", " ", text)  # addresses, join codes
    while re.search(r"⟦[^⟦⟧]*⟧", rest):  # a translated word inside a translated sentence: inside out
        rest = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
    rest = re.sub(r"⟦|⟧", " ", rest)
    for value in data:
        if value in rest:
            rest = rest.replace(value, " ")
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z’']+", rest) if w not in SAME_EVERYWHERE]
    return " ".join(words)


def crawl(client, starts: list[str], data: list[str], limit: int = 80) -> tuple[list[str], list[tuple]]:
    """Every page reachable by links from `starts` (same site, GET), and what English each has left."""
    seen, queue, problems = set(), deque(starts), []
    while queue and len(seen) < limit:
        url = queue.popleft()
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        if path in seen or path.startswith(("/static/", "/media/", "/logout")) or "qr.svg" in path:
            continue
        seen.add(path)
        response = client.get(path)
        response.close()  # (a download, a ZIP export, is a file)
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
            continue
        if not response.content_type.startswith("text/html"):
            continue
        page = Visible()
        page.feed(response.text)
        problems += [(path, where, text.strip()) for where, text in page.found if english_left(text, data)]
        for href in page.links:
            target = urlsplit(urljoin("http://localhost" + path, href))
            if target.netloc == "localhost" and not target.path.startswith(("/static/", "/media/")):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return sorted(seen), problems


def check(response, data: list[str]) -> list[tuple]:
    page = Visible()
    page.feed(response.text)
    return [(response.request.path, where, text.strip()) for where, text in page.found if english_left(text, data)]


def pseudo_client(client):
    client.get(f"/?lang={PSEUDO}")  # the language menu's choice, kept for this browser
    return client


def test_every_page_in_every_role_goes_through_gettext(app, make, people, login_as):
    school = make.school(people)
    lobby = make.conference(people.owner, live=False, title="L")
    ended = make.conference(people.owner, title="E")
    code = school.conference.code
    family = pseudo_client(login_as(None))
    assert family.get(f"/j/{code}").status_code == 200
    posted = [family.post(f"/j/{code}", data={"name": "", "role": "family"}),  # the errors, in the language
              family.post(f"/j/{code}", data={"name": "Rosa", "role": "family"}),
              family.post(f"/live/{code}/feedback", data={"kind": "question", "body": "", "client_key": "k" * 16})]
    guest = pseudo_client(login_as(None))
    guest.post(f"/j/{ended.code}", data={"name": "Gwen", "role": "family"})
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(type(ended), ended.id))
    posted.append(guest.post(f"/live/{ended.code}/closing", data={}))
    owner = pseudo_client(people.client("owner"))
    owner.post(f"/conferences/{school.conference.id}/lock", data={"locked": "1"})
    posted.append(owner.post(f"/presentations/{make.conference(people.owner, slides=0, live=False).presentation_id}"
                             "/conference"))  # not ready: nothing to show
    starts = {
        "anonymous": ["/", "/join", "/login", f"/j/{code}", "/j/NOSUCHCODE", "/no-such-page",
                      f"/live/{lobby.code}/thanks", "/account/welcome/no-such-token", f"/j/{ended.code}"],
        "family": [f"/live/{code}", f"/live/{code}/slides/0"],
        "guest": [f"/live/{ended.code}/thanks", f"/live/{ended.code}", f"/live/{ended.code}/closing"],
        "owner": ["/", "/goals/", f"/conferences/{lobby.id}", f"/conferences/{school.conference.id}/present",
                  f"/conferences/{school.conference.id}/record",
                  f"/conferences/{ended.id}/ended", f"/presentations/{school.presentation.id}"],
        "coach": ["/", f"/conferences/{school.conference.id}/coach"],
        "admin": ["/"],
    }
    data = data_strings(app)
    pages, problems = {}, [("posted", *p) for r in posted for p in check(r, data)]
    for role, urls in starts.items():
        client = {"family": family, "guest": guest, "owner": owner}.get(role) or pseudo_client(people.client(role))
        pages[role], found = crawl(client, urls, data)
        problems += [(role, *p) for p in found]
    assert len(pages["owner"]) > 10 and len(pages["coach"]) > 5 and len(pages["admin"]) > 2, pages
    print({role: len(p) for role, p in pages.items()}, pages["owner"])
    assert not problems, "\n".join(f"{r} {p} {w}: {t!r}" for r, p, w, t in problems)

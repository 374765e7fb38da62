"""The translation catalogs: extract the strings from the code, update each language's .po, compile .mo.

Babel's own APIs (what `pybabel extract/update/compile` run), so one command does it all and a test can
ask whether the committed catalogs are up to date with the code (`problems`). The .mo files are
committed: the app works straight after `pip install -e .`.
"""
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .languages import DEFAULT, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent  # the repository: babel.cfg, templates/
DIRECTORY = Path(__file__).resolve().parent / "translations"
TEMPLATE = DIRECTORY / "messages.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
HEADER = "Showcase (conference-app) catalog: `conference-app translations` keeps it up to date."


def extract() -> Catalog:
    """Every translatable string in the code, as a catalog template (what .pot holds)."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    catalog = Catalog(project="conference-app", header_comment=f"# {HEADER}", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return DIRECTORY / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    with open(po_path(language), "rb") as f:
        return read_po(f, locale=language)


def _po_bytes(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=120, ignore_obsolete=True, omit_header=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update(extra: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Extract, update every language's .po from it (new strings untranslated, gone ones dropped), compile.
    `extra` adds translations ({language: {msgid: msgstr}}). Returns the files written."""
    template = extract()
    written = []
    DIRECTORY.mkdir(exist_ok=True)
    TEMPLATE.write_bytes(_po_bytes(template))
    written.append(str(TEMPLATE))
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, project="conference-app", header_comment=f"# {HEADER}", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        for msgid, msgstr in (extra or {}).get(language, {}).items():
            message = catalog.get(msgid)
            if message is not None and msgstr:
                if isinstance(msgstr, tuple):  # plural forms: the last one stands for any the language adds
                    msgstr = (*msgstr, *[msgstr[-1]] * (catalog.num_plurals - len(msgstr)))[:catalog.num_plurals]
                message.string = msgstr
        path.write_bytes(_po_bytes(catalog))
        path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))
        written += [str(path), str(path.with_suffix(".mo"))]
    return written


def _ids(catalog: Catalog) -> set:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def problems() -> list[str]:
    """What is out of date: the template against the code, each .po against the template, each .mo
    against its .po. Empty when all is well."""
    found = []
    code = _ids(extract())
    with open(TEMPLATE, "rb") as f:
        template = _ids(read_po(f))
    if code != template:
        found.append(f"messages.pot: {len(code - template)} strings new in the code, {len(template - code)} gone; "
                     "run `conference-app translations`")
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        if not po_path(language).exists():
            found.append(f"{language}: no catalog")
            continue
        catalog = read(language)
        if _ids(catalog) != code:
            found.append(f"{language}: messages.po does not match the code; run `conference-app translations`")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            found.append(f"{language}: messages.mo is not compiled from messages.po; run `conference-app translations`")
    return found


def missing(language: str, files: tuple[str, ...] = ()) -> list[str]:
    """The strings with no translation in `language` (those used in `files` only, when given)."""
    out = []
    for m in read(language):
        if not m.id or (files and not any(loc.startswith(files) for loc, _line in m.locations)):
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings) or m.fuzzy:
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out

"""Turning stored things into safe HTML."""
import nh3
from flask import url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})


def markdown_html(text: str) -> Markup:
    """A student's Markdown as HTML: raw HTML is not rendered, and the result is sanitised."""
    return Markup(nh3.clean(_md.render(text or ""), link_rel="noopener noreferrer nofollow"))


def media_url(files, variant: str, page: int | None = None) -> str | None:
    """The URL of an item's file of this variant (and page), if it has one."""
    for f in files:
        if f.variant == variant and f.page == page:
            return url_for("media.file", file_id=f.id)
    return None

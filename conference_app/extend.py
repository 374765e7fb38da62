"""Named extension points: how a feature adds to another's pages and steps without the other naming it.

A lower feature names a point in its template (`{{ extension("live.presenter", ...) }}`, and
`extension_scripts("live.presenter")` for the scripts that go with it) or in its code (`render`, `first`,
`allowed`);
a higher feature registers what it adds there in its own `init_app` with `add`. Lower layers never import,
include or link to higher ones; a point with nothing registered adds nothing.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

# Every point, where it is and what is given to what is registered there.
POINTS = {
    "media.allow": "may this (media file, item) be served to the current request? (any yes serves it)",
    "live.follower": "the follower's phone page, under the slide: render(conference, participant)",
    "live.presenter": "the presenter's page, beside the slide: render(conference)",
    "live.before_thanks": "a participant about to see the thank-you page: hook(conference, participant) -> "
                          "a response to send instead, or None",
    "live.screen": "the projector screen, over the slide: render(conference)",
    "live.unknown_code": "a code typed or opened at /j/<code> that is no conference's: hook(code) -> a response "
                         "to send instead (an e-Portfolio day invitation's code), or None",

    "live.end": "a conference has just ended (stored): hook(conference), every hook runs",
    "live.thanks": "the thank-you page of a participant of an ended conference: render(conference, participant)",
    "live.ended": "an ended conference (the presenter's ended page, the coach panel): render(conference)",
    "records.sections": "a conference record, after its slides (also in its download: no scripts): "
                        "render(record)",
    "portfolio.links": "the head of a student's portfolio page, for what else of theirs the viewer may open: "
                       "render(owner)",
    "portfolio.timeline": "the student's portfolio page, above the work: render(owner)",
    "portfolio.item": "one item's page, under the work: render(item)",
    "portfolio.uses": "where else an item is used, for its delete dialog: count(item) -> [(number, ngettext "
                      "phrase with %(num)d)]",
    "portfolio.delete_choices": "the delete dialog's further choices: render(item, form)",
    "portfolio.deleting": "an item is about to be deleted: hook(item, user, choices: the posted form data)",
    "records.record": "the page of a conference record, under its tools: render(conference)",
    "presentations.editor": "the head of the presentation editor, its actions: render(pres, can_edit)",
    "presentations.deck": "the slides of a deck, gathered: hook(s, views) adds to each view's `extra` what it "
                          "draws there (in a fixed number of queries)",
    "presentations.slide": "one slide as the audience sees it, under its own content (a slide kind another "
                           "feature draws, or more for an item): render(view)",
    "presentations.template": "a new presentation from the agenda template, its slides stored (flushed): "
                              "hook(s, owner, slides) may insert its own into the list and the session "
                              "(positions are numbered afterwards)",
}


@dataclass(frozen=True)
class Contribution:
    call: Callable[..., Any] | None
    scripts: tuple[str, ...]


def add(app: Flask, point: str, call: Callable[..., Any] | None = None, *, scripts: tuple[str, ...] = ()) -> None:
    """Register `call` (and the static scripts it needs) at `point`; unknown points are a mistake."""
    if point not in POINTS:
        raise KeyError(f"No extension point {point!r}; the points are {', '.join(POINTS)}.")
    app.extensions.setdefault("extension_points", {}).setdefault(point, []).append(Contribution(call, scripts))


def contributions(point: str) -> list[Contribution]:
    return current_app.extensions.get("extension_points", {}).get(point, [])


def render(point: str, **context) -> Markup:
    """What every feature adds to a page at this point, in the order they were registered."""
    return Markup("").join(Markup(c.call(**context)) for c in contributions(point) if c.call)


def scripts(point: str) -> list[str]:
    """The static files (under static/) that what is added at this point needs, each once."""
    return list(dict.fromkeys(f for c in contributions(point) for f in c.scripts))


def first(point: str, *args) -> Any:
    """The first answer that is not None (a hook that may take over a request), or None."""
    for c in contributions(point):
        answer = c.call(*args) if c.call else None
        if answer is not None:
            return answer
    return None


def each(point: str, *args) -> None:
    """Call every hook registered at this point (hooks that add to what they are given)."""
    for c in contributions(point):
        if c.call:
            c.call(*args)


def allowed(point: str, *args) -> bool:
    """Does any registered policy say yes?"""
    return any(c.call(*args) for c in contributions(point) if c.call)


def init_app(app: Flask) -> None:
    app.add_template_global(render, "extension")
    app.add_template_global(scripts, "extension_scripts")

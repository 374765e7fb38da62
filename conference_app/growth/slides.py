"""Growth on the slides: "my growth in …" (a competency's history), "then and now" (an item beside its earliest
version), and a spoken reflection the student chose to play on their item's slide.

Everything drawn here is audience-safe work only, and `extra["media"]` lists every file a slide shows, so
that an audience phone gets exactly those files of the slides it has been shown (`follower_may_see_media`).
"""
from flask_babel import gettext as _
from sqlmodel import Session, select

from ..live import access, decks
from ..models import ItemKind, MediaFile, PortfolioItem, Slide, SlideCompetency, SlideKind, User
from ..presentations.slides import SlideView
from . import evidence, versions, voice

AUDIENCE_VARIANTS = ("thumb", "phone", "projector")


def _audience_files(item: PortfolioItem, files: list[MediaFile]) -> list[MediaFile]:
    return [f for f in files if f.variant in AUDIENCE_VARIANTS
            or (f.variant == "original" and item.kind in (ItemKind.VIDEO, ItemKind.AUDIO))]


def fill_deck(s: Session, views: list[SlideView]) -> None:
    """Point "presentations.deck": what growth draws on each slide, in a fixed number of queries per kind."""
    if not views:
        return
    owner: User = views[0].owner
    growth = [v for v in views if v.slide.kind == SlideKind.GROWTH]
    if growth:
        chosen = dict(s.exec(select(SlideCompetency.slide_id, SlideCompetency.competency_id)
                             .where(SlideCompetency.slide_id.in_([v.slide.id for v in growth]))).all())
        found = {h.competency.id: h for h in evidence.histories(s, owner, owner, list(chosen.values()),
                                                                audience=True)}
        names = evidence.competency_names(s, list(chosen.values()))
        for v in growth:
            cid = chosen.get(v.slide.id)
            history = found.get(cid)
            v.extra["growth"] = history
            v.extra["competency_name"] = names.get(cid, "")
            v.extra["media"] = {st.thumb.id for st in history.steps if st.thumb} if history else set()
    for v in views:
        if v.slide.kind == SlideKind.THEN_NOW and v.item is not None and v.shown:
            earlier = [(i, link) for i, link in versions.chain(s, v.item)]
            index = next(n for n, (i, _link) in enumerate(earlier) if i.id == v.item.id)
            then = next((i for i, _link in earlier[:index] if i.audience_safe), None)
            v.extra["then"] = then
            if then is not None:
                start = next(n for n, (i, _link) in enumerate(earlier) if i.id == then.id)
                v.extra["changes"] = [link.changed for i, link in earlier[start + 1:index + 1] if link.changed]
                files = list(s.exec(select(MediaFile).where(MediaFile.item_id == then.id)
                                    .order_by(MediaFile.page, MediaFile.id)))
                first_page = min((f.page for f in files if f.page), default=None)  # a PDF: its first page only
                v.extra["then_files"] = [f for f in _audience_files(then, files) if f.page == first_page]
                v.extra["then_pages"] = [first_page] if first_page else []
                v.extra.setdefault("media", set()).update(f.id for f in v.extra["then_files"])
    spoken = voice.on_slides(s, [v.item.id for v in views if v.item is not None and v.shown])
    for v in views:
        if v.item is not None and v.item.id in spoken and v.shown:
            v.extra["voice"] = spoken[v.item.id]
            v.extra.setdefault("media", set()).add(spoken[v.item.id].id)


def follower_may_see_media(media: MediaFile, item: PortfolioItem) -> bool:
    """Point "media.allow" for audience phones: a file growth draws on a slide this phone has been shown."""
    if not item.audience_safe:
        return False
    for conference in access.followed_conferences():
        shown = access.shown_slide_ids(conference)
        for v in decks.views(conference):
            if v.slide.id in shown and media.id in v.extra.get("media", ()):
                return True
    return False


def add_to_template(s: Session, owner: User, slides: list[Slide]) -> None:
    """Point "presentations.template": "my growth in …" slides after the learning targets (the competencies the
    student has placed shareable work on, up to three) and "then and now" slides after "How I grew" (the latest
    version of each chain with a shareable earlier one, up to two)."""
    if not slides:
        return
    histories = [h for h in evidence.histories(s, owner, owner, audience=True) if h.steps][:3]
    pairs = versions.latest_with_earlier(s, owner.id, audience=True)[:2]
    targets = next((n for n, sl in enumerate(slides) if sl.title == "My learning targets"), len(slides) - 1)
    grew = next((n for n, sl in enumerate(slides) if sl.title == "How I grew"), len(slides) - 1)
    growth_slides = [Slide(presentation_id=slides[0].presentation_id, kind=SlideKind.GROWTH,
                           title=_("My growth in %(name)s", name=h.competency.name),
                           talking_points=_("Walk through the steps: where did you start, what helped you move on?"),
                           duration_seconds=90) for h in histories]
    then_now = [Slide(presentation_id=slides[0].presentation_id, kind=SlideKind.THEN_NOW,
                      item_id=item.id, title=_("Then and now"),
                      talking_points=_("What changed between the versions? What did you learn by doing it again?"),
                      duration_seconds=90) for item in pairs]
    slides[grew + 1:grew + 1] = then_now
    slides[targets + 1:targets + 1] = growth_slides
    s.add_all(growth_slides + then_now)
    s.flush()
    s.add_all(SlideCompetency(slide_id=slide.id, competency_id=h.competency.id)
              for slide, h in zip(growth_slides, histories))

"""What a slide needs to be drawn, the agenda template, the readiness check.

`deck(s, presentation)` is the one place that gathers everything `_slide.html` needs, in a fixed
number of queries per presentation (not per slide); the live conference renders the same partial.
"""
from flask_babel import gettext as _, lazy_gettext as _l
from dataclasses import dataclass, field

from flask import url_for
from flask_login import current_user
from sqlmodel import Session, select

from .. import extend
from ..goals.goals import all_goals
from ..models import (Goal, ItemKind, MediaFile, PortfolioItem, Presentation, RehearsalComment,
                      Slide, SlideKind, User, Visibility)

STRUCTURE_KINDS = [SlideKind.TITLE, SlideKind.AGENDA, SlideKind.SECTION, SlideKind.GOALS, SlideKind.QUESTIONS]
KIND_LABELS = {SlideKind.ITEM: _l("Work"), SlideKind.TITLE: _l("Welcome"), SlideKind.AGENDA: _l("Agenda"),
               SlideKind.SECTION: _l("Section"), SlideKind.GOALS: _l("Goals"),
               SlideKind.QUESTIONS: _l("Questions for you")}
DEFAULT_TITLES = {SlideKind.TITLE: _l("Welcome to my conference"), SlideKind.AGENDA: _l("Today"),
                  SlideKind.SECTION: _l("New section"), SlideKind.GOALS: _l("My goals"),
                  SlideKind.QUESTIONS: _l("Questions for you"),
                  SlideKind.GROWTH: _l("My growth"), SlideKind.THEN_NOW: _l("Then and now")}
NEEDS_ALT = (ItemKind.IMAGE, ItemKind.DOCUMENT)
PRIVATE_WORK = "Private work"  # what anyone but its student reads where a private item is

# The student-led-conference agenda: (kind, title, body shown to the audience, talking-point prompts, seconds)
AGENDA_TEMPLATE = [
    (SlideKind.TITLE, _l("Welcome to my conference"),
     _l("Thank you for coming. Today I will show you my learning."),
     _l("Say hello and thank everyone for coming.\nIntroduce the people with you.\nSay how long we will talk."), 60),
    (SlideKind.AGENDA, _l("Today"),
     "", _l("Read the plan out loud so everyone knows what is coming."), 30),
    (SlideKind.SECTION, _l("My learning targets"),
     _l("These are the things I have been working on this term."),
     _l("Name two or three learning targets.\nSay why each one matters to you."), 120),
    (SlideKind.SECTION, _l("Work I'm proud of"),
     _l("Work I am proud of, and why."),
     _l("Which piece are you proudest of?\nWhat did you do that made it good?"), 60),
    (SlideKind.SECTION, _l("Work that was hard"),
     _l("Work that was hard, and what I did about it."),
     _l("What was difficult?\nWhat did you try when you were stuck?\nWho helped you?"), 60),
    (SlideKind.SECTION, _l("How I grew"),
     _l("Then and now: how my work has changed."),
     _l("Compare an early piece with a recent one.\nWhat can you do now that you could not do before?"), 60),
    (SlideKind.SECTION, _l("Strengths and challenges"),
     _l("What I am good at, and what I still find hard."),
     _l("Name one strength and show the evidence.\nName one challenge and say what you will do about it."), 120),
    (SlideKind.GOALS, _l("Progress on my goals"),
     "", _l("For each goal: did you reach it? How do you know?"), 120),
    (SlideKind.SECTION, _l("My new goals"),
     _l("What I want to work on next."),
     _l("Say one or two new goals.\nHow will your family and your coach help?"), 90),
    (SlideKind.QUESTIONS, _l("Questions for you"),
     _l("What questions do you have for me? What did you notice?"),
     _l("Invite questions.\nAsk your family what they noticed about your learning."), 180),
    (SlideKind.SECTION, _l("Actions we agree"),
     _l("What I will do, what my family will do, what my coach will do."),
     _l("Agree one action each for you, your family and your coach.\nThank everyone."), 120),
]


def template_slides(presentation_id: int) -> list[Slide]:
    """The agenda template as new (unsaved) slides, positions 0..n-1, in the student's language (then theirs
    to change, like anything they write)."""
    return [Slide(presentation_id=presentation_id, position=i, kind=kind, title=str(title), body=str(body),
                  talking_points=str(points), duration_seconds=seconds)
            for i, (kind, title, body, points, seconds) in enumerate(AGENDA_TEMPLATE)]


def mmss(seconds: int | None) -> str:
    """90 -> '1:30'; 3725 -> '62:05'."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def minutes(seconds: int | None) -> str:
    """A length of time that cannot be read as a time of day: 1380 -> '23 min', 90 -> '1 min 30 s', 45 -> '45 s'."""
    m, sec = divmod(int(seconds or 0), 60)
    if m and sec:
        return _("%(min)s min %(sec)s s", min=m, sec=sec)
    return _("%(sec)s s", sec=sec) if sec else _("%(min)s min", min=m)


def planned(seconds: int | None) -> str:
    """'23 min planned': the one way a planned time is written."""
    return _("%(time)s planned", time=minutes(seconds))


def total_seconds(slides: list[Slide]) -> int:
    return sum(sl.duration_seconds or 0 for sl in slides)


def ordered_slides(s: Session, presentation_id: int) -> list[Slide]:
    return list(s.exec(select(Slide).where(Slide.presentation_id == presentation_id)
                       .order_by(Slide.position, Slide.id)))


def pages_of(s: Session, item_ids: list[int]) -> dict[int, list[int]]:
    """The page numbers of each document item, in one query."""
    out: dict[int, list[int]] = {i: [] for i in item_ids}
    if item_ids:
        rows = s.exec(select(MediaFile.item_id, MediaFile.page).where(
            MediaFile.item_id.in_(item_ids), MediaFile.page.is_not(None)).distinct())
        for item_id, page in rows:
            out[item_id].append(page)
    return {i: sorted(p) for i, p in out.items()}


@dataclass
class SlideView:
    """Everything `_slide.html` needs for one slide, and what only the presenter sees."""

    slide: Slide
    number: int  # 1-based
    total: int
    owner: User
    item: PortfolioItem | None = None
    files: list[MediaFile] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)
    next_title: str = ""
    withheld: bool = False  # the work is private and this deck is not for its student: nothing of it is here
    extra: dict = field(default_factory=dict)  # what other features draw on it (point "presentations.deck")

    @property
    def title(self) -> str:
        if self.withheld:
            return PRIVATE_WORK
        if self.slide.title:
            return self.slide.title
        if self.item is not None:
            return self.item.title
        return str(DEFAULT_TITLES.get(self.slide.kind, _("Slide")))

    @property
    def audience_title(self) -> str:
        """The title an audience may see: withheld work keeps its own title to itself."""
        return self.title if self.shown or self.withheld else (self.slide.title or "Work")

    @property
    def shown(self) -> bool:
        """Does the audience see this slide's work? (Structure slides always show.)"""
        return not self.withheld and (self.item is None or self.item.audience_safe)

    @property
    def hidden_reason(self) -> str:
        if self.withheld:
            return "This work is private."
        if self.item is None or self.item.audience_safe:
            return ""
        if self.item.visibility == Visibility.PRIVATE:
            return _("This work is private.")
        if self.item.visibility == Visibility.COACH:
            return _("This work is shared with your coach only.")
        return _("This work shows other children and waits for a coach's approval.")


def deck(s: Session, presentation: Presentation, slides: list[Slide] | None = None,
         viewer: User | None = None) -> list[SlideView]:
    """A SlideView per slide, in order; a fixed number of queries whatever the length. The student's private
    work is in it only when `viewer` is that student; for anyone else (a coach, a live conference, a record)
    such a slide is "Private work", with no title, file or text of the work."""
    slides = ordered_slides(s, presentation.id) if slides is None else slides
    owner = s.get(User, presentation.owner_id)
    item_ids = sorted({sl.item_id for sl in slides if sl.item_id})
    found = {i.id: i for i in s.exec(select(PortfolioItem).where(PortfolioItem.id.in_(item_ids)))} if item_ids else {}
    files: dict[int, list[MediaFile]] = {i: [] for i in item_ids}
    if item_ids:
        for f in s.exec(select(MediaFile).where(MediaFile.item_id.in_(item_ids))
                        .order_by(MediaFile.page, MediaFile.id)):
            files[f.item_id].append(f)
    goals = []
    if any(sl.kind == SlideKind.GOALS for sl in slides):
        goals = all_goals(s, presentation.owner_id)  # with their status: open ones first
    agenda = [sl.title for sl in slides if sl.kind == SlideKind.SECTION and sl.title]
    views = []
    theirs = viewer is not None and viewer.is_authenticated and viewer.id == presentation.owner_id
    for n, sl in enumerate(slides, 1):
        item = found.get(sl.item_id) if sl.item_id else None
        withheld = item is not None and item.visibility == Visibility.PRIVATE and not theirs
        item = None if withheld else item
        item_files = files.get(sl.item_id, []) if item else []
        views.append(SlideView(slide=sl, number=n, total=len(slides), owner=owner, item=item, files=item_files,
                               pages=sorted({f.page for f in item_files if f.page}),
                               goals=goals if sl.kind == SlideKind.GOALS else [],
                               agenda=agenda if sl.kind == SlideKind.AGENDA else [], withheld=withheld))
    extend.each("presentations.deck", s, views)
    for current, following in zip(views, views[1:]):
        current.next_title = following.title
    return views


def comments_for(s: Session, slide_ids: list[int]) -> dict[int, list[tuple[RehearsalComment, str]]]:
    """Rehearsal comments per slide with their author's name, oldest first, in one query."""
    out: dict[int, list] = {i: [] for i in slide_ids}
    if slide_ids:
        rows = s.exec(select(RehearsalComment, User.display_name).join(User, User.id == RehearsalComment.author_id)
                      .where(RehearsalComment.slide_id.in_(slide_ids))
                      .order_by(RehearsalComment.created_at, RehearsalComment.id))
        for comment, name in rows:
            out[comment.slide_id].append((comment, name))
    return out


@dataclass
class Problem:
    """Something to fix before a conference can start."""

    slide: Slide | None
    number: int | None
    title: str
    message: str
    fix_url: str
    fix_label: str


def readiness(s: Session, presentation: Presentation, views: list[SlideView] | None = None) -> list[Problem]:
    """The problems that stop this presentation from going live; empty when it is ready.

    Call inside a request (the fix links are URLs). The live conference checks this before it starts.
    """
    views = deck(s, presentation, viewer=current_user) if views is None else views
    if not views:
        return [Problem(None, None, presentation.title, _("This presentation has no slides yet."),
                        url_for("presentations.editor", presentation_id=presentation.id), _("Add slides"))]
    problems = []
    for v in views:
        item = v.item
        if v.withheld:
            problems.append(Problem(v.slide, v.number, v.title, "This slide's work is private, so the audience "
                                    "would not see it.", url_for("presentations.editor",
                                                                 presentation_id=presentation.id), "See the slide"))
        if item is None:
            continue
        # the edit form returns to the presentation after Save
        edit = url_for("portfolio.edit", item_id=item.id,
                       back=url_for("presentations.editor", presentation_id=presentation.id))
        if item.visibility != Visibility.SHAREABLE:
            who = _("only you") if item.visibility == Visibility.PRIVATE else _("only you and your coach")
            problems.append(Problem(v.slide, v.number, v.title,
                                    _("“%(title)s” can be seen by %(who)s, so the audience would not see it.",
                                      title=item.title, who=who),
                                    edit, _("Change who can see it")))
        if item.needs_approval:
            problems.append(Problem(v.slide, v.number, v.title,
                                    _("“%(title)s” shows other children and a coach has not approved it yet.",
                                      title=item.title),
                                    url_for("portfolio.item", item_id=item.id), _("Ask your coach to approve it")))
        if item.kind in NEEDS_ALT and not item.alt_text.strip():
            problems.append(Problem(v.slide, v.number, v.title,
                                    _("“%(title)s” has no description for people who cannot see it.", title=item.title),
                                    edit, _("Describe it")))
    return problems

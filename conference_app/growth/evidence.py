"""Evidence and self-assessment: an item linked to competencies, the student's placement on the scale and why,
a coach's view beside it; and the growth over time that these make, per competency.

Nothing here is a grade: no averages, no totals, no ranking; a history is a list of steps in time order.
Whatever a viewer may not see of the items (a coach: private items) is left out before anything is counted
or named.
"""
from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..models import (Competency, Goal, GoalCompetency, MediaFile, PortfolioItem, ScaleStep, SelfAssessment, User,
                      Visibility, utcnow)
from ..portfolio.access import visible_items
from ..portfolio.items import thumbs_for
from . import framework, voice

SPOKEN_WHY = "why"  # the MediaFile variant of a placement's spoken why


@dataclass
class Placement:
    """One assessment with who made it and the step's name."""

    assessment: SelfAssessment
    author: User
    step: ScaleStep


@dataclass
class Link:
    """An item's link to one competency: the student's own placement and the coaches' views."""

    competency: Competency
    own: Placement | None = None
    coaches: list[Placement] = field(default_factory=list)


def _placements(s: Session, *where) -> list[Placement]:
    rows = s.exec(select(SelfAssessment, User, ScaleStep).join(User, User.id == SelfAssessment.author_id)
                  .join(ScaleStep, ScaleStep.id == SelfAssessment.step_id).where(*where)
                  .order_by(SelfAssessment.created_at, SelfAssessment.id))
    return [Placement(a, u, st) for a, u, st in rows]


def for_item(s: Session, item: PortfolioItem) -> list[Link]:
    """The competencies this item is evidence for, in the framework's order."""
    order = {c.id: (i, c) for i, c in enumerate(framework.competencies(s))}
    links: dict[int, Link] = {}
    for p in _placements(s, SelfAssessment.item_id == item.id):
        link = links.setdefault(p.assessment.competency_id, Link(order[p.assessment.competency_id][1]))
        if p.author.id == item.owner_id:
            link.own = p
        else:
            link.coaches.append(p)
    return sorted(links.values(), key=lambda link: order[link.competency.id][0])


def place(s: Session, item: PortfolioItem, author: User, competency: Competency, step: ScaleStep,
          why: str) -> SelfAssessment:
    """The author's placement of this item on this competency, made or changed (one per author)."""
    found = s.exec(select(SelfAssessment).where(SelfAssessment.item_id == item.id,
                                                SelfAssessment.competency_id == competency.id,
                                                SelfAssessment.author_id == author.id)).first()
    if found is None:
        found = SelfAssessment(item_id=item.id, competency_id=competency.id, author_id=author.id, step_id=step.id)
        s.add(found)
    found.step_id, found.why, found.updated_at = step.id, why, utcnow()
    s.commit()
    return found


def unlink(s: Session, item: PortfolioItem, competency_id: int) -> None:
    """The item is no longer evidence for this competency: every placement of it goes, spoken whys too."""
    _delete(s, list(s.exec(select(SelfAssessment).where(SelfAssessment.item_id == item.id,
                                                        SelfAssessment.competency_id == competency_id))))


def _delete(s: Session, assessments: list[SelfAssessment]) -> None:
    """Delete these placements and their spoken whys, rows and files."""
    ids = [a.spoken_media_id for a in assessments if a.spoken_media_id]
    media = list(s.exec(select(MediaFile).where(MediaFile.id.in_(ids)))) if ids else []
    paths = [m.path for m in media]
    for a in assessments:
        s.delete(a)
    s.flush()
    for m in media:
        s.delete(m)
    s.commit()
    voice.forget_files(paths)


def forget_competency(s: Session, competency: Competency) -> None:
    """Before a competency goes: its placements go, with their spoken whys' files."""
    _delete(s, list(s.exec(select(SelfAssessment).where(SelfAssessment.competency_id == competency.id))))


def own_placement(s: Session, item: PortfolioItem, competency_id: int) -> SelfAssessment | None:
    """The student's own placement of this item on this competency."""
    return s.exec(select(SelfAssessment).where(SelfAssessment.item_id == item.id,
                                               SelfAssessment.competency_id == competency_id,
                                               SelfAssessment.author_id == item.owner_id)).first()


def speak_why(s: Session, assessment: SelfAssessment, item: PortfolioItem, stream) -> MediaFile:
    """Keep a sound as the placement's spoken why (replacing the one before, its file too). Raises Rejected."""
    media = voice.store(s, item, stream, SPOKEN_WHY)
    old = s.get(MediaFile, assessment.spoken_media_id) if assessment.spoken_media_id else None
    old_path = old.path if old else None
    try:
        s.flush()
        assessment.spoken_media_id, assessment.updated_at = media.id, utcnow()
        s.flush()
        if old is not None:
            s.delete(old)
        s.commit()
    except BaseException:
        s.rollback()
        voice.forget_files([media.path])
        raise
    if old_path:
        voice.forget_files([old_path])
    return media


def unspeak_why(s: Session, assessment: SelfAssessment) -> None:
    """The spoken why goes, its file from the disk too; the placement stays."""
    media = s.get(MediaFile, assessment.spoken_media_id) if assessment.spoken_media_id else None
    if media is None:
        return
    path = media.path
    assessment.spoken_media_id = None
    s.flush()
    s.delete(media)
    s.commit()
    voice.forget_files([path])


@dataclass
class Step:
    """One step of a history: the student's placement, with its evidence and the coaches' views of it."""

    own: Placement
    item: PortfolioItem
    thumb: MediaFile | None
    coaches: list[Placement] = field(default_factory=list)


@dataclass
class History:
    competency: Competency
    group_name: str
    steps: list[Step] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)


def histories(s: Session, viewer: User, owner: User, competency_ids: list[int] | None = None,
              audience: bool = False) -> list[History]:
    """Per competency of the framework, the student's placements in time order (by the date of the work, then
    when they placed it) with their evidence. Only items the viewer may see count (`audience`: only
    audience-safe ones); competencies with no step and no goal are left out."""
    items_query = visible_items(viewer, owner)
    seen = {i.id: i for i in s.exec(items_query)}
    if audience:
        seen = {i: item for i, item in seen.items() if item.audience_safe}
    placements = _placements(s, SelfAssessment.item_id.in_(list(seen) or [-1]))
    by_item_comp: dict[tuple[int, int], list[Placement]] = {}
    for p in placements:
        if p.author.id != owner.id:
            by_item_comp.setdefault((p.assessment.item_id, p.assessment.competency_id), []).append(p)
    thumbs = thumbs_for(s, list(seen))
    goals = {} if audience else goals_by_competency(s, owner.id)
    out = []
    for group, comps in framework.groups(s):
        for c in comps:
            if competency_ids is not None and c.id not in competency_ids:
                continue
            steps = [Step(p, seen[p.assessment.item_id], thumbs.get(p.assessment.item_id),
                          by_item_comp.get((p.assessment.item_id, c.id), []))
                     for p in placements if p.author.id == owner.id and p.assessment.competency_id == c.id]
            steps.sort(key=lambda st: (st.item.made_on, st.own.assessment.created_at, st.own.assessment.id))
            if steps or goals.get(c.id):
                out.append(History(c, group.name, steps, goals.get(c.id, [])))
    return out


def goals_by_competency(s: Session, student_id: int) -> dict[int, list[Goal]]:
    out: dict[int, list[Goal]] = {}
    rows = s.exec(select(Goal, GoalCompetency.competency_id).join(GoalCompetency, GoalCompetency.goal_id == Goal.id)
                  .where(Goal.student_id == student_id).order_by(Goal.created_at, Goal.id))
    for goal, competency_id in rows:
        out.setdefault(competency_id, []).append(goal)
    return out


def competency_of_goals(s: Session, goal_ids: list[int]) -> dict[int, int]:
    if not goal_ids:
        return {}
    return dict(s.exec(select(GoalCompetency.goal_id, GoalCompetency.competency_id)
                       .where(GoalCompetency.goal_id.in_(goal_ids))).all())


def tie_goal(s: Session, goal: Goal, competency: Competency | None) -> None:
    """Tie a goal to a competency (None: to none)."""
    link = s.exec(select(GoalCompetency).where(GoalCompetency.goal_id == goal.id)).first()
    if competency is None:
        if link is not None:
            s.delete(link)
    elif link is None:
        s.add(GoalCompetency(goal_id=goal.id, competency_id=competency.id))
    else:
        link.competency_id = competency.id
    s.commit()


def competency_names(s: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(s.exec(select(Competency.id, Competency.name).where(Competency.id.in_(ids))).all())


def remove_view(s: Session, item: PortfolioItem, author: User, competency_id: int) -> None:
    """A coach takes their own view of this link away."""
    _delete(s, list(s.exec(select(SelfAssessment).where(SelfAssessment.item_id == item.id,
                                                        SelfAssessment.author_id == author.id,
                                                        SelfAssessment.competency_id == competency_id))))


def discussed(s: Session, views: list) -> list[Competency]:
    """The competencies a conference's shown slides were about, in the framework's order: each "my growth in …"
    slide's, and those the student linked to shared (not private) work on the slides."""
    ids = {v.extra["growth"].competency.id for v in views if v.extra.get("growth")}
    item_ids = [v.item.id for v in views if v.item is not None and v.item.visibility != Visibility.PRIVATE]
    if item_ids:
        ids |= set(s.exec(select(SelfAssessment.competency_id).join(
            PortfolioItem, PortfolioItem.id == SelfAssessment.item_id).where(
            SelfAssessment.item_id.in_(item_ids), SelfAssessment.author_id == PortfolioItem.owner_id)))
    return [c for c in framework.competencies(s) if c.id in ids]

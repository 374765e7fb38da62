"""The school's framework: competencies in groups, each with an "I can…" statement, and one scale.

The scale has four steps unless renamed; it is made on first use, so a new school has it without a setup step.
A framework can be imported from a CSV file (group, competency, "I can…"): all of it or nothing, every bad
row named by its line.
"""
import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _, lazy_gettext as _l
from sqlmodel import Session, func, select

from ..accounts.importer import ImportError_, decode
from ..models import Competency, CompetencyGroup, ScaleStep

DEFAULT_SCALE = [_l("Emerging"), _l("Developing"), _l("Proficient"), _l("Extending")]
MAX_ROWS = 500
NAME, STATEMENT = 120, 300


def scale(s: Session) -> list[ScaleStep]:
    """The school's steps, lowest first (the default four, made on first use)."""
    steps = list(s.exec(select(ScaleStep).order_by(ScaleStep.position, ScaleStep.id)))
    if not steps:
        steps = [ScaleStep(position=i, name=str(name)) for i, name in enumerate(DEFAULT_SCALE)]
        s.add_all(steps)
        s.commit()
    return steps


def groups(s: Session) -> list[tuple[CompetencyGroup, list[Competency]]]:
    """Every group with its competencies, in their order (two queries)."""
    found = list(s.exec(select(CompetencyGroup).order_by(CompetencyGroup.position, CompetencyGroup.id)))
    by_group: dict[int, list[Competency]] = {g.id: [] for g in found}
    for c in s.exec(select(Competency).order_by(Competency.position, Competency.id)):
        by_group[c.group_id].append(c)
    return [(g, by_group[g.id]) for g in found]


def competencies(s: Session) -> list[Competency]:
    return [c for _group, cs in groups(s) for c in cs]


def group_named(s: Session, name: str) -> CompetencyGroup:
    """The group of this name (case as first written), made at the end if it is new."""
    group = s.exec(select(CompetencyGroup).where(func.lower(CompetencyGroup.name) == name.lower())).first()
    if group is None:
        last = s.exec(select(func.max(CompetencyGroup.position))).one()
        group = CompetencyGroup(name=name, position=(last or 0) + 1)
        s.add(group)
        s.flush()
    return group


def put(s: Session, group_name: str, name: str, description: str) -> Competency:
    """Add a competency to its group, or give an existing one of that name its new statement."""
    group = group_named(s, group_name)
    competency = s.exec(select(Competency).where(Competency.group_id == group.id,
                                                 func.lower(Competency.name) == name.lower())).first()
    if competency is None:
        last = s.exec(select(func.max(Competency.position)).where(Competency.group_id == group.id)).one()
        competency = Competency(group_id=group.id, name=name, position=(last or 0) + 1)
        s.add(competency)
    competency.description = description
    s.flush()
    return competency


def remove_empty_groups(s: Session) -> None:
    used = select(Competency.group_id)
    for group in s.exec(select(CompetencyGroup).where(CompetencyGroup.id.not_in(used))):
        s.delete(group)


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


HEADERS = {"group": "group", "area": "group", "competency": "name", "name": "name", "learning target": "name",
           "target": "name", "i can": "description", "description": "description", "statement": "description"}


def import_csv(s: Session, data: bytes) -> ImportResult:
    """Store the framework in the file, or (with any bad row) nothing, with every problem by its line."""
    try:
        text = decode(data)
    except ImportError_ as e:
        return ImportResult(errors=[str(e)])
    reader = csv.reader(io.StringIO(text, newline=""))
    result = ImportResult()
    try:
        header = [HEADERS.get(" ".join(h.strip().lower().replace("…", "").replace("...", "").split()))
                  for h in next(reader, [])]
        if "group" not in header or "name" not in header:
            return ImportResult(errors=[_("Line 1 must name the columns: group, competency, I can.")])
        rows, seen = [], {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_ROWS:
                result.errors.append(_("Line %(line)s: a framework has at most %(n)s competencies.",
                                       line=line, n=MAX_ROWS))
                break
            values = {key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header) if key}
            group, name, description = values.get("group", ""), values.get("name", ""), values.get("description", "")
            if not group or not name:
                result.errors.append(_("Line %(line)s: a competency needs its group and its name.", line=line))
            elif max(len(group), len(name)) > NAME or len(description) > STATEMENT:
                result.errors.append(_("Line %(line)s: names have at most %(name)s characters and the “I can…” "
                                       "statement at most %(statement)s.", line=line, name=NAME, statement=STATEMENT))
            elif (group.lower(), name.lower()) in seen:
                result.errors.append(_("Line %(line)s: “%(name)s” is also on line %(other)s.", line=line, name=name,
                                       other=seen[(group.lower(), name.lower())]))
            else:
                seen[(group.lower(), name.lower())] = line
                rows.append((group, name, description))
    except csv.Error as e:
        result.errors.append(_("Line %(line)s could not be read: %(error)s.", line=reader.line_num, error=e))
    if not result.errors and not rows:
        result.errors.append(_("The file has no competencies under its first line."))
    if result.errors:
        return result
    existing = {(g.name.lower(), c.name.lower()) for g, cs in groups(s) for c in cs}
    for group, name, description in rows:
        put(s, group, name, description)
        if (group.lower(), name.lower()) in existing:
            result.updated += 1
        else:
            result.added += 1
    s.commit()
    return result

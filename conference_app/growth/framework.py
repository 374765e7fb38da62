"""The school's framework: competencies in groups, each with an "I can…" statement, and one scale.

The scale has four steps unless renamed; it is made on first use, so a new school has it without a setup step.
A framework can be imported from a CSV file (group, competency, "I can…"): first a preview of what it would
make (`plan_csv`, which changes nothing, every bad row named by its line), then, on confirm, all of it or
nothing (`apply`).
"""
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from flask_babel import gettext as _, lazy_gettext as _l
from sqlmodel import Session, func, select

from ..accounts.importer import MAX_BYTES, ImportError_, decode
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
class ImportRow:
    line: int
    group: str
    name: str
    description: str
    new: bool  # False: a competency of that group and name is there already and gets this statement


@dataclass
class ImportPlan:
    """What a CSV file would do, made without changing anything: the rows by group, and every bad row."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_groups: set[str] = field(default_factory=set)  # lower-cased names of groups it would make

    @property
    def added(self) -> int:
        return sum(r.new for r in self.rows)

    @property
    def updated(self) -> int:
        return sum(not r.new for r in self.rows)

    def by_group(self) -> list[tuple[str, bool, list[ImportRow]]]:
        """(group name, is it new, its rows) in the file's order."""
        out: dict[str, tuple[str, bool, list[ImportRow]]] = {}
        for r in self.rows:
            out.setdefault(r.group.lower(), (r.group, r.group.lower() in self.new_groups, []))[2].append(r)
        return list(out.values())

    def digest(self, text: str) -> str:
        """Names the file's text and what it would do to the framework as it is now: a confirm whose file or
        framework changed since the preview does not match it."""
        state = [(r.line, r.group, r.name, r.description, r.new) for r in self.rows]
        return hashlib.sha256(json.dumps([text, state, sorted(self.new_groups)]).encode()).hexdigest()


HEADERS = {"group": "group", "area": "group", "competency": "name", "name": "name", "learning target": "name",
           "target": "name", "i can": "description", "description": "description", "statement": "description"}


def read_csv(stream) -> str | ImportPlan:
    """The uploaded file's text (UTF-8, or an older export's Windows-1252; at most what one form field may carry
    back with the confirm), or a plan that says why it cannot be read."""
    try:
        return decode(stream.read(MAX_BYTES + 1))
    except ImportError_ as e:
        return ImportPlan(errors=[str(e)])


def plan_csv(s: Session, text: str) -> ImportPlan:
    """What importing this text would do; changes nothing. Every bad row is named by its line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    plan = ImportPlan()
    try:
        header = [HEADERS.get(" ".join(h.strip().lower().replace("…", "").replace("...", "").split()))
                  for h in next(reader, [])]
        if "group" not in header or "name" not in header:
            return ImportPlan(errors=[_("Line 1 must name the columns: group, competency, I can.")])
        seen: dict[tuple[str, str], int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(plan.rows) >= MAX_ROWS:
                plan.errors.append(_("Line %(line)s: a framework has at most %(n)s competencies.",
                                     line=line, n=MAX_ROWS))
                break
            if any(cell.strip() for cell in row[len(header):]):
                plan.errors.append(_("Line %(line)s has more columns than the first line: put a text with commas "
                                     "in quotes.", line=line))
                continue
            values = {key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header) if key}
            group, name, description = values.get("group", ""), values.get("name", ""), values.get("description", "")
            if not group or not name:
                plan.errors.append(_("Line %(line)s: a competency needs its group and its name.", line=line))
            elif max(len(group), len(name)) > NAME or len(description) > STATEMENT:
                plan.errors.append(_("Line %(line)s: names have at most %(name)s characters and the “I can…” "
                                     "statement at most %(statement)s.", line=line, name=NAME, statement=STATEMENT))
            elif (group.lower(), name.lower()) in seen:
                plan.errors.append(_("Line %(line)s: “%(name)s” is also on line %(other)s.", line=line, name=name,
                                     other=seen[(group.lower(), name.lower())]))
            else:
                seen[(group.lower(), name.lower())] = line
                plan.rows.append(ImportRow(line, group, name, description, True))
    except csv.Error as e:
        plan.errors.append(_("Line %(line)s could not be read: %(error)s.", line=reader.line_num, error=e))
    if not plan.errors and not plan.rows:
        plan.errors.append(_("The file has no competencies under its first line."))
    existing = groups(s)
    there = {(g.name.lower(), c.name.lower()) for g, cs in existing for c in cs}
    group_names = {g.name.lower() for g, _cs in existing}
    for r in plan.rows:
        r.new = (r.group.lower(), r.name.lower()) not in there
    plan.new_groups = {r.group.lower() for r in plan.rows} - group_names
    return plan


def apply(s: Session, plan: ImportPlan) -> None:
    """Store a plan without errors."""
    assert not plan.errors
    for r in plan.rows:
        put(s, r.group, r.name, r.description)
    s.commit()

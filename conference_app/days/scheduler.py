"""Placing every student of an e-Portfolio day: pure Python on plain data (no database), deterministic.

Rules: one slot each, at one of the day's start times, in a space with room left at that time; the student's
coach attends (at most `coach_capacity` conferences at once, inside the coach's windows when they have any);
a family's stated unavailability is respected; siblings (students of one family) are back to back, at
consecutive start times, so the family goes from one to the next.

Greedy: sibling groups first as blocks (largest first), then the students of the busiest coaches and of
families with the least time. Each takes the earliest start time that fits, in the space its coach already
uses when it can (a coach stays in one room). Whoever cannot be placed is reported with why. 600 students
take a few milliseconds (tests/days/test_scheduler.py), so it runs in the request.
"""
from collections import defaultdict
from dataclasses import dataclass, field

# Why a student was not placed (the pages say each in words)
NO_COACH = "no_coach"  # no coach assigned to the student
COACH_UNAVAILABLE = "coach_unavailable"  # the coach is available at none of the day's times
FAMILY_UNAVAILABLE = "family_unavailable"  # the family is away whenever the coach is available
COACH_FULL = "coach_full"  # the coach's available times are all taken
SPACES_FULL = "spaces_full"  # every space is full whenever the coach and the family could
NO_BLOCK = "siblings_no_block"  # no back-to-back times for the siblings with their coaches and spaces free

# What is wrong with a placement (conflicts)
C_COACH = "coach_over"
C_SPACE = "space_over"
C_COACH_AWAY = "coach_unavailable"
C_FAMILY_AWAY = "family_unavailable"
C_SIBLINGS = "siblings_apart"
C_TIME = "not_a_time"


@dataclass(frozen=True)
class Student:
    id: int
    coach_id: int | None
    family_id: int | None = None


@dataclass
class Day:
    """The day as the scheduler sees it: start times (minutes after midnight), spaces {id: capacity},
    coaches' windows {coach: [(from, until)]} (none: all day), families' away times {family: [(from, until)]}."""
    starts_min: int
    ends_min: int
    slot_minutes: int
    changeover_minutes: int = 0
    coach_capacity: int = 1
    spaces: dict[int, int] = field(default_factory=dict)
    coach_windows: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    family_away: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    earliest: int = 0  # no new placement starts before this (a no-show's new slot: later today)

    @property
    def times(self) -> list[int]:
        step = self.slot_minutes + self.changeover_minutes
        return [t for t in range(self.starts_min, self.ends_min - self.slot_minutes + 1, max(step, 1))
                if t >= self.earliest]

    def coach_free(self, coach_id: int, t: int) -> bool:
        windows = self.coach_windows.get(coach_id)
        return not windows or any(a <= t and t + self.slot_minutes <= b for a, b in windows)

    def family_free(self, family_id: int | None, t: int) -> bool:
        return not any(a < t + self.slot_minutes and t < b for a, b in self.family_away.get(family_id, ()))


@dataclass
class Result:
    placed: dict[int, tuple[int, int]]  # student id -> (start, space id)
    unplaced: dict[int, str]  # student id -> reason


class _Load:
    """How many conferences each coach and each space has at each time."""

    def __init__(self, day: Day):
        self.day = day
        self.coach: dict[tuple[int, int], int] = defaultdict(int)
        self.space: dict[tuple[int, int], int] = defaultdict(int)
        self.rooms_of: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # coach -> space -> n

    def add(self, student: Student, t: int, space: int) -> None:
        if student.coach_id is not None:
            self.coach[student.coach_id, t] += 1
            self.rooms_of[student.coach_id][space] += 1
        self.space[space, t] += 1

    def coach_room(self, student: Student, t: int) -> bool:
        return student.coach_id is None or self.coach[student.coach_id, t] < self.day.coach_capacity

    def space_for(self, student: Student, t: int, taken: dict[int, int] | None = None) -> int | None:
        """The space for this student at t: their coach's usual one if it has room, else the emptiest."""
        taken = taken or {}
        free = [s for s, cap in self.day.spaces.items() if self.space[s, t] + taken.get(s, 0) < cap]
        if not free:
            return None
        usual = self.rooms_of.get(student.coach_id, {})
        others = {s for coach, rooms in self.rooms_of.items() if coach != student.coach_id for s in rooms}
        # the coach's own room first, then one no other coach uses, then the emptiest
        return min(free, key=lambda s: (-usual.get(s, 0), s in others, self.space[s, t] + taken.get(s, 0), s))


def _fits(day: Day, load: _Load, student: Student, t: int) -> bool:
    return day.coach_free(student.coach_id, t) and day.family_free(student.family_id, t) and load.coach_room(student, t)


def _why(day: Day, load: _Load, student: Student) -> str:
    """The first rule that leaves this student no time."""
    if student.coach_id is None:
        return NO_COACH
    times = [t for t in day.times if day.coach_free(student.coach_id, t)]
    if not times:
        return COACH_UNAVAILABLE
    times = [t for t in times if day.family_free(student.family_id, t)]
    if not times:
        return FAMILY_UNAVAILABLE
    times = [t for t in times if load.coach_room(student, t)]
    return COACH_FULL if not times else SPACES_FULL


def _place_block(day: Day, load: _Load, block: list[Student], placed: dict) -> bool:
    """Siblings at consecutive start times (in id order), each with their coach and a space."""
    times = day.times
    for i in range(len(times) - len(block) + 1):
        chosen, ok = [], True
        for j, student in enumerate(block):
            t = times[i + j]
            space = load.space_for(student, t) if _fits(day, load, student, t) else None
            if space is None:
                ok = False
                break
            chosen.append((student, t, space))
        if ok:
            for student, t, space in chosen:
                load.add(student, t, space)
                placed[student.id] = (t, space)
            return True
    return False


def schedule(day: Day, students: list[Student], fixed: dict[int, tuple[int, int]] | None = None) -> Result:
    """Place every student not already in `fixed` (placements kept as they are)."""
    fixed = dict(fixed or {})
    by_id = {s.id: s for s in students}
    load = _Load(day)
    for sid, (t, space) in fixed.items():
        if sid in by_id:
            load.add(by_id[sid], t, space)
    placed: dict[int, tuple[int, int]] = dict(fixed)
    unplaced: dict[int, str] = {}
    todo = [s for s in sorted(students, key=lambda s: s.id) if s.id not in fixed]
    families: dict[int, list[Student]] = defaultdict(list)
    for s in todo:
        if s.family_id is not None:
            families[s.family_id].append(s)
    blocks = sorted((b for b in families.values() if len(b) > 1), key=lambda b: (-len(b), b[0].id))
    in_block = {s.id for b in blocks for s in b}
    for block in blocks:
        if any(s.coach_id is None for s in block):
            unplaced.update({s.id: NO_COACH if s.coach_id is None else NO_BLOCK for s in block})
        elif not _place_block(day, load, block, placed):
            unplaced.update({s.id: NO_BLOCK for s in block})
    # the busiest coaches' students first, then the families with least time, then by id
    per_coach: dict[int | None, int] = defaultdict(int)
    for s in todo:
        per_coach[s.coach_id] += 1
    free_times = {s.id: sum(day.family_free(s.family_id, t) for t in day.times) for s in todo}
    singles = sorted((s for s in todo if s.id not in in_block),
                     key=lambda s: (-per_coach[s.coach_id], free_times[s.id], s.id))
    for student in singles:
        if student.coach_id is None:
            unplaced[student.id] = NO_COACH
            continue
        for t in day.times:
            if _fits(day, load, student, t):
                space = load.space_for(student, t)
                if space is not None:
                    load.add(student, t, space)
                    placed[student.id] = (t, space)
                    break
        else:
            unplaced[student.id] = _why(day, load, student)
    return Result(placed=placed, unplaced=unplaced)


def options(day: Day, students: list[Student], fixed: dict[int, tuple[int, int]],
            family: list[Student]) -> dict[int, list[tuple[int, int, int]]]:
    """The start times a family may book: for each first start time, each of its students' (student, start,
    space), back to back in id order, with every rule kept around the placements in `fixed`."""
    by_id = {s.id: s for s in students}
    load = _Load(day)
    for sid, (t, space) in fixed.items():
        if sid in by_id:
            load.add(by_id[sid], t, space)
    block = sorted(family, key=lambda s: s.id)
    found: dict[int, list[tuple[int, int, int]]] = {}
    times = day.times
    for i in range(len(times) - len(block) + 1):
        chosen = []
        for j, student in enumerate(block):
            t = times[i + j]
            space = load.space_for(student, t) if student.coach_id is not None and _fits(day, load, student, t) \
                else None
            if space is None:
                break
            chosen.append((student.id, t, space))
        else:
            found[times[i]] = chosen
    return found


@dataclass(frozen=True)
class Conflict:
    student_id: int
    kind: str


def conflicts(day: Day, students: list[Student], placed: dict[int, tuple[int, int]]) -> list[Conflict]:
    """Everything wrong with these placements, per student (empty: the day is valid)."""
    by_id = {s.id: s for s in students}
    times = set(day.times)
    coach_at: dict[tuple[int, int], list[int]] = defaultdict(list)
    space_at: dict[tuple[int, int], list[int]] = defaultdict(list)
    found: list[Conflict] = []
    for sid, (t, space) in sorted(placed.items()):
        student = by_id.get(sid)
        if student is None:
            continue
        if t not in times or space not in day.spaces:
            found.append(Conflict(sid, C_TIME))
        if student.coach_id is not None:
            coach_at[student.coach_id, t].append(sid)
            if not day.coach_free(student.coach_id, t):
                found.append(Conflict(sid, C_COACH_AWAY))
        space_at[space, t].append(sid)
        if not day.family_free(student.family_id, t):
            found.append(Conflict(sid, C_FAMILY_AWAY))
    found += [Conflict(sid, C_COACH) for ids in coach_at.values() if len(ids) > day.coach_capacity for sid in ids]
    found += [Conflict(sid, C_SPACE) for (space, _t), ids in space_at.items()
              if len(ids) > day.spaces.get(space, 0) for sid in ids]
    order = day.times
    families: dict[int, list[int]] = defaultdict(list)
    for sid, (t, _space) in placed.items():
        student = by_id.get(sid)
        if student is not None and student.family_id is not None:
            families[student.family_id].append(t)
    for family, starts in families.items():
        if len(starts) < 2:
            continue
        idx = sorted(order.index(t) if t in times else -10 for t in starts)
        if any(b - a != 1 for a, b in zip(idx, idx[1:], strict=False)):
            found += [Conflict(s.id, C_SIBLINGS) for s in students if s.family_id == family and s.id in placed]
    return sorted(set(found), key=lambda c: (c.student_id, c.kind))

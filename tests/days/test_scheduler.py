"""The scheduler on a generated school: 600 students, 40 coaches, 15 spaces, 50 sibling pairs, 10 % of families
away at times. It places everyone without a conflict, fast, and says exactly whom it could not place and why."""
import random
import time

from conference_app.days import scheduler
from conference_app.days.scheduler import Day, Student


def generated_school(seed: int = 13):
    rng = random.Random(seed)
    coaches = list(range(1000, 1040))
    students, family = [], 0
    for i in range(600):
        students.append(Student(i + 1, coaches[i % 40], None))
    # 50 sibling pairs: two students of one family (often with different coaches)
    siblings = rng.sample(range(600), 100)
    for a, b in zip(siblings[::2], siblings[1::2], strict=True):
        family += 1
        students[a] = Student(students[a].id, students[a].coach_id, family)
        students[b] = Student(students[b].id, students[b].coach_id, family)
    for i, s in enumerate(students):
        if s.family_id is None:
            family += 1
            students[i] = Student(s.id, s.coach_id, family)
    families = sorted({s.family_id for s in students})
    away = {f: [(9 * 60, 11 * 60)] if rng.random() < 0.5 else [(13 * 60, 16 * 60)]
            for f in rng.sample(families, len(families) // 10)}
    day = Day(starts_min=8 * 60, ends_min=17 * 60, slot_minutes=20, changeover_minutes=5, coach_capacity=1,
              spaces={s: 3 for s in range(1, 16)}, coach_windows={coaches[0]: [(8 * 60, 15 * 60)]},
              family_away=away)
    return day, students


def test_600_students_are_placed_without_a_conflict_in_well_under_10_seconds():
    day, students = generated_school()
    started = time.perf_counter()
    result = scheduler.schedule(day, students)
    took = time.perf_counter() - started
    assert result.unplaced == {}
    assert len(result.placed) == 600
    assert scheduler.conflicts(day, students, result.placed) == []
    assert took < 10
    print(f"600 students in {took * 1000:.1f} ms")
    # siblings are back to back; families away are not placed then
    times = day.times
    by_family = {}
    for s in students:
        by_family.setdefault(s.family_id, []).append(times.index(result.placed[s.id][0]))
    assert sum(len(v) == 2 for v in by_family.values()) == 50
    assert all(abs(v[0] - v[1]) == 1 for v in by_family.values() if len(v) == 2)
    # the same input gives the same day
    assert scheduler.schedule(day, students).placed == result.placed


def test_it_says_exactly_whom_it_could_not_place_and_why():
    day, students = generated_school()
    coach = students[0].coach_id
    # 27 students for a coach available 7 hours (17 start times): 10 cannot be placed, the coach is full
    extra = [Student(5000 + i, coach, 9000 + i) for i in range(12)]
    nobody = Student(6000, None, 9500)
    away = Student(6001, 1039, 9501)
    day.family_away[9501] = [(0, 24 * 60)]
    unavailable = Student(6002, 2000, 9502)
    day.coach_windows[2000] = [(18 * 60, 19 * 60)]
    result = scheduler.schedule(day, students + extra + [nobody, away, unavailable])
    full = {sid for sid, why in result.unplaced.items() if why == scheduler.COACH_FULL}
    assert len(full) == 27 - 17
    assert result.unplaced[6000] == scheduler.NO_COACH
    assert result.unplaced[6001] == scheduler.FAMILY_UNAVAILABLE
    assert result.unplaced[6002] == scheduler.COACH_UNAVAILABLE
    assert set(result.unplaced) == full | {6000, 6001, 6002}
    assert scheduler.conflicts(day, students + extra, result.placed) == []


def test_full_spaces_and_siblings_without_a_block_are_named():
    day = Day(starts_min=9 * 60, ends_min=10 * 60, slot_minutes=30, spaces={1: 1})  # two start times, one room
    students = [Student(1, 10, 1), Student(2, 11, 1), Student(3, 12, 2), Student(4, 13, 3)]
    result = scheduler.schedule(day, students)
    assert result.placed == {1: (540, 1), 2: (570, 1)}
    assert result.unplaced == {3: scheduler.SPACES_FULL, 4: scheduler.SPACES_FULL}
    day.family_away[1] = [(570, 600)]
    result = scheduler.schedule(day, students)
    assert result.unplaced[1] == result.unplaced[2] == scheduler.NO_BLOCK


def test_conflicts_name_each_broken_rule():
    day = Day(starts_min=9 * 60, ends_min=11 * 60, slot_minutes=20, changeover_minutes=10, spaces={1: 1, 2: 2},
              coach_windows={10: [(9 * 60, 10 * 60)]}, family_away={5: [(9 * 60, 9 * 60 + 30)]})
    students = [Student(1, 10, 1), Student(2, 10, 2), Student(3, 11, 3), Student(4, 11, 3), Student(5, 12, 5)]
    placed = {1: (540, 1), 2: (540, 1), 3: (600, 2), 4: (660, 2), 5: (540, 2)}
    found = {(c.student_id, c.kind) for c in scheduler.conflicts(day, students, placed)}
    assert found == {(1, scheduler.C_COACH), (2, scheduler.C_COACH), (1, scheduler.C_SPACE),
                     (2, scheduler.C_SPACE), (3, scheduler.C_SIBLINGS), (4, scheduler.C_SIBLINGS),
                     (5, scheduler.C_FAMILY_AWAY), (4, scheduler.C_TIME)}


def test_a_coach_keeps_one_room_when_there_is_one():
    day = Day(starts_min=9 * 60, ends_min=11 * 60, slot_minutes=20, changeover_minutes=5, spaces={1: 1, 2: 1})
    students = [Student(i, 10 + i % 2, 100 + i) for i in range(1, 9)]
    placed = scheduler.schedule(day, students).placed
    rooms = {coach: {placed[s.id][1] for s in students if s.coach_id == coach} for coach in (10, 11)}
    assert rooms[10] != rooms[11] and all(len(r) == 1 for r in rooms.values())


def test_a_new_slot_later_keeps_the_days_grid_of_times():
    day = Day(starts_min=9 * 60, ends_min=11 * 60, slot_minutes=20, changeover_minutes=5, spaces={1: 2},
              earliest=9 * 60 + 37)
    result = scheduler.schedule(day, [Student(1, 10), Student(2, 10)], fixed={2: (9 * 60 + 50, 1)})
    assert result.placed[1] == (10 * 60 + 15, 1)  # 09:50 is the coach's; the next on the grid is 10:15

"""Purging leavers: everything of a student, rows and files, and nothing of anyone else.

`plan` counts what would go (the preview and `conference-app purge --dry-run`); `purge` deletes the students'
rows (the database cascades to their items, files' rows, presentations, conferences with their participants,
feedback, records, links and goals) and the group exports holding them, then their folders on disk (off the
event loop), then checks that nothing of them is left on disk. The audit log keeps who did it and the counts, no names.

Every purge is first written to the erasure register (`ERASURE_REGISTER`, a file beside the backups: each
student's id and the moment their account was made, no names), and `restore` replays it: a backup made
before a purge brings nobody back.
"""
import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlmodel import Session, delete, func, select

from ..lanes import off_loop
from ..models import (AuditEntry, Conference, ExportJob, Family, FamilyStudent, Feedback, Goal, MediaFile,
                      Participant, PortfolioItem, Presentation, PrivateLink, RecordFile, RecordSlide, Role, User,
                      utcnow)


@dataclass
class Plan:
    students: int = 0
    items: int = 0
    files: int = 0  # stored files: originals, derived sizes, the records' own pictures
    presentations: int = 0
    records: int = 0  # conferences, with their records
    participants: int = 0
    messages: int = 0  # feedback sent in their conferences
    links: int = 0
    goals: int = 0
    participant_names: list[str] = field(default_factory=list)  # shown in the preview, never logged

    def counts(self) -> dict:
        out = asdict(self)
        out.pop("participant_names")
        return out


def students(s: Session, ids) -> list[User]:
    ids = [int(i) for i in ids]
    if not ids:
        return []
    return list(s.exec(select(User).where(User.id.in_(ids), User.role == Role.STUDENT).order_by(User.display_name)))


def leavers_before(s: Session, cutoff: date) -> list[User]:
    """Students who left on or before `cutoff` (the retention period counts from the day they left)."""
    return list(s.exec(select(User).where(User.role == Role.STUDENT, User.left_on.is_not(None),
                                          User.left_on <= cutoff).order_by(User.left_on, User.display_name)))


def _count(s: Session, query) -> int:
    return s.exec(select(func.count()).select_from(query.subquery())).one()


def _their(ids: list[int]):
    """The selects of a student's rows, each as (name, query of ids)."""
    items = select(PortfolioItem.id).where(PortfolioItem.owner_id.in_(ids))
    conferences = select(Conference.id).where(Conference.owner_id.in_(ids))
    return items, conferences


def plan(s: Session, people: list[User]) -> Plan:
    ids = [u.id for u in people]
    if not ids:
        return Plan()
    items, conferences = _their(ids)
    record_files = select(RecordFile.id).join(RecordSlide, RecordSlide.id == RecordFile.record_slide_id) \
        .where(RecordSlide.conference_id.in_(conferences))
    participants = select(Participant.id).where(Participant.conference_id.in_(conferences))
    names = sorted({n for n in s.exec(select(Participant.display_name)
                                      .where(Participant.conference_id.in_(conferences)))})
    return Plan(students=len(ids), items=_count(s, items),
                files=_count(s, select(MediaFile.id).where(MediaFile.item_id.in_(items))) + _count(s, record_files),
                presentations=_count(s, select(Presentation.id).where(Presentation.owner_id.in_(ids))),
                records=_count(s, conferences), participants=_count(s, participants),
                messages=_count(s, select(Feedback.id).where(Feedback.conference_id.in_(conferences))),
                links=_count(s, select(PrivateLink.id).where(PrivateLink.student_id.in_(ids))),
                goals=_count(s, select(Goal.id).where(Goal.student_id.in_(ids))), participant_names=names)


def folders_of(s: Session, ids: list[int]) -> set[str]:
    """The top-level folders under MEDIA_ROOT that hold these students' files (uploads and records)."""
    items, conferences = _their(ids)
    paths = list(s.exec(select(MediaFile.path).where(MediaFile.item_id.in_(items))))
    paths += list(s.exec(select(RecordFile.path).join(RecordSlide, RecordSlide.id == RecordFile.record_slide_id)
                         .where(RecordSlide.conference_id.in_(conferences))))
    return {Path(p).parts[0] for p in paths if p and ".." not in Path(p).parts}


def _remove(root: Path, folders: set[str]) -> list[str]:
    """Delete the folders; what is still there afterwards (should be nothing)."""
    for folder in folders:
        shutil.rmtree(root / folder, ignore_errors=True)
    return sorted(folder for folder in folders if (root / folder).exists())


log = logging.getLogger(__name__)


def _stamp(moment) -> str:
    """An account's creation time as the register keeps it (naive UTC, to the microsecond)."""
    return moment.replace(tzinfo=None).isoformat()


def _append(register: Path, entry: dict) -> None:
    register.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(register, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(entry, sort_keys=True) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def purge(s: Session, people: list[User], actor_id: int | None, action: str = "purge") -> tuple[Plan, list[str]]:
    """Register the erasure, then delete the students and everything of theirs; (what went, the folders
    still on disk: none)."""
    if people:
        entry = {"at": _stamp(utcnow()), "students": [[u.id, _stamp(u.created_at)] for u in people]}
        off_loop(_append, Path(current_app.config["ERASURE_REGISTER"]), entry)
    return _erase(s, people, actor_id, action)


def _remove_exports(s: Session, student_ids: list[int]) -> None:
    """The admin's group exports that hold any of these students (the school keeps no copy): each job's
    row, its ZIP and any run's file (one still writing, one stopped, one that finished a moment ago)."""
    wanted, root = set(student_ids), Path(current_app.config["EXPORT_ROOT"])
    for job in s.exec(select(ExportJob)):
        if wanted & set(job.ids):
            for path in root.glob(f"export-{job.id}[.-]*"):
                path.unlink(missing_ok=True)
            s.delete(job)
    s.commit()


def _erase(s: Session, people: list[User], actor_id: int | None, action: str) -> tuple[Plan, list[str]]:
    counted = plan(s, people)
    ids = [u.id for u in people]
    if not ids:
        return counted, []
    _remove_exports(s, ids)
    folders = folders_of(s, ids)
    s.execute(delete(User).where(User.id.in_(ids)))
    # a family with none of its students left goes too (its email, language, invitations and answers)
    s.execute(delete(Family).where(Family.id.not_in(select(FamilyStudent.family_id))))
    s.add(AuditEntry(actor_id=actor_id, action=action, summary=json.dumps(counted.counts(), sort_keys=True)))
    s.commit()
    left = off_loop(_remove, Path(current_app.config["MEDIA_ROOT"]), folders)
    return counted, left


def registered(paths: list[Path]) -> set[tuple[int, str]]:
    """Every (student id, account made) the registers name; a torn last line is skipped."""
    found = set()
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                found.update((int(i), str(made)) for i, made in json.loads(line)["students"])
            except (ValueError, KeyError, TypeError):
                log.warning("erasure register %s: a line that is not an entry was skipped", path)
    return found


def replay(s: Session, paths: list[Path]) -> int:
    """After a restore: erase again everyone the registers say was erased (the id and the account's
    creation time both match, so an id used again by a later account is never touched)."""
    erased = registered(paths)
    if not erased:
        return 0
    people = [u for u in s.exec(select(User).where(User.id.in_({i for i, _made in erased})))
              if (u.id, _stamp(u.created_at)) in erased]
    _erase(s, people, None, "purge (replayed after a restore)")
    return len(people)


def audit(s: Session, actor_id: int | None, action: str, **counts) -> None:
    s.add(AuditEntry(actor_id=actor_id, action=action, summary=json.dumps(counts, sort_keys=True)))
    s.commit()

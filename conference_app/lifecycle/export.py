"""A student's whole portfolio as one ZIP: an offline HTML site (index.html; each item with its reflection,
media and the feedback it received; each conference record; goals), the original files, and data.json.

The pages are rendered here from the database (quick); writing the ZIP (reading and compressing the files)
runs in a thread off the event loop (`off_loop`). The site links only to files inside the ZIP: it opens from
disk with nothing fetched from anywhere.
"""
import json
import re
import tempfile
import threading
import uuid
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, render_template
from sqlalchemy import or_, update
from sqlmodel import Session, select

from .. import db
from ..feedback import service as feedback
from ..feedback.service import OWNER_LABELS
from ..goals.goals import all_goals
from ..lanes import off_loop
from ..models import ExportJob, MediaFile, PortfolioItem, User, Visibility, utcnow
from ..portfolio import items as portfolio_items
from ..records import record
from ..records.routes import inline_picture
from . import purge

KEPT_VARIANTS = ("original", "phone")  # the originals, and the phone size for the pages


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "student"


def _file_name(f: MediaFile) -> str:
    return f"files/{f.item_id}/{f.variant}{f'-p{f.page}' if f.page else ''}{Path(f.path).suffix}"


def _json(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value))


def entries(s: Session, student: User, with_private: bool = True) -> list[tuple[str, str | Path]]:
    """What goes in the ZIP: (name inside it, text or a file on disk). A coach's export leaves out the
    student's private items (a coach never learns of them)."""
    root = Path(current_app.config["MEDIA_ROOT"])
    query = select(PortfolioItem).where(PortfolioItem.owner_id == student.id)
    if not with_private:
        query = query.where(PortfolioItem.visibility != Visibility.PRIVATE)
    rows = list(s.exec(query.order_by(PortfolioItem.made_on.desc(), PortfolioItem.id.desc())))
    ids = [i.id for i in rows]
    tags = portfolio_items.tags_for(s, ids)
    files = {i: [f for f in portfolio_items.files_of(s, i) if f.variant in KEPT_VARIANTS] for i in ids}
    conferences = record.ended_for(s, student.id)
    records = [record.build(s, c) for c in conferences]
    goals = all_goals(s, student.id)
    css = (Path(current_app.static_folder) / "css" / "app.css").read_text()
    out: list[tuple[str, str | Path]] = [("style.css", css)]
    context = dict(student=student, items=rows, tags=tags, files=files, file_name=_file_name, records=records,
                   goals=goals, now=utcnow())
    out.append(("index.html", render_template("lifecycle/export/index.html", **context)))
    for item in rows:
        received = [e for e, _c in feedback.for_item(s, item.id)]
        out.append((f"items/{item.id}.html", render_template("lifecycle/export/item.html", item=item,
                                                              feedback=received, **context)))
        out += [(_file_name(f), root / f.path) for f in files[item.id]]
    for built in records:
        out.append((f"records/{built.conference.id}.html", render_template(
            "records/download.html", record=built, conference=built.conference, picture_src=inline_picture,
            owner_labels=OWNER_LABELS, may_reflect=False, may_redact=False)))
    data = {"student": {"name": student.display_name, "username": student.username},
            "items": [{**i.model_dump(exclude={"owner_id", "approved_by_id"}), "tags": tags[i.id],
                       "files": [_file_name(f) for f in files[i.id]],
                       "feedback": [{"kind": e.fb.kind, "from": e.name, "role": e.role, "text": e.fb.body,
                                     "at": e.fb.created_at} for e, _c in feedback.for_item(s, i.id)]}
                      for i in rows],
            "goals": [g.model_dump(exclude={"student_id"}) for g in goals],
            "conferences": [{"id": r.conference.id, "started_at": r.conference.started_at,
                             "ended_at": r.conference.ended_at, "presentation": r.presentation.title,
                             "page": f"records/{r.conference.id}.html",
                             "actions": [{"text": a.text, "owner": a.owner, "due_on": a.due_on} for a in r.actions],
                             "feedback": [{"slide": sl.snap.title, "kind": e.fb.kind, "from": e.name, "text": e.fb.body}
                                          for sl in r.slides for e in sl.feedback]} for r in records]}
    out.append(("data.json", json.dumps(data, default=_json, indent=2, ensure_ascii=False)))
    return out


def write_zip(target: Path, parts: list[tuple[str, str | Path]], prefix: str = "") -> None:
    """Write the ZIP (run off the event loop: it reads and compresses every file)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts:
            if isinstance(content, Path):
                if content.is_file():
                    z.write(content, prefix + name)
            else:
                z.writestr(prefix + name, content)


def student_zip(s: Session, student: User, with_private: bool = True) -> Path:
    """One student's portfolio as a ZIP in a temporary file (the caller removes it)."""
    parts = entries(s, student, with_private)
    handle = tempfile.NamedTemporaryFile(prefix="portfolio-", suffix=".zip", delete=False)
    handle.close()
    off_loop(write_zip, Path(handle.name), parts, f"{slug(student.display_name)}/")
    return Path(handle.name)


# ---- the admin's export of a group, as a job with progress ------------------------------------------------

def exports_root() -> Path:
    root = Path(current_app.config["EXPORT_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    return root


LEASE = timedelta(seconds=30)


class _TakenOver(Exception):
    """Another run holds the job now (this one was thought stopped, or the job was purged)."""


def start_job(s: Session, students: list[User], actor_id: int) -> ExportJob:
    runner = uuid.uuid4().hex
    job = ExportJob(actor_id=actor_id, student_ids=",".join(str(u.id) for u in students), total=len(students),
                    runner=runner, lease_until=utcnow() + LEASE)
    s.add(job)
    s.commit()
    _spawn(job.id, runner)
    return job


def _spawn(job_id: int, runner: str) -> None:
    app = current_app._get_current_object()
    threading.Thread(target=_run, args=(app, job_id, runner), daemon=True).start()  # a greenlet under gevent


def take_over_if_abandoned(s: Session, job: ExportJob) -> ExportJob:
    """A running job whose lease ran out lost its process (a restart, a crash): start it again, here. The
    claim is one conditional UPDATE, so of several processes looking at once only one takes it."""
    if job.state != "running" or (job.lease_until is not None and job.lease_until > utcnow()):
        return job
    runner = uuid.uuid4().hex
    claimed = s.execute(update(ExportJob).where(
        ExportJob.id == job.id, ExportJob.state == "running",
        or_(ExportJob.lease_until.is_(None), ExportJob.lease_until <= utcnow()))
        .values(runner=runner, lease_until=utcnow() + LEASE, done=0, restarts=ExportJob.restarts + 1)).rowcount
    s.commit()
    if claimed:
        current_app.logger.warning("export job %s: its process stopped; started again", job.id)
        _spawn(job.id, runner)
    s.refresh(job)
    return job


def _hold(s: Session, job_id: int, runner: str, **values) -> None:
    """Renew the lease (and store values) if this run still holds the job; else stop it."""
    held = s.execute(update(ExportJob).where(ExportJob.id == job_id, ExportJob.runner == runner)
                     .values({"lease_until": utcnow() + LEASE, **values})).rowcount
    s.commit()
    if not held:
        raise _TakenOver


def _keep_lease(app: Flask, job_id: int, runner: str, finished: threading.Event) -> None:
    """Renew the lease while one big portfolio is being written (between two, `_run` renews it)."""
    with app.app_context():
        while not finished.wait(LEASE.total_seconds() / 3):
            try:
                _hold(db.session(), job_id, runner)
            except _TakenOver:
                return


def _run(app: Flask, job_id: int, runner: str) -> None:
    with app.app_context():
        s = db.session()
        job = s.get(ExportJob, job_id)
        root = exports_root()
        partial = root / f"export-{job_id}-{runner}.partial"  # each run its own file: a stale one never mixes in
        for stale in root.glob(f"export-{job_id}-*.partial"):  # a stopped run's half-written file
            stale.unlink(missing_ok=True)
        finished = threading.Event()
        threading.Thread(target=_keep_lease, args=(app, job_id, runner, finished), daemon=True).start()
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as outer:
                for done, student in enumerate(purge.students(s, job.ids), 1):
                    inner = student_zip(s, student)
                    off_loop(outer.write, inner, f"{slug(student.display_name)}-{student.id}.zip")
                    inner.unlink(missing_ok=True)
                    _hold(s, job_id, runner, done=done)
            target = root / f"export-{job_id}.zip"
            _hold(s, job_id, runner)
            partial.replace(target)
            _hold(s, job_id, runner, state="ready", path=target.name, lease_until=None)
            purge.audit(s, job.actor_id, "export", students=job.total)
        except _TakenOver:
            partial.unlink(missing_ok=True)
        except Exception:
            current_app.logger.exception("export job %s failed", job_id)
            partial.unlink(missing_ok=True)
            s.rollback()
            try:
                _hold(s, job_id, runner, state="failed", lease_until=None)
            except _TakenOver:
                pass
        finally:
            finished.set()

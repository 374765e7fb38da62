"""Backup while phones send feedback, restore into a fresh instance: every acknowledged message is
there and every media file opens (SQLite, and PostgreSQL when DATABASE_URL points at it)."""
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine
from sqlmodel import Session, select

from conference_app import backup as backups
from conference_app import create_app
from conference_app.models import Feedback, MediaFile, User
from tests.conftest import unit_config
from tests.live.clients import joined
from tests.servers import media_on_live_server, server_fixture

CLI = str(Path(sys.executable).parent / "conference-app")


live_server = server_fixture("backup", FEEDBACK_RATE_LIMIT="10000 per minute")
app_config = media_on_live_server


def _cli(*args, database_url, media_root, check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "SECRET_KEY": "backup-test",
           "ERASURE_REGISTER": str(Path(media_root).parent / "erasures.jsonl")}
    done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_backup_while_phones_send_feedback_then_restore(app, make, live_server, database_url, fresh_url, tmp_path):
    school = make.school()
    phones = [joined(live_server, school.conference.code, f"Phone {i}") for i in range(6)]
    acked: list[tuple[float, str]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def send(i, phone):
        n = 0
        while not stop.is_set():
            body = f"MSG-{i}-{n}"
            r = phone.htmx(f"/live/{school.conference.code}/feedback",
                           {"body": body, "kind": "question", "client_key": uuid.uuid4().hex})
            if r.status_code == 201:
                with lock:
                    acked.append((time.monotonic(), body))
            n += 1

    threads = [threading.Thread(target=send, args=(i, p), daemon=True) for i, p in enumerate(phones)]
    for t in threads:
        t.start()
    while len(acked) < 30:
        time.sleep(0.02)
    started = time.monotonic()
    out = tmp_path / "backups"
    result = _cli("backup", str(out), database_url=database_url, media_root=live_server.media_root)
    finished = time.monotonic()
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(10)
    before = {body for at, body in acked if at < started}
    during = [body for at, body in acked if started <= at < finished]
    print(f"\nbackup: {len(before)} messages acknowledged before it, {len(during)} during its "
          f"{finished - started:.2f} s")
    assert len(during) > 0, "no feedback was acknowledged while the backup ran"
    [archive] = list(out.glob("conference-backup-*.tar.gz"))
    assert "Backup written" in result.stdout

    restored_media = tmp_path / "restored-media"
    _cli("restore", str(archive), database_url=fresh_url, media_root=restored_media)
    engine = create_engine(fresh_url)
    try:
        with Session(engine) as s:
            bodies = set(s.exec(select(Feedback.body)))
            files = list(s.exec(select(MediaFile)))
            assert s.exec(select(User).where(User.username == "amara")).one()
    finally:
        engine.dispose()
    missing = before - bodies
    assert not missing, f"{len(missing)} of {len(before)} acknowledged messages are missing: {sorted(missing)[:5]}"
    assert files, "the school had media files"
    for f in files:
        path = restored_media / f.path
        assert path.is_file() and path.stat().st_size == f.size or f.size == 0, f.path
        if f.mime.startswith("image/"):
            with Image.open(path) as im:
                im.load()
    # A restored instance serves: the migrations are at head and sign-in works.
    again = _cli("restore", str(archive), database_url=fresh_url, media_root=restored_media, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_plain_copy_of_live_sqlite_misses_the_wal_but_the_backup_has_it(tmp_path):
    """The reason for the online backup API, shown on a database held open by a writer."""
    import shutil
    import sqlite3

    live = tmp_path / "live.db"
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(8)])
    writer.commit()
    shutil.copy(live, tmp_path / "copy.db")
    copied = sqlite3.connect(tmp_path / "copy.db")
    try:
        plain = copied.execute("SELECT count(*) FROM t").fetchone()[0]
    except sqlite3.OperationalError:
        plain = 0
    copied.close()
    app = create_app({**unit_config(f"sqlite:///{live}", tmp_path / "media")})
    archive, manifest = backups.backup(app, tmp_path / "out")
    app.extensions["db_engine"].dispose()
    import tarfile

    with tarfile.open(archive) as tar:
        tar.extract("database.sqlite", tmp_path / "x", filter="data")
    snap = sqlite3.connect(tmp_path / "x" / "database.sqlite")
    assert plain == 0 and snap.execute("SELECT count(*) FROM t").fetchone()[0] == 8
    snap.close()
    writer.close()


def test_keep_prunes_old_archives_and_bad_archives_are_refused(app, tmp_path, database_url):
    out = tmp_path / "nightly"
    out.mkdir()
    for stamp in ("20260101-010000", "20260102-010000", "20260103-010000"):
        (out / f"conference-backup-{stamp}.tar.gz").write_bytes(b"old")
    archive, _ = backups.backup(app, out, keep=2)
    assert sorted(p.name for p in out.iterdir()) == ["conference-backup-20260103-010000.tar.gz", archive.name]
    with pytest.raises(backups.BackupError, match="not empty|not a backup"):
        backups.restore(app, out / "conference-backup-20260103-010000.tar.gz")
    fresh = create_app(unit_config(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "empty-media"))
    with pytest.raises(backups.BackupError, match="not a backup archive"):
        backups.restore(fresh, out / "conference-backup-20260103-010000.tar.gz")
    with pytest.raises(backups.BackupError, match="no file"):
        backups.restore(fresh, out / "nope.tar.gz")
    fresh.extensions["db_engine"].dispose()

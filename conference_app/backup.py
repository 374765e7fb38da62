"""`conference-app backup` and `restore`: one archive with a consistent database snapshot and the media.

SQLite is copied with its online backup API (a plain copy of a live WAL database misses what is still
in the -wal file); PostgreSQL with pg_dump, which reads one consistent snapshot. The database is taken
first and the media folder after it, so every file a row of the snapshot names is in the archive
(files only ever get added before their row is committed).
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, UTC
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text

FORMAT = 1
PREFIX = "conference-backup-"
SUFFIX = ".tar.gz"


class BackupError(RuntimeError):
    pass


def _url(app: Flask):
    return app.extensions["db_engine"].url


def _libpq(url) -> str:
    """postgresql+psycopg://… as the URL pg_dump and pg_restore understand."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _revision(app: Flask) -> str | None:
    with app.extensions["db_engine"].connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _snapshot_database(app: Flask, into: Path) -> str:
    url = _url(app)
    if url.get_backend_name() == "sqlite":
        target = into / "database.sqlite"
        source = sqlite3.connect(url.database)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # one step: a consistent snapshot, WAL content included
        finally:
            dest.close()
            source.close()
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        target = into / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
              f"--dbname={_libpq(url)}"], "pg_dump")
        return "postgresql"
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def _run(argv: list[str], name: str) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()[-500:]}")


def _archive_name(dest: Path) -> Path:
    if dest.name.endswith(SUFFIX):
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    return dest / f"{PREFIX}{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


def backup(app: Flask, dest: Path, keep: int | None = None) -> tuple[Path, dict]:
    """Write the archive (into directory dest, or to dest itself when it ends in .tar.gz).

    keep: afterwards, delete all but the newest `keep` archives of this name in that directory."""
    archive = _archive_name(Path(dest))
    media_root = Path(app.config["MEDIA_ROOT"])
    with tempfile.TemporaryDirectory(prefix="conference-backup-", dir=archive.parent) as tmp:
        tmp = Path(tmp)
        kind = _snapshot_database(app, tmp)
        files = [p for p in sorted(media_root.rglob("*")) if p.is_file() and not p.name.startswith(".readyz-")]
        manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": kind, "revision": _revision(app), "media_files": len(files),
                    "media_bytes": sum(p.stat().st_size for p in files)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:  # media is compressed already
            tar.add(tmp / "manifest.json", "manifest.json")
            db_file = "database.sqlite" if kind == "sqlite" else "database.pgdump"
            tar.add(tmp / db_file, db_file)
            for path in files:
                try:
                    tar.add(path, "media/" + path.relative_to(media_root).as_posix())
                except FileNotFoundError:  # deleted while we were copying: not named by the snapshot's rows
                    pass
        os.replace(partial, archive)  # a half-written archive never has the final name
    archive.chmod(0o600)
    if keep:
        prune(archive.parent, keep)
    return archive, manifest


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives in directory; returns what was deleted."""
    archives = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))
    gone = archives[:-keep] if keep > 0 else []
    for path in gone:
        path.unlink()
    return gone


def _is_empty(app: Flask) -> list[str]:
    """Why this instance is not empty (a restore never overwrites a school's data)."""
    reasons = []
    with app.extensions["db_engine"].connect() as conn:
        if inspect(conn).has_table("user") and conn.execute(text('SELECT count(*) FROM "user"')).scalar():
            reasons.append("its database has accounts")
    media_root = Path(app.config["MEDIA_ROOT"])
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        reasons.append(f"its media folder ({media_root}) has files")
    return reasons


def restore(app: Flask, archive: Path) -> dict:
    """Restore an archive into an empty instance (fresh DATABASE_URL and MEDIA_ROOT), migrate it, then
    erase again the students purged since (the erasure register: this instance's, and the one beside
    the archive). The manifest gains `erased_again`."""
    from . import db
    from .lifecycle import purge

    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no file {archive}.")
    reasons = _is_empty(app)
    if reasons:
        raise BackupError("This instance is not empty (" + "; ".join(reasons) + "). Restore into a fresh one: "
                          "a new DATABASE_URL and an empty MEDIA_ROOT.")
    url = _url(app)
    media_root = Path(app.config["MEDIA_ROOT"])
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as e:
        raise BackupError(f"{archive} is not a backup archive: {e}") from e
    with tar, tempfile.TemporaryDirectory(prefix="conference-restore-") as tmp:
        tmp = Path(tmp)
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
        except (KeyError, ValueError, tarfile.TarError):
            raise BackupError(f"{archive} has no manifest: it is not a conference-app backup.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        kind = manifest["database"]
        if kind != url.get_backend_name():
            raise BackupError(f"This backup holds a {kind} database, but DATABASE_URL is {url.get_backend_name()}.")
        db_file = "database.sqlite" if kind == "sqlite" else "database.pgdump"
        tar.extract(db_file, tmp, filter="data")
        app.extensions["db_engine"].dispose()
        if kind == "sqlite":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(tmp / db_file)
            dest = sqlite3.connect(url.database)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        else:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--exit-on-error",
                  f"--dbname={_libpq(url)}", str(tmp / db_file)], "pg_restore")
        media_root.mkdir(parents=True, exist_ok=True)
        members = []
        for member in tar.getmembers():
            if member.name.startswith("media/") and member.isfile():
                member.name = member.name.removeprefix("media/")
                members.append(member)
        tar.extractall(media_root, members=members, filter="data")
    db.upgrade(app)  # a backup made by an older version is brought up to this one
    registers = {Path(app.config["ERASURE_REGISTER"]).resolve(), (archive.parent / "erasures.jsonl").resolve()}
    with app.app_context():
        manifest["erased_again"] = purge.replay(db.session(), sorted(registers))
    return manifest

"""`python -m conference_app.revision "message"`: autogenerate a migration from the models."""
import sys
import tempfile

from alembic import command

from . import create_app, db

if __name__ == "__main__":
    # Compare against a fresh database at head, never against someone's real data.
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/rev.db", "MEDIA_ROOT": tmp})
        db.upgrade(app)
        command.revision(db.alembic_config(app), message=" ".join(sys.argv[1:]) or "change",
                         autogenerate=True)

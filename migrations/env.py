"""Alembic environment: the engine comes from the app (db.upgrade) or from DATABASE_URL."""

from alembic import context
from sqlmodel import SQLModel

from conference_app import models  # noqa: F401  (fills the metadata)

config = context.config
target_metadata = SQLModel.metadata


def _engine():
    engine = config.attributes.get("engine")
    if engine is None:
        from conference_app import create_app

        engine = create_app().extensions["db_engine"]
    return engine


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()

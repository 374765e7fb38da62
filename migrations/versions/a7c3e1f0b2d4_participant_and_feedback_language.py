"""participant and feedback language (existing rows are English)

Revision ID: a7c3e1f0b2d4
Revises: fc54b8780e0a
Create Date: 2026-12-01 23:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'a7c3e1f0b2d4'
down_revision: str | None = 'fc54b8780e0a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('participant', 'feedback'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                          server_default='en'))


def downgrade() -> None:
    for table in ('feedback', 'participant'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')

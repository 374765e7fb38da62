"""export job lease: which run builds it and until when (a job whose process stopped is taken over)

Revision ID: a7c3e5f9d1b2
Revises: e1f0a9b8c7d6
Create Date: 2026-12-03 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'a7c3e5f9d1b2'
down_revision: str | None = 'e1f0a9b8c7d6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # jobs running before this version have no lease: the next look at them starts them again
    with op.batch_alter_table('exportjob', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runner', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('lease_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('restarts', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('exportjob', schema=None) as batch_op:
        batch_op.drop_column('restarts')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('runner')

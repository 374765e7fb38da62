"""reaction counts per slide of a conference

Revision ID: b7d2c4e81f3a
Revises: a3c9e1f20b7d
Create Date: 2026-12-02 00:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'b7d2c4e81f3a'
down_revision: str | None = 'a3c9e1f20b7d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reactioncount',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conference_id', 'position', 'kind')
    )
    with op.batch_alter_table('reactioncount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reactioncount_conference_id'), ['conference_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reactioncount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reactioncount_conference_id'))
    op.drop_table('reactioncount')

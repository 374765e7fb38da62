"""'me too' on questions: once per phone, counted on the feedback

Revision ID: c5e8a9d13b42
Revises: b7d2c4e81f3a
Create Date: 2026-12-02 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c5e8a9d13b42'
down_revision: str | None = 'b7d2c4e81f3a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('feedbackmetoo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feedback_id', 'participant_id')
    )
    with op.batch_alter_table('feedbackmetoo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedbackmetoo_feedback_id'), ['feedback_id'], unique=False)
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('me_too', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_column('me_too')
    with op.batch_alter_table('feedbackmetoo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedbackmetoo_feedback_id'))
    op.drop_table('feedbackmetoo')

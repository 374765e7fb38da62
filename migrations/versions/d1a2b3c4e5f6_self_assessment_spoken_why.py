"""a self-assessment's why, spoken: a sound file of the item

Revision ID: d1a2b3c4e5f6
Revises: a7c3e1f0b2d4
Create Date: 2026-12-02 07:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd1a2b3c4e5f6'
down_revision: str | None = 'a7c3e1f0b2d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('selfassessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spoken_media_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_selfassessment_spoken_media_id_mediafile', 'mediafile',
                                    ['spoken_media_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('selfassessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_selfassessment_spoken_media_id_mediafile', type_='foreignkey')
        batch_op.drop_column('spoken_media_id')

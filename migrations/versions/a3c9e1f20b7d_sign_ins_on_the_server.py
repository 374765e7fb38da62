"""sign-ins kept on the server (signing out ends a session; idle and absolute lifetimes)

Revision ID: a3c9e1f20b7d
Revises: 716c47d826b1
Create Date: 2026-12-02 00:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'a3c9e1f20b7d'
down_revision: str | None = '716c47d826b1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('signin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_signin_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_user_id'))
        batch_op.drop_index(batch_op.f('ix_signin_token_hash'))
    op.drop_table('signin')

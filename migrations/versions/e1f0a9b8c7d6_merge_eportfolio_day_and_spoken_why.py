"""merge: the e-Portfolio day and the self-assessment's spoken why (two branches from a7c3e1f0b2d4)

Revision ID: e1f0a9b8c7d6
Revises: e1d4a7c9b2f0, d1a2b3c4e5f6
Create Date: 2026-12-02 08:00:00.000000
"""
from collections.abc import Sequence

revision: str = 'e1f0a9b8c7d6'
down_revision: str | Sequence[str] | None = ('e1d4a7c9b2f0', 'd1a2b3c4e5f6')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

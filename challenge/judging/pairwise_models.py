"""Pairwise judging's one table: a judge's answer to one pair of entries in a pairwise round.

A pairwise round (Round.strategy == PAIRWISE) has no score sheets: each judge is shown two entries at a
time and says which better answers the round's question (judging/comparisons.py). The database holds the
rules it can: a pair is stored smaller id first, so it is one row whichever side each entry was shown on,
and a judge answers a pair once per round (a double click records one judgement).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.extensions import db
from challenge.judging.models import PanelMember, Round
from challenge.types import UTCDateTime

#: The round strategy (Round.strategy) of a pairwise round, beside "all" and "k" (score sheets).
PAIRWISE = "pairwise"


class Comparison(db.Model):
    """One judge's judgement of one pair: the winner, or none when the judge skipped the pair."""

    __tablename__ = "comparisons"
    __table_args__ = (
        UniqueConstraint("round_id", "panel_member_id", "first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="ordered"),
        CheckConstraint("winner_id is null or winner_id = first_id or winner_id = second_id", name="winner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    panel_member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    member: Mapped[PanelMember] = relationship()

    @property
    def loser_id(self) -> int | None:
        if self.winner_id is None:
            return None
        return self.second_id if self.winner_id == self.first_id else self.first_id

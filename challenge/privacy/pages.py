"""What the privacy pages show, gathered for their views (and the loaders they share)."""
from __future__ import annotations

from dataclasses import dataclass

from challenge.accounts import organisations as orgs
from challenge.accounts.models import Organisation, User
from challenge.extensions import db
from challenge.privacy import consent, erasure, holds, retention
from challenge.privacy.models import Erasure, LegalHold


def person_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@dataclass(frozen=True)
class YourData:
    refusals: list[str]
    optional_email: bool
    hand_over: list[Organisation]  # the organisations whose Members page the refusal sends them to


def your_data(user) -> YourData:
    return YourData(erasure.refusals(user), consent.takes_optional_email(user), orgs.owned_alone_by(user))


@dataclass(frozen=True)
class PersonPage:
    person: User
    refusals: list[str]
    erased: Erasure | None
    hand_over: list[Organisation]


def person_page(user) -> PersonPage:
    return PersonPage(user, erasure.refusals(user), erasure.erasure_of(user), orgs.owned_alone_by(user))


@dataclass(frozen=True)
class Console:
    lines: list
    runs: list
    holds: list[LegalHold]
    ledger: str


def console(now) -> Console:
    return Console(retention.preview(now), retention.recent_runs(), holds.active_holds(),
                   retention.describe("ledger"))

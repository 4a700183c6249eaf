"""People around a challenge: its seeker, a member of another organisation, a creator, a broker."""
from __future__ import annotations

from dataclasses import dataclass
import pytest

from challenge.accounts.models import Organisation, User


@dataclass
class World:
    seeker: User
    org: Organisation
    outsider: User  # a seeker of another organisation
    other_org: Organisation
    creator: User
    broker: User


@pytest.fixture()
def world(make_user, make_org):
    seeker = make_user("Priya Seeker", "priya@camden.example.org")
    outsider = make_user("Olly Other", "olly@leeds.example.org")
    creator = make_user("Cara Creator", "cara@example.net")
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    org = make_org(seeker, name="Camden Council")
    other = make_org(outsider, name="Leeds City Council")
    return World(seeker, org, outsider, other, creator, broker)


@pytest.fixture()
def as_role(login, world):
    """`as_role("seeker")` signs the test client in as that person of the world (None: anonymous)."""

    def sign_in(role: str | None):
        return login(getattr(world, role) if role else None)

    return sign_in

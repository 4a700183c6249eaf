"""Demo people: the broker, the seeker organisations and their members, the creators.

The broker is made by `accounts.create_user` and turns on a second factor like any broker. Everyone else
shares one password, hashed once: `create_user` hashes each password itself (argon2, slow on purpose),
which for some sixty people would make `flask demo` take many seconds, so their rows are written here
with the shared hash. Organisations are written as rows too, because their demo slugs are short
(`camden`, used in the README's accounts) where `create_organisation` derives one from the name; their
members join through `accounts.add_member`.
"""
from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from challenge.accounts import services as accounts
from challenge.accounts import twofactor
from challenge.accounts.models import MembershipRole, Organisation, User
from challenge.extensions import db
from demo.data import FIRST_NAMES, LAST_NAMES, OPEN_DATA, ORGANISATIONS

CREATORS = 40
BROKER = ("Brooke Broker", "broker@example.org")
JOINED_DAYS_AGO = 400

Orgs = dict[str, tuple[Organisation, list[User]]]  # slug -> (organisation, its seekers, owner first)


def make_user(email: str, name: str, password_hash: str, now: datetime) -> User:
    """A demo account with the shared password's hash (see the module's docstring for why not create_user)."""
    user = User(email=email, name=name, password_hash=password_hash, session_token=secrets.token_hex(16),
                created_at=now - timedelta(days=JOINED_DAYS_AGO))
    db.session.add(user)
    return user


def broker(now: datetime) -> tuple[User, str]:
    """The broker, with a random password (returned) and a second factor, as brokers must have."""
    password = "demo-" + secrets.token_urlsafe(9)
    user = accounts.create_user(*BROKER, password, now, is_broker=True)
    secret = twofactor.new_secret()  # `flask demo` prints the key to add to an authenticator app
    twofactor.turn_on(user, secret, twofactor.code_at(secret, now), now)
    return user, password


def organisations(now: datetime, password_hash: str) -> Orgs:
    """The seven verified seeker organisations; each one's first seeker owns it, the others are members."""
    result = {}
    for slug, name, kind, description, seekers in ORGANISATIONS:
        org = Organisation(name=name, slug=slug, kind=kind, description=description, verified=True,
                           created_at=now - timedelta(days=JOINED_DAYS_AGO), **OPEN_DATA.get(slug, {}))
        db.session.add(org)
        people = [make_user(email, person, password_hash, now) for email, person in seekers]
        db.session.flush()
        for position, person in enumerate(people):
            accounts.add_member(org, person, MembershipRole.OWNER if position == 0 else MembershipRole.MEMBER, now)
        result[slug] = (org, people)
    return result


def creators(rng: random.Random, now: datetime, password_hash: str) -> list[User]:
    """Forty creators with names drawn from the demo's lists."""
    names = rng.sample([(f, last) for f in FIRST_NAMES for last in LAST_NAMES], CREATORS)
    people = []
    for first, last in names:
        email = f"{first}.{last}".lower().replace("'", "") + "@example.net"
        people.append(make_user(email, f"{first} {last}", password_hash, now))
    db.session.flush()
    return people

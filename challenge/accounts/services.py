"""Accounts and organisations: sign-up, sign-in, passwords, memberships."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, bindparam, cast, func, literal_column

from challenge.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind, User
from challenge import permissions
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.platform import audit, withuser
from challenge.platform.columns import loaded_columns, persistent, read_columns
from challenge.platform.hygiene import DB_INT_MAX

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, from zxcvbn's frequency list (ranked by frequency)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:10_000])


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None. Length only, and not one of the common ones."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Enter a password of at most {MAX_PASSWORD_LENGTH} characters"
    if password.lower() in common_passwords():
        return "That password is one of the most common and easy to guess: choose another"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        db.select(User).where(db.func.lower(User.email) == normalise_email(email).lower())
    )


def new_session_token() -> str:
    """A fresh token for User.get_id(): changing it ends every session and "remember me" cookie issued before."""
    return secrets.token_hex(16)


# Yes-or-no facts about a user that every page asks (the navigation bar, the second-factor gate): name →
# function of the user's id (a column or a number) → an SQL boolean. The package that owns the fact registers
# it at import (`user_fact_sql`); `load_user` reads them all with the user, in its one query.
USER_FACTS: dict[str, Callable[[Any], Any]] = {}


def user_fact_sql(name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register the decorated function as the SQL for the user fact `name`."""
    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        USER_FACTS[name] = fn
        return fn

    return register


def user_fact(name: str, user: User) -> bool:
    """The fact `name` about `user`: as read with the signed-in user, or read again after any write."""
    return permissions.memo("user_fact", (name, user.id),
                            lambda: bool(db.session.scalar(db.select(USER_FACTS[name](user.id)))))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries a token that changes with the password.

    One query per request reads the user, their roles in their organisations (so `roles_of` and the navigation bar
    ask nothing more) and every registered user fact; what a rule would have asked is kept in the request's memo.
    The row is read around the ORM and made the session's instance (platform/columns.persistent), which on every
    signed-in request saves the ORM's loading of it. A page that reads a row of its own by its address may have it
    read in the same statement (platform/withuser.py).
    """
    ident, _, token = (user_id or "").partition(":")
    if not ident.isdigit() or int(ident) > DB_INT_MAX:  # a forged id beyond the column refuses, not fails
        return None
    names, page = tuple(USER_FACTS), withuser.this_page()
    statement = _user_statement(names) if page is None else _user_statement(names, page[0].join)
    row = read_columns(statement, {"user_id": int(ident), **(page[1] if page else {})}).first()
    if row is None:
        return None
    values = row._mapping
    user = persistent(User, values)
    if not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None  # a deactivated account's sessions end at its next request
    permissions.remember("roles", user.id, _roles(values[_ROLES]))
    for name in names:
        permissions.remember("user_fact", (name, user.id), bool(values[name]))
    if page is not None:
        withuser.keep(user.id, page[1], tuple(row)[_width(names):])
    return user


_ROLES = "cx_roles"  # load_user's column of the user's memberships, "organisation id:role" joined by commas


def _roles(joined: str | None) -> dict[int, str]:
    """The roles `_user_statement` read, as `roles_of` gives them (organisation id → role)."""
    pairs = (pair.partition(":") for pair in (joined or "").split(",") if pair)
    return {int(organisation): role for organisation, _, role in pairs}


@lru_cache(maxsize=16)  # the registered facts, with each page that reads its row with the user
def _user_statement(names: tuple[str, ...], join: Callable | None = None):
    """load_user's statement, built once (building it took as long as running it): the user's columns, their roles
    and the facts `names`, for the bound `user_id`; with a page's row when `join` adds it (platform/withuser.py)."""
    # The separator as SQL, not a parameter: SQLAlchemy would write that into the text on every run (columns.one_of).
    roles = (db.select(func.aggregate_strings(cast(Membership.organisation_id, String) + ":" + Membership.role,
                                              literal_column("','")))
             .where(Membership.user_id == User.id).scalar_subquery())
    facts = (USER_FACTS[name](User.id).label(name) for name in names)
    statement = (db.select(*loaded_columns(User), roles.label(_ROLES), *facts)
                 .select_from(User).where(User.id == bindparam("user_id")))
    return statement if join is None else join(statement, bindparam("user_id"))


def _width(names: tuple[str, ...]) -> int:
    """How many of the user statement's columns are the user's: those after them are the page's row."""
    return len(_user_statement(names).selected_columns)


def create_user(name: str, email: str, password: str, now: datetime, *, is_broker: bool = False) -> User:
    """Create an account. Refuses a taken email (whatever its case) and weak passwords."""
    problem = password_problem(password)
    if problem:
        raise FieldError(problem, "password")
    if find_user_by_email(email):
        raise FieldError("An account with that email address already exists", "email")
    user = User(
        name=name.strip(), email=normalise_email(email), password_hash=hash_password(password),
        is_broker=is_broker, session_token=new_session_token(), created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user.create", user, now)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None (the same for an unknown email)."""
    user = find_user_by_email(email)
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user if user.is_active else None


def set_password(user: User, password: str) -> None:
    """Change the password and end every other session of this user."""
    problem = password_problem(password)
    if problem:
        raise FieldError(problem, "password")
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def end_sessions(user: User, now: datetime) -> None:
    """Sign the user out everywhere: a new session token refuses every session and "remember me" cookie
    issued before, even a copy taken before the sign-out."""
    user.session_token = new_session_token()
    audit.record(user, "user.sign_out", user, now)
    db.session.flush()


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """Change the user's own password. Refuses a wrong current password and a weak new one.

    Every other session of the user ends (see set_password); the caller signs this one in again.
    """
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise FieldError("Your current password is not right", "current_password") from None
    try:
        set_password(user, new)
    except FieldError as exc:
        raise FieldError(exc.message, "new_password") from None
    audit.record(user, "user.change_password", user, now)
    db.session.flush()


def update_profile(user: User, name: str, bio: str, actor: User, now: datetime) -> User:
    """Change the name and bio shown to others. Refuses an empty name."""
    if not name.strip():
        raise FieldError("Enter your name", "name")
    changed = {k: v for k, v in (("name", name.strip()), ("bio", bio.strip())) if getattr(user, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        audit.record(actor, "user.update_profile", user, now, data={"fields": sorted(changed)})
    db.session.flush()
    return user


def token_hash(token: str) -> str:
    """Only this digest of an emailed token is stored, so a database leak reveals no usable link."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80] or "item"


def unique_slug(model, text: str) -> str:
    base = slugify(text)
    slug, n = base, 2
    while db.session.scalar(db.select(model.id).where(model.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_organisation(owner: User, name: str, kind: str, now: datetime, *, description: str = "",
                        website: str = "") -> Organisation:
    """Create an organisation with `owner` as its first owner."""
    if kind not in OrganisationKind.__members__.values():
        raise FieldError("Choose a kind of organisation", "kind")
    if not name.strip():
        raise FieldError("Enter the name of the organisation", "name")
    org = Organisation(name=name.strip(), slug=unique_slug(Organisation, name), kind=kind,
                       description=description.strip(), website=website.strip(), created_at=now)
    db.session.add(org)
    db.session.flush()
    add_member(org, owner, MembershipRole.OWNER, now)
    audit.record(owner, "organisation.create", org, now, data={"name": org.name, "kind": kind})
    return org


def add_member(org: Organisation, user: User, role: str, now: datetime) -> Membership:
    existing = db.session.scalar(
        db.select(Membership).where(Membership.organisation_id == org.id, Membership.user_id == user.id)
    )
    if existing:
        existing.role = role
        db.session.flush()
        return existing
    membership = Membership(organisation_id=org.id, user_id=user.id, role=role, created_at=now)
    db.session.add(membership)
    db.session.flush()
    return membership


def organisations_of(user: User) -> list[Organisation]:
    return list(db.session.scalars(_ORGANISATIONS_OF, {"user_id": user.id}))


# organisations_of's statement, built once (the finance page and the forms that offer an organisation ask it).
_ORGANISATIONS_OF = (db.select(Organisation).join(Membership).where(Membership.user_id == bindparam("user_id"))
                     .order_by(Organisation.name))


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, with their organisations, by organisation name."""
    return list(
        db.session.scalars(
            db.select(Membership).join(Organisation).where(Membership.user_id == user.id).order_by(Organisation.name)
        )
    )

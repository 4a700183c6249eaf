"""People and the organisations they belong to."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.types import UTCDateTime


class OrganisationKind(enum.StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    NHS_TRUST = "nhs_trust"
    GOVERNMENT_DEPARTMENT = "government_department"
    SCHOOL_TRUST = "school_trust"
    CHARITY = "charity"
    SOCIAL_ENTERPRISE = "social_enterprise"
    BUSINESS = "business"
    UNIVERSITY = "university"
    INVESTOR = "investor"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]

    @property
    def is_public_body(self) -> bool:
        return self in {self.LOCAL_AUTHORITY, self.NHS_TRUST, self.GOVERNMENT_DEPARTMENT, self.SCHOOL_TRUST}


ORGANISATION_KIND_LABELS = {
    OrganisationKind.LOCAL_AUTHORITY: "Local authority",
    OrganisationKind.NHS_TRUST: "NHS trust",
    OrganisationKind.GOVERNMENT_DEPARTMENT: "Government department",
    OrganisationKind.SCHOOL_TRUST: "School or academy trust",
    OrganisationKind.CHARITY: "Charity",
    OrganisationKind.SOCIAL_ENTERPRISE: "Social enterprise",
    OrganisationKind.BUSINESS: "Business",
    OrganisationKind.UNIVERSITY: "University",
    OrganisationKind.INVESTOR: "Investor or foundation",
    OrganisationKind.OTHER: "Other",
}


class MembershipRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_email_lower", func.lower("email"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_broker: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    # Changes whenever the password does, so old sessions and "remember me" cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the person opened the link emailed at sign-up (accounts/confirmation.py); None until then.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Organisation(db.Model):
    __tablename__ = "organisations"
    # The catalogue's organisation filter finds an organisation by its name in any case (catalogue.organisations_named).
    __table_args__ = (Index("ix_organisations_name_lower", func.lower("name")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    slug: Mapped[str] = mapped_column(String(180), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Identifiers from the org-id scheme (accounts/orgids.py), '' when not given; for 360Giving data.
    charity_number: Mapped[str] = mapped_column(String(12), default="", server_default="")
    company_number: Mapped[str] = mapped_column(String(12), default="", server_default="")
    local_authority_code: Mapped[str] = mapped_column(String(8), default="", server_default="")
    nhs_org_code: Mapped[str] = mapped_column(String(8), default="", server_default="")
    # The owner's consent to publish, as 360Giving open data, the grants of challenges it funds.
    publish_grants_open_data: Mapped[bool] = mapped_column(default=False, server_default=false())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def kind_enum(self) -> OrganisationKind:
        return OrganisationKind(self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id"),
        state_check("role", MembershipRole),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=MembershipRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """An owner's invitation to join an organisation, sent by email; accepted once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16), default=MembershipRole.MEMBER)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()


class PasswordResetToken(db.Model):
    """A single-use reset token; only its SHA-256 is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SecondFactor(db.Model):
    """A person's authenticator app (TOTP): the shared secret, encrypted; usable once confirmed with a code."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last 30-second step whose code was accepted: a code is refused a second time.
    last_step: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """A single-use code for when the authenticator is lost; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiScope(enum.StrEnum):
    """What a personal API token may do: read only, or read and write (docs/api.md)."""

    READ = "read"
    WRITE = "write"


class ApiToken(db.Model):
    """A personal API token (`Authorization: Bearer cx_…`): only its SHA-256 is stored, shown once at creation.

    A plain SHA-256 is enough (no slow hash): the token is 256 random bits, so there is nothing to guess and
    nothing for a slow hash to protect, and every API request can find its token by an indexed lookup."""

    __tablename__ = "api_tokens"
    __table_args__ = (state_check("scope", ApiScope),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(16), default=ApiScope.READ)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute (accounts/tokens.py), so a busy client does not write on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == ApiScope.WRITE

"""Forms for accounts, profiles, password resets and organisations.

Every text field passes through `clean` or `clean_line`: control characters (NUL above all, which
PostgreSQL refuses in text) are dropped before any validator or query sees the value.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation, ValidationError

from challenge.accounts import orgids
from challenge.accounts.models import ORGANISATION_KIND_LABELS, ApiScope, MembershipRole

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value):
    """Drop control characters from multi-line text; keep line breaks and tabs."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def clean_line(value):
    """One line of text: no control characters, no surrounding spaces."""
    return clean(value).strip() if isinstance(value, str) else value


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def max_length(limit: int, message: str):
    """Like Length(max=...), but stops the other validators: checking the format of 10 MB is slow."""

    def check(form, field) -> None:
        if field.data and len(field.data) > limit:
            raise StopValidation(message)

    return check


def email_field(label: str = "Email address", **kwargs) -> EmailField:
    return EmailField(label, filters=[clean_line], validators=[
        DataRequired("Enter an email address"), max_length(254, "Enter an email address of at most 254 characters"),
        Email(EMAIL_FORMAT, check_deliverability=False),
    ], **kwargs)


def password_field(label: str, required: str, **kwargs) -> PasswordField:
    # The length rule itself (8 to 256) lives in services.password_problem; this only caps the input.
    return PasswordField(label, filters=[clean], validators=[
        DataRequired(required), Length(max=256, message="Enter a password of at most 256 characters"),
    ], **kwargs)


def _web_address(form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError("Enter a web address that starts with https:// or http://, like https://example.org")


class SignUpForm(FlaskForm):
    name = StringField("Full name", filters=[clean_line], validators=[
        DataRequired("Enter your name"), Length(max=120, message="Enter a name of at most 120 characters")])
    email = email_field()
    password = password_field("Password", "Enter a password",
                              description="At least 8 characters. A long phrase is easiest to remember.")


class LoginForm(FlaskForm):
    email = EmailField("Email address", filters=[clean_line], validators=[
        DataRequired("Enter your email address"), Length(max=254, message="Enter an email address of at most 254 characters")])
    password = password_field("Password", "Enter your password")
    remember = BooleanField("Remember me on this device")


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code", filters=[clean_line], render_kw={"autocomplete": "one-time-code", "autofocus": True},
        validators=[DataRequired("Enter the code"), Length(max=64, message="Enter a code of at most 64 characters")],
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes.")


class ForgotPasswordForm(FlaskForm):
    email = email_field(description="We will send a link to reset your password to this address.")


class ResetPasswordForm(FlaskForm):
    password = password_field("New password", "Enter a new password",
                              description="At least 8 characters. A long phrase is easiest to remember.")


class ProfileForm(FlaskForm):
    name = StringField("Full name", filters=[clean_line], validators=[
        DataRequired("Enter your name"), Length(max=120, message="Enter a name of at most 120 characters")])
    bio = TextAreaField("About you", filters=[clean], validators=[
        Optional(), Length(max=2000, message="Write at most 2,000 characters about yourself")],
        description="Optional. A few lines on your work and interests; shown to organisations you work with.")


class ChangePasswordForm(FlaskForm):
    current_password = password_field("Current password", "Enter your current password")
    new_password = password_field("New password", "Enter a new password",
                                  description="At least 8 characters. Other devices will be signed out.")


KIND_CHOICES = [("", "Choose a kind of organisation")] + [(k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()]


class OrganisationForm(FlaskForm):
    name = StringField("Name of the organisation", filters=[clean_line], validators=[
        DataRequired("Enter the name of the organisation"),
        Length(max=160, message="Enter a name of at most 160 characters")])
    kind = SelectField("Kind of organisation", choices=KIND_CHOICES, validate_choice=False,
                       validators=[DataRequired("Choose a kind of organisation")])
    description = TextAreaField("Description", filters=[clean], validators=[
        Optional(), Length(max=5000, message="Write a description of at most 5,000 characters")],
        description="Optional. What the organisation does and whom it serves. You can use Markdown.")
    website = StringField("Website", filters=[clean_line], validators=[
        Optional(), Length(max=300, message="Enter a web address of at most 300 characters"), _web_address],
        description="Optional. For example https://www.example.gov.uk")

    charity_number = StringField("Charity number", filters=[clean_line], description=(
        "Optional. Registered with the Charity Commission for England and Wales, for example 1123456."))
    company_number = StringField("Company number", filters=[clean_line], description=(
        "Optional. From Companies House: 8 digits, or 2 letters and 6 digits, for example 01234567."))
    local_authority_code = StringField("Local authority code", filters=[clean_line], description=(
        "Optional. The 3 or 4 letters of the register of local authorities in England, for example BIR."))
    nhs_org_code = StringField("NHS organisation code", filters=[clean_line], description=(
        "Optional. The ODS code, for example RTH."))
    publish_grants_open_data = BooleanField(
        "Publish the prizes and grants of challenges we fund as 360Giving open data", description=(
            "A challenge's grants appear in the public 360Giving file only when every one of its funders agrees."))

    def validate_kind(self, field) -> None:
        if field.data not in ORGANISATION_KIND_LABELS:
            raise ValidationError("Choose a kind of organisation from the list")

    def validate(self, extra_validators=None) -> bool:
        """The org-id identifiers: each in its register's shape (stored as the register writes it)."""
        valid = super().validate(extra_validators)
        for name in orgids.FIELDS:
            field = getattr(self, name)
            try:
                field.data = orgids.normalise(name, field.data)
            except orgids.OrgIdError as exc:
                field.errors = [*field.errors, str(exc)]
                valid = False
        return valid

    def identifiers(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in orgids.FIELDS}


ROLE_CHOICES = [(MembershipRole.MEMBER.value, "Member"), (MembershipRole.OWNER.value, "Owner")]


def _known_role(form, field) -> None:
    if field.data not in (MembershipRole.MEMBER, MembershipRole.OWNER):
        raise ValidationError("Choose owner or member")


class InviteForm(FlaskForm):
    email = email_field("Their email address")
    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=False, validators=[_known_role],
                       description="Owners can change the organisation's details and manage its members.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=False, validators=[_known_role])


class ButtonForm(FlaskForm):
    """A button that posts (confirm an address, leave an organisation): CSRF only."""


class ApiTokenForm(FlaskForm):
    name = StringField("Token name", filters=[clean_line], validators=[
        DataRequired("Enter a name for the token, like Council website"),
        Length(max=80, message="Keep the name to 80 characters or fewer")],
        description="Say where you will use it, so that you know which one to revoke.")
    scope = RadioField("What it may do", default=ApiScope.READ, choices=[
        (ApiScope.READ.value, "Read: see your drafts, entries, partnerships and payouts"),
        (ApiScope.WRITE.value, "Read and write: also draft challenges and move partnerships")],
        validators=[DataRequired("Choose read, or read and write")])

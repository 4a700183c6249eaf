"""The privacy forms: deleting an account, a broker's reason, a legal hold, email preferences."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from challenge.accounts.forms import clean, clean_line, password_field


class DeleteAccountForm(FlaskForm):
    password = password_field("Your password", "Enter your password to delete your account",
                              description="To be sure it is you.")


class ReasonForm(FlaskForm):
    """A broker's action on a person's data or a hold, with the reason the audit log keeps."""

    reason = TextAreaField("Reason", filters=[clean], validators=[
        DataRequired("Say why: the reason is kept in the audit log"),
        Length(max=2000, message="Keep the reason under 2,000 characters")])


class HoldForm(ReasonForm):
    slug = StringField("Challenge address (the part after /challenges/)", filters=[clean_line], validators=[
        DataRequired("Enter the challenge's address"), Length(max=220, message="Enter at most 220 characters")])


class EmailPreferencesForm(FlaskForm):
    optional_email = BooleanField("Email me challenge updates and closing-soon reminders for the challenges I follow")


class ButtonForm(FlaskForm):
    """A button that posts (download your data, unsubscribe): CSRF only."""

"""The privacy forms: deleting an account, a broker's reason, a legal hold, email preferences, a DPIA screening
and its sign-off."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

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


def screening_form(questions, answers=None, posted: bool = True):
    """The DPIA screening checklist: a yes/no and an optional note for each of `questions` (dpia.QUESTIONS),
    filled from the stored `answers` when first shown (or when `posted` is False: the page shown again after
    another form was sent). Built per request because the questions are a table in code."""

    class ScreeningForm(FlaskForm):
        def answers(self) -> dict[str, tuple[str, str]]:
            return {q.key: (self[f"{q.key}-answer"].data, self[f"{q.key}-note"].data) for q in questions}

    for q in questions:
        setattr(ScreeningForm, f"{q.key}-answer", RadioField(
            q.text, choices=[("yes", "Yes"), ("no", "No")], validate_choice=False,
            validators=[InputRequired("Answer yes or no")]))
        setattr(ScreeningForm, f"{q.key}-note", TextAreaField(
            f"Note on {q.short} (optional)", filters=[clean],
            validators=[Length(max=2000, message="Keep the note under 2,000 characters")]))
    form = ScreeningForm() if posted else ScreeningForm(formdata=None)
    if answers and not (posted and form.is_submitted()):
        for key, said in answers.items():
            if f"{key}-answer" in form:
                form[f"{key}-answer"].data, form[f"{key}-note"].data = said.get("answer"), said.get("note", "")
    return form


class SignOffForm(FlaskForm):
    """The broker's record that the full DPIA is done: what publishing needs when the screening asks for one."""

    confirmed = BooleanField("DPIA completed and signed off by the DPO",
                             validators=[DataRequired("Tick to confirm the DPO has signed the DPIA off")])
    signed_on = DateField("Date the DPO signed it off", validators=[
        InputRequired("Enter the date the DPO signed it off")],
        description="Today or earlier.")
    reference = StringField("DPIA reference", filters=[clean_line], description="The DPIA document's reference or "
                            "its location in your records.", validators=[
        DataRequired("Enter the DPIA's reference"),
        Length(max=120, message="Keep the reference to 120 characters or fewer")])

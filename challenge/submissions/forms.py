"""Forms for entering a solution. Every text is cleaned of control characters before validation."""
from __future__ import annotations

import re
import unicodedata

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from challenge.challenges.entry_questions import YES_NO, QuestionKind

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(value):
    """No control characters, no line breaks (titles end up in email subjects)."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value))
    return re.sub(r"\s+", " ", value).strip()


def multi_line(value):
    """Control characters out (PostgreSQL refuses NUL), line breaks normalised."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", unicodedata.normalize("NFC", value).replace("\r\n", "\n")).strip()


def _org_id(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return -1  # not a choice: WTForms says so


class SubmissionForm(FlaskForm):
    title = StringField("Title of your solution", filters=[one_line],
                        validators=[DataRequired("Enter a title for your solution"),
                                    Length(max=200, message="Keep the title to 200 characters or fewer")])
    summary = TextAreaField("Summary", filters=[multi_line],
                            description="Two or three sentences a busy reader can take in at a glance "
                                        "(up to 500 characters).",
                            validators=[Length(max=500, message="Keep the summary to 500 characters or fewer")])
    description = TextAreaField("Your solution in full", filters=[multi_line],
                                description="How it works, who it helps, evidence it works and what it costs. "
                                            "You can use Markdown: **bold**, lists, links.",
                                validators=[Length(max=50_000,
                                                   message="Keep the description to 50,000 characters or fewer")])
    organisation = SelectField("Submitting as", coerce=_org_id, default=0, validate_choice=True)
    team = TextAreaField("Team members", filters=[multi_line],
                         description="Email addresses, one per line. Each is emailed an invitation and joins "
                                     "once they accept. Members can see this submission; only you can change "
                                     "or withdraw it.",
                         validators=[Length(max=3000, message="Keep the team list to 3,000 characters or fewer")])

    def offer_organisations(self, organisations) -> None:
        self.organisation.choices = [(0, "Myself")] + [(o.id, o.name) for o in organisations]


def _question_field(q):
    """The entry form's field for one entry question; its answer is checked by the service, not here."""
    label = q.label if q.required else f"{q.label} (optional)"
    hint = " ".join(part for part in (q.help_text, q.limits()) if part)
    if q.kind == QuestionKind.SHORT_TEXT:
        return StringField(label, filters=[one_line], description=hint)
    if q.kind == QuestionKind.LONG_TEXT:
        return TextAreaField(label, filters=[multi_line], description=hint)
    if q.kind in (QuestionKind.CHOICE, QuestionKind.YES_NO):
        options = [(o, o) for o in q.options] if q.kind == QuestionKind.CHOICE else list(YES_NO.items())
        return RadioField(label, choices=options, validate_choice=False, description=hint)
    if q.kind == QuestionKind.NUMBER:
        return StringField(label, filters=[one_line], description=hint, render_kw={"inputmode": "numeric"})
    return FileField(label, description=hint)


def answers_form(questions) -> type[SubmissionForm]:
    """The entry form with a field per entry question (named q-<id>), eligibility questions listed first."""

    class AnswersForm(SubmissionForm):
        pass

    for q in questions:
        setattr(AnswersForm, q.field_name, _question_field(q))
    AnswersForm.eligibility_fields = [q.field_name for q in questions if q.eligibility]
    AnswersForm.question_fields = [q.field_name for q in questions if not q.eligibility]
    AnswersForm.has_files = any(q.kind == QuestionKind.FILE for q in questions)
    return AnswersForm


class SubmitForm(FlaskForm):
    eligibility_confirmed = BooleanField("I confirm that I (and my team) meet the challenge’s eligibility criteria")
    terms_accepted = BooleanField("I accept the challenge’s terms, including its terms on intellectual property")


class AttachmentForm(FlaskForm):
    file = FileField("Add a file", validators=[FileRequired("Choose a file to upload")])


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing? (optional)", filters=[multi_line],
                           validators=[Length(max=2000, message="Keep the reason to 2,000 characters or fewer")])


class DisqualifyForm(FlaskForm):
    reason = TextAreaField("Reason for disqualifying", filters=[multi_line],
                           description="The team is sent this reason.",
                           validators=[DataRequired("Give the reason for disqualifying this submission"),
                                       Length(max=2000, message="Keep the reason to 2,000 characters or fewer")])


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (deleting a file)."""

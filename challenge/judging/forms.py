"""Forms of the judging pages. Rules beyond a field's shape live in the services."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField, DateTimeLocalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from challenge.judging.models import SCALES
from challenge.judging.presets import SOCIAL_VALUE_CHOICES
from challenge.payouts.forms import MoneyField

SCALE_CHOICES = [(key, f"{low} to {high}") for key, (low, high) in SCALES.items()]
DATETIME_HINT = "Day, month, year and time, in UK time."
# The browser sends and expects "2026-12-12T17:00"; the others are accepted from hand-written requests.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def to_utc(value: datetime | None) -> datetime | None:
    """A datetime-local field's naive value, read in the site's time zone, as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(current_app.config["SITE_TIMEZONE"])).astimezone(timezone.utc)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["SITE_TIMEZONE"])).replace(tzinfo=None)


def _int_or_zero(value) -> int:
    """An id from a select; anything else is 0 (no choice), which the service refuses with a message."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


class CriterionForm(FlaskForm):
    name = StringField("Criterion", validators=[DataRequired("Enter a name for the criterion"), Length(max=120)])
    description = TextAreaField("What judges look for", validators=[Optional(), Length(max=2000)])
    weight = IntegerField("Weight", validators=[InputRequired("Enter a weight from 1 to 100"),
                                                NumberRange(1, 100, "Enter a weight from 1 to 100")],
                          description="Relative to the other criteria; the page shows each as a percentage.")
    scale = SelectField("Scale", choices=SCALE_CHOICES, default="0-4")
    levels = TextAreaField("What each score means", validators=[Optional(), Length(max=4000)],
                           description="One line per score, lowest first.")
    social_value = BooleanField("This is a social value criterion")


class ScaleForm(FlaskForm):
    scale = SelectField("Scale for every criterion", choices=SCALE_CHOICES)


class SocialValueForm(FlaskForm):
    theme = SelectField("Social value mission", choices=SOCIAL_VALUE_CHOICES,
                        description="From the UK Social Value Model (PPN 002, 2025): the mission this challenge's "
                                    "social value serves.")


class SocialValueWaiverForm(FlaskForm):
    reason = TextAreaField("Why the social value rule does not fit this challenge",
                           validators=[DataRequired("Say why the rule is waived"), Length(max=2000)],
                           description="Recorded in the audit log and shown on the rubric page.")


class RoundForm(FlaskForm):
    name = StringField("Name of the round", validators=[DataRequired("Enter a name for the round"), Length(max=120)],
                       description="For example: Eligibility screening, Shortlist, Final.")
    strategy = RadioField("Who scores which entry", default="all",
                          choices=[("all", "Every judge scores every entry"),
                                   ("k", "Each entry gets a set number of judges, shared out evenly"),
                                   ("pairwise", "Pairwise: judges compare two entries at a time and pick the "
                                                "better one (suits large early rounds)")])
    k = IntegerField("Judges per entry", validators=[Optional(), NumberRange(2, 50, "Enter a number from 2 to 50")],
                     description="At least 2. Only used when each entry gets a set number of judges.")
    comments_required = BooleanField("Judges must write a comment on every entry")
    threshold_percent = IntegerField("Quality threshold (%)",
                                     validators=[Optional(), NumberRange(0, 100, "Enter a percentage from 0 to 100")],
                                     description="Entries scoring below this share of the maximum cannot advance "
                                                 "or win. Leave empty for none.")
    closes_at = DateTimeLocalField("Scoring closes", format=DATETIME_FORMATS, validators=[Optional()], description=DATETIME_HINT)
    advance_grant = MoneyField("Stage grant to each entry advanced from this round",
                               description="Paid like a prize, from the pool's stage-grant money, when the chair "
                                           "advances entries to the next round; for example 1,500. Leave empty "
                                           "for none.")


class OpenRoundForm(FlaskForm):
    override_reason = TextAreaField("Why this round may open with fewer than two judges on some entries",
                                    validators=[Optional(), Length(max=2000, message="Keep the reason under 2,000 "
                                                                                     "characters")],
                                    description="Brokers only. Recorded on the round and in the audit log.")


class SettingsForm(FlaskForm):
    feedback_at = DateTimeLocalField("Feedback to entrants from", format=DATETIME_FORMATS, validators=[Optional()],
                                     description="Announced on the challenge page. " + DATETIME_HINT)
    peoples_choice = BooleanField("Offer a people's choice prize decided by public vote")
    prize_id = SelectField("Prize decided by the vote", coerce=_int_or_zero, validate_choice=False)
    vote_opens_at = DateTimeLocalField("Voting opens", format=DATETIME_FORMATS, validators=[Optional()], description=DATETIME_HINT)
    vote_closes_at = DateTimeLocalField("Voting closes", format=DATETIME_FORMATS, validators=[Optional()], description=DATETIME_HINT)


class InviteForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter an email address"), Length(max=254),
                                                     Email("Enter an email address like name@example.org")])
    role = RadioField("Role", default="judge", choices=[("judge", "Judge"), ("chair", "Chair of the panel")])
    service_user = BooleanField("Service-user (lived experience) judge",
                                description="Their scores are also reported as a stream of their own.")


class DeclareAllForm(FlaskForm):
    """The declare-all page's form: its fields are one pair per entry, read by pages.answers_from."""


class ConflictForm(FlaskForm):
    has_conflict = RadioField("Do you have a conflict of interest with this entry?",
                              validators=[InputRequired("Say whether you have a conflict of interest")],
                              choices=[("no", "No, I have no conflict of interest"),
                                       ("yes", "Yes, I have a conflict of interest")],
                              description="For example: you know the entrant, work with them, or stand to gain.")
    reason = TextAreaField("If yes, what is the conflict?", validators=[Optional(), Length(max=2000)],
                           description="Only the chair and the broker see this.")


class ReasonsForm(FlaskForm):
    override_reason = TextAreaField("Reason for deciding entries without enough complete scores",
                                    validators=[Optional(), Length(max=4000)],
                                    description="Needed only if you choose such an entry. Recorded in the audit log.")
    departure_reason = TextAreaField("Reason for departing from the computed ranking",
                                     validators=[Optional(), Length(max=4000)],
                                     description="Needed only if your choice differs from the ranking. "
                                                 "Recorded in the audit log.")


class DecideForm(ReasonsForm):
    empty_reason = TextAreaField("Reason for leaving a prize place empty",
                                 validators=[Optional(), Length(max=4000)],
                                 description="Needed if you choose “Leave this place empty” for a place the ranking "
                                             "would fill. Shown on the decision and recorded in the audit log.")


class CorrectForm(FlaskForm):
    reason = TextAreaField("Why the decision is corrected", validators=[Optional(), Length(max=4000)],
                           description="Shown on the decision with your name and the date, and recorded in the "
                                       "audit log.")


def score_form(criteria) -> type[FlaskForm]:
    """A scoring form for this rubric: one set of radio buttons per criterion, each level described. The class
    is made once per rubric as it reads (a judge opens one sheet after another of the same rubric)."""
    return _score_form(tuple((c.id, c.name, c.description, tuple(
        (str(v), f"{v} – {label}" if label else str(v))
        for v in range(c.scale_min, c.scale_max + 1) for label in (c.level_label(v),))) for c in criteria))


class ScoreField(RadioField):
    """A criterion's levels on the score sheet. `radio_buttons` writes them as macros/forms.html's field() writes a
    RadioField's, in one go: Jinja, a level at a time, cost the sheet more than anything else it writes (issue 13)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "RadioField"  # to every reader that asks (macros/forms.html field() writes it as one)

    def radio_buttons(self) -> Markup:
        name = escape(self.name)
        return Markup("\n".join(
            f'<div class="form-check"><input {"checked " if choice.selected else ""}class="form-check-input" '
            f'id="{id_}" name="{name}" type="radio" value="{escape(choice.value)}"> '
            f'<label class="form-check-label" for="{id_}">{escape(choice.label or choice.value)}</label></div>'
            for n, choice in enumerate(self.iter_choices()) for id_ in (escape(f"{self.id}-{n}"),)))


@lru_cache(maxsize=256)
def _score_form(criteria: tuple) -> type[FlaskForm]:
    class ScoreForm(FlaskForm):
        comment = TextAreaField("Comment for the entrant and the panel", validators=[Optional(), Length(max=5000)],
                                description="Entrants see comments without your name after the decision.")

    for id_, name, description, choices in criteria:
        setattr(ScoreForm, f"score-{id_}", ScoreField(name, choices=list(choices), validate_choice=False,
                                                      validators=[Optional()], description=description))
    return ScoreForm


class CompareForm(FlaskForm):
    """A pairwise judgement: the pair offered (signed), the choice (the button pressed), an optional note."""

    offer = HiddenField()
    note = TextAreaField("A short note (optional)", validators=[Optional(), Length(max=1000, message="Keep the note "
                                                                                   "under 1,000 characters")],
                         description="Why, in a line or two. Only the chair and brokers see notes.")


class PairConflictForm(FlaskForm):
    offer = HiddenField()
    side = RadioField("Which entry do you have a conflict with?", choices=[("left", "Entry A"), ("right", "Entry B")],
                      validators=[InputRequired("Say which entry you have a conflict with")])
    reason = TextAreaField("What is the conflict?", validators=[Optional(), Length(max=2000)],
                           description="Shown to the chair and the broker. The entry will not be shown to you again.")

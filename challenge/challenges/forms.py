"""Forms for drafting a challenge, its lifecycle notes, Q&A, updates and the catalogue filters."""
from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FieldList, Form, FormField, RadioField, SelectField,
                     StringField, TextAreaField)
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms.widgets import Select, TextInput
from wtforms.widgets.core import clean_key
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from challenge.challenges.catalogue import SORTS, STATUSES, CatalogueParams
from challenge.challenges.models import SECTORS, ChallengeType, IPTerms, ServiceUserData
from challenge.challenges.services import MAX_TIERS, Draft, Tier
from challenge.money import CURRENCY_CHOICES, MoneyError, parse_money

LONG = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def clean_text(value):
    """Drop control characters (PostgreSQL refuses NUL; emails choke on them) and normalise newlines."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(value):
    """One line only: a title or a tag list never carries a line break (it may become an email subject)."""
    value = clean_text(value)
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def to_utc(local: datetime | None) -> datetime | None:
    """A `datetime-local` value, read in the site time zone (GMT or BST), as UTC. Refuses a time that the
    clocks skip in spring."""
    if local is None:
        return None
    if not 2000 <= local.year <= 2100:
        raise ValidationError("Enter a date between the years 2000 and 2100")
    zone = ZoneInfo(current_app.config["SITE_TIMEZONE"])
    aware = local.replace(tzinfo=zone)
    utc = aware.astimezone(timezone.utc)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        raise ValidationError("That time does not exist: the clocks go forward then. Choose another time")
    return utc


def to_local(utc: datetime | None) -> datetime | None:
    if utc is None:
        return None
    return utc.astimezone(ZoneInfo(current_app.config["SITE_TIMEZONE"])).replace(tzinfo=None)


class LocalDateTimeField(DateTimeLocalField):
    """A `datetime-local` input whose parse error says what to type."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                         invalid_value_message="Enter a real date and time, like 12/12/2026 17:00", **kwargs)


class PrizeRowForm(Form):
    """One prize tier; the whole table is checked by ChallengeForm.validate_prizes, so its errors read as
    sentences naming the tier."""

    name = StringField("Tier name", filters=[clean_line])
    amount = StringField("Amount for each winner", filters=[clean_line])
    winners = StringField("Number of winners", filters=[clean_line])

    def is_blank(self) -> bool:
        return not (self.name.data or self.amount.data or self.winners.data)

    def tier(self, number: int) -> Tier:
        name, winners = self.name.data or "", self.winners.data or "1"
        if not name:
            raise ValidationError(f"Tier {number}: enter a name, like First prize")
        if len(name) > 120:
            raise ValidationError(f"Tier {number}: keep the name to 120 characters or fewer")
        try:
            amount = parse_money(self.amount.data or None)
        except MoneyError as exc:
            raise ValidationError(f"Tier {number}: {exc}") from exc
        if amount <= 0:
            raise ValidationError(f"Tier {number}: enter an amount above zero")
        if not (winners.isascii() and winners.isdigit() and 1 <= int(winners) <= 100):
            raise ValidationError(f"Tier {number}: enter a number of winners from 1 to 100")
        return Tier(name, amount, int(winners))


class PrizeRows(FieldList):
    """Always exactly `max_entries` rows, row i read from `prizes-i-*`: WTForms' own index handling
    repeats a row's data when a client leaves gaps (sends rows 0, 1 and 3)."""

    def _extract_indices(self, prefix, formdata):
        return iter(range(self.max_entries))


def _choices(enum_cls):
    return [(m.value, m.label) for m in enum_cls]


class ChallengeForm(FlaskForm):
    organisation = SelectField("Organisation", coerce=str, description="The organisation that leads the challenge.")
    title = StringField("Title", filters=[clean_line], validators=[
        DataRequired("Enter a title"), Length(max=200, message="Keep the title to 200 characters or fewer")])
    summary = TextAreaField("Summary", filters=[clean_line], description="One or two sentences for the catalogue.",
                            validators=[DataRequired("Enter a summary"),
                                        Length(max=500, message="Keep the summary to 500 characters or fewer")])
    problem = TextAreaField("Problem statement", filters=[clean_text],
                            description="What is the problem and why does it matter? Markdown is allowed.",
                            validators=[DataRequired("Enter the problem statement"), Length(max=LONG)])
    context = TextAreaField("Context and evidence", filters=[clean_text],
                            description="Who is affected, how many, what has been tried. Markdown is allowed.",
                            validators=[Length(max=LONG)])
    outcomes = TextAreaField("Desired outcomes", filters=[clean_text], validators=[Length(max=LONG)],
                             description="What would success look like? Markdown is allowed.")
    eligibility = TextAreaField("Who can enter", filters=[clean_text], validators=[Length(max=LONG)],
                                description="Eligibility: who may enter, and any conditions. Markdown is allowed.")
    sector = SelectField("Sector", choices=SECTORS, validators=[DataRequired("Choose a sector")])
    tags = StringField("Tags", filters=[clean_line], description="Separate tags with commas, like: loneliness, older people",
                       validators=[Length(max=300, message="Keep the tags to 300 characters or fewer")])
    type = SelectField("Type of challenge", choices=_choices(ChallengeType))
    ip_terms = SelectField("Intellectual property", choices=_choices(IPTerms))
    currency = SelectField("Currency", choices=CURRENCY_CHOICES, default="GBP")
    opens_at = LocalDateTimeField("Opens", description="UK time.",
                                  validators=[InputRequired("Enter the opening date and time")])
    closes_at = LocalDateTimeField("Closes", description="UK time, like 17:00. Entries are refused after this.",
                                   validators=[InputRequired("Enter the closing date and time")])
    prizes = PrizeRows(FormField(PrizeRowForm), min_entries=MAX_TIERS, max_entries=MAX_TIERS)
    blind_judging = BooleanField("Blind judging", description="Judges do not see who entered.")
    feedback_to_entrants = BooleanField("Feedback to entrants", default=True,
                                        description="Every entrant receives the judges' feedback after the decision.")
    service_user_data = RadioField(
        "Will this challenge involve service users' personal data or health data?", choices=_choices(ServiceUserData),
        default=ServiceUserData.NONE,
        description="For example records, case notes or data sets about the people a service supports that entrants "
                    "would see or use. If it does, a DPIA screening is part of the draft.")

    def validate_opens_at(self, field):
        field.utc = to_utc(field.data)

    def validate_closes_at(self, field):
        field.utc = to_utc(field.data)
        opens = getattr(self.opens_at, "utc", None)
        if opens and field.utc and field.utc <= opens:
            raise ValidationError("The closing date must be after the opening date")

    def validate_tags(self, field):
        tags = [t.strip() for t in (field.data or "").split(",") if t.strip()]
        if len(tags) > 10:
            raise ValidationError("Use at most 10 tags")
        if any(len(t) > 40 for t in tags):
            raise ValidationError("Keep each tag to 40 characters or fewer")

    def validate_prizes(self, field):
        tiers, problems = [], []
        for number, row in enumerate(field.entries, start=1):
            if row.form.is_blank():
                continue
            try:
                tiers.append(row.form.tier(number))
            except ValidationError as exc:
                problems.append(str(exc))
        if problems:
            raise ValidationError(". ".join(problems))
        if not tiers:
            raise ValidationError("Add at least one prize tier")
        field.tiers = tiers

    def draft(self) -> Draft:
        return Draft(
            title=self.title.data, summary=self.summary.data, problem=self.problem.data or "",
            context=self.context.data or "", outcomes=self.outcomes.data or "",
            eligibility=self.eligibility.data or "", sector=self.sector.data, tags=self.tags.data or "",
            type=self.type.data, ip_terms=self.ip_terms.data, currency=self.currency.data,
            opens_at=self.opens_at.utc, closes_at=self.closes_at.utc, blind_judging=self.blind_judging.data,
            feedback_to_entrants=self.feedback_to_entrants.data, service_user_data=self.service_user_data.data,
            tiers=self.prizes.tiers,
        )

    def fill_from(self, challenge) -> None:
        for name in ("title", "summary", "problem", "context", "outcomes", "eligibility", "sector", "tags", "type",
                     "ip_terms", "currency", "blind_judging", "feedback_to_entrants", "service_user_data"):
            getattr(self, name).data = getattr(challenge, name)
        self.opens_at.data, self.closes_at.data = to_local(challenge.opens_at), to_local(challenge.closes_at)
        for row, prize in zip(self.prizes.entries, challenge.prizes):
            row.form.name.data = prize.name
            row.form.amount.data = f"{prize.amount / 100:,.2f}".removesuffix(".00")
            row.form.winners.data = prize.winners


class NoteForm(FlaskForm):
    note = TextAreaField("What should the seeker change?", filters=[clean_text], validators=[
        DataRequired("Enter a note saying what to change"), Length(max=5000)])


class CancelForm(FlaskForm):
    reason = TextAreaField("Why are you cancelling?", filters=[clean_text],
                           description="Followers and the broker see this reason.",
                           validators=[DataRequired("Enter a reason for cancelling"), Length(max=5000)])


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class UpdateForm(FlaskForm):
    title = StringField("Update title", filters=[clean_line], validators=[DataRequired("Enter a title"), Length(max=200)])
    body = TextAreaField("Update", filters=[clean_text], description="Markdown is allowed.",
                         validators=[DataRequired("Enter the update"), Length(max=10_000)])


class QuestionForm(FlaskForm):
    body = TextAreaField("Your question", filters=[clean_text],
                         description="Questions and answers are public. Do not include personal details.",
                         validators=[DataRequired("Enter your question"), Length(max=10_000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField("Answer", filters=[clean_text], description="Your answer is public.",
                           validators=[DataRequired("Enter an answer"), Length(max=10_000)])


def attributes(**kwargs) -> str:
    """WTForms' html_params, the same text, without a Markup.format (and its string.Formatter) per attribute: those
    were most of the time the catalogue's eight filter fields took to write."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            params.append(escape(clean_key(key)))
        elif value is not False:
            params.append(f'{escape(clean_key(key))}="{attribute_value(value)}"')
    return " ".join(params)


def attribute_value(value) -> str:
    """`value` as `attributes` writes it between an attribute's quotes."""
    return str(escape(value)).replace(chr(34), "&quot;")


class FastTextInput(TextInput):
    """WTForms' text input, its attributes written by `attributes`."""

    html_params = staticmethod(attributes)


class FastSelect(Select):
    """The same <select> as WTForms' own, built with one join: WTForms' per-option normalising and html_params()
    were most of the catalogue's time when its organisation filter was a select of hundreds of options, and a
    quarter of a freshly rendered catalogue was its filter form."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        values, labels = _escaped([value for value, _ in field.choices]), _escaped([label for _, label in field.choices])
        options = "".join([f'<option value="{value}" selected>{label}</option>' if raw == field.data
                           else f'<option value="{value}">{label}</option>'
                           for (raw, _), value, label in zip(field.choices, values, labels)])
        return Markup(f"<select {attributes(name=field.name, **kwargs)}>{options}</select>")


def _escaped(texts: list[str]) -> list[str]:
    """Each text escaped for HTML, all in one call (five times faster for hundreds of short texts), unless one is
    not a plain string (Markup is kept as it is) or holds the separator."""
    if texts and set(map(type, texts)) == {str}:  # checked without a Python step per text
        joined = "\0".join(texts)
        if joined.count("\0") == len(texts) - 1:
            return str(escape(joined)).split("\0")
    return [str(escape(t)) for t in texts]


class FastSelectField(SelectField):
    """A SelectField of (str value, label) pairs whose membership check is one set lookup."""

    widget = FastSelect()

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


class OrganisationFilterField(StringField):
    """The catalogue's organisation filter: a name typed (in any case) or an organisation's slug, as links carry it.
    `settle` finds the organisation: the field's data becomes its slug (for the pager's links) and the field shows
    its name."""

    widget = FastTextInput()
    shown: str | None = None

    def _value(self) -> str:
        return self.shown if self.shown is not None else super()._value()

    def settle(self, named: Callable[[str], list[tuple[str, str]]]) -> str:
        """The slug to filter by, of the organisation `named` (the view's query) finds for what was typed; "" when
        nothing was typed, and "" with a message on the field when no organisation, or more than one, has that name."""
        if not self.data or self.errors:
            return ""
        found = named(self.data)
        if len(found) == 1 or (found and found[0][0] == self.data.lower()):
            self.data, self.shown = found[0]
            return self.data
        if found:
            message = (f"More than one organisation is called “{self.data}”: type the end of its page's address "
                       f"instead, like {found[0][0]} or {found[1][0]}")
        else:
            message = f"No organisation with listed challenges is called “{self.data}”"
        self.errors = [*self.errors, message]
        return ""


# Characters of words the catalogue's search reads (its `q` field's limit).
SEARCH_MAX = 200


class CatalogueForm(Form):
    """The GET filters; invalid values are reported and ignored, never an error page."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Each field knows its form through a weak reference: WTForms' strong one made every search's form and
            its fields a reference cycle, ~60 objects a request left to the cycle collector (~0.02 ms)."""
            return unbound_field.bind(form=weakref.proxy(form), **options)

    q = StringField("Search", filters=[clean_line], validators=[Length(max=SEARCH_MAX)], widget=FastTextInput())
    sector = FastSelectField("Sector", choices=[("", "Any sector"), *SECTORS], validators=[Optional()])
    status = FastSelectField("Status", choices=[("", "Any status"), *STATUSES], validators=[Optional()])
    type = FastSelectField("Type", choices=[("", "Any type"), *_choices(ChallengeType)], validators=[Optional()])
    min_prize = StringField("Prize pool from (£)", filters=[clean_line], validators=[Length(max=30)],
                            widget=FastTextInput())
    max_prize = StringField("Prize pool up to (£)", filters=[clean_line], validators=[Length(max=30)],
                            widget=FastTextInput())
    organisation = OrganisationFilterField(
        "Organisation", description="Start typing a name", filters=[clean_line],
        validators=[Length(max=200, message="Keep the organisation's name to 200 characters or fewer")],
        render_kw={"list": "organisation-suggestions", "autocomplete": "off", "spellcheck": "false"})
    sort = FastSelectField("Sort by", choices=SORTS, default="closing", validators=[Optional()])

    def _money(self, field) -> int | None:
        if not field.data:
            return None
        try:
            return parse_money(field.data)
        except MoneyError as exc:
            field.errors = [*field.errors, str(exc)]
            return None

    def params(self, page: int, named: Callable[[str], list[tuple[str, str]]]) -> CatalogueParams:
        """The valid filters; invalid ones are left out (their errors are on the fields). `named` finds the
        organisations a name or slug typed in the organisation filter may mean."""
        self.validate()
        ok = lambda f: (f.data or "") if not f.errors else ""  # noqa: E731  (a field not sent is "", as one sent empty)
        return CatalogueParams(
            q=ok(self.q) or "", sector=ok(self.sector), status=ok(self.status), type=ok(self.type),
            min_prize=self._money(self.min_prize), max_prize=self._money(self.max_prize),
            organisation=self.organisation.settle(named), sort=ok(self.sort) or "closing",
            page=page,
        )

    def words_alone(self, args: MultiDict) -> str | None:
        """The words of a search that fills in nothing else, read as the `q` field reads them (clean_line, at most
        SEARCH_MAX characters); "" when no words are sent. A page number, the default order and arguments sent empty
        (the form sends every field) may come with them: this form, not filled in, then shows the page as the form
        filled in by `args` would, and its filters with the words are the same. None when anything else is sent
        (another filter, another order, an argument the form has no field for) or words the field would refuse or
        read as nothing: the form reads those.

        Building and checking this form for each search was a tenth of the catalogue's search page (0.8 of 7.2
        million instructions a request); the search box sends words alone."""
        for name, value in args.items(multi=True):
            if value != "closing" if name == "sort" else value and name not in ("q", "page"):
                return None
        raw = args.get("q", "")
        words = clean_line(raw)
        return words if len(words) <= SEARCH_MAX and (words or not raw) else None

    def link_args(self, words: str) -> dict[str, str]:
        """The arguments a link to another page of these results carries: the `words` searched for (the valid
        CatalogueParams.q) and each other field filled in and accepted, in the form's order."""
        args = {"q": words} if words else {}
        args.update((f.name, f.data) for f in self if f.name != "q" and f.data and not f.errors)
        return args

"""Forms for partnerships, introductions and impact, and the base every post-prize form uses.

Money, percentages and counts are text inputs read by our own validators, so that a person typing
"£25,000", "12.5%" or "-3" gets a message in plain words rather than "Not a valid integer".
"""
from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from challenge.money import MoneyError, parse_money
from challenge.partnerships.states import KIND_LABELS

KIND_CHOICES = [(k.value, label) for k, label in KIND_LABELS.items()]


def no_nul(text):
    """PostgreSQL cannot store NUL characters in text; nobody means to type them."""
    return text.replace("\x00", "") if isinstance(text, str) else text


def int_or_zero(value) -> int:
    """Coerce a select's value; anything odd becomes 0, which no choice uses, so the field says what to do."""
    try:
        return int(value) if value not in (None, "") and len(str(value)) < 12 else 0
    except (TypeError, ValueError):
        return 0


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            options["filters"] = [*unbound_field.kwargs.get("filters", ()), no_nul]
            return unbound_field.bind(form=form, **options)


def _refuse(field, message: str) -> ValidationError:
    """An error that names its field, so the error summary at the top of a long form makes sense."""
    return ValidationError(f"{field.label.text}: {message}")


class Money:
    """Reads pounds into `field.minor` (minor units); blank is allowed when not `required`."""

    def __init__(self, required: bool = True, positive: bool = False):
        self.required, self.positive = required, positive

    def __call__(self, form, field):
        field.minor = None
        text = (field.data or "").strip()
        if not text:
            if self.required:
                raise _refuse(field, "Enter an amount in pounds, like 25,000")
            return
        try:
            field.minor = parse_money(text)
        except MoneyError as exc:
            raise _refuse(field, str(exc)) from None
        if self.positive and field.minor == 0:
            raise _refuse(field, "Enter an amount more than £0")


class Percent:
    """Reads a percentage (up to 2 decimal places) into `field.bp`, basis points 0–10,000."""

    def __call__(self, form, field):
        field.bp = None
        text = (field.data or "").strip().rstrip("%").strip()
        if not text:
            field.bp = 0
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _refuse(field, "Enter a percentage as a number, like 25 or 12.5") from None
        if not value.is_finite() or value < 0 or value > 100:
            raise _refuse(field, "Enter a percentage between 0 and 100")
        if value != value.quantize(Decimal("0.01")):
            raise _refuse(field, "Enter a percentage with at most 2 decimal places")
        field.bp = int(value * 100)


class Whole:
    """Reads a whole number into `field.number`, between `low` and `high`."""

    def __init__(self, low: int, high: int, required: bool = True):
        self.low, self.high, self.required = low, high, required

    def __call__(self, form, field):
        field.number = None
        text = (field.data or "").strip().replace(",", "")
        if not text:
            if self.required:
                raise _refuse(field, "Enter a whole number")
            return
        if not text.lstrip("-").isdigit() or not text.isascii():
            raise _refuse(field, "Enter a whole number, like 120")
        number = int(text)
        if number < self.low:
            raise _refuse(field, "Enter a number that is not negative" if self.low == 0
                                  else f"Enter a number of at least {self.low}")
        if number > self.high:
            raise _refuse(field, f"Enter a number of at most {self.high:,}")
        field.number = number


def end_of_day(day) -> datetime | None:
    """A due date means 17:00 that day in the site's time zone."""
    if day is None:
        return None
    zone = ZoneInfo(current_app.config["SITE_TIMEZONE"])
    return datetime.combine(day, time(17, 0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _date_field(label: str, description: str = "") -> DateField:
    return DateField(label, description=description, validators=[Optional()], format="%Y-%m-%d")


class TermsMixin:
    value = StringField("Value of the partnership (£, excluding VAT)", validators=[Money(required=False)],
                        description="Contract, pilot or investment value. Leave blank if there is none yet.")
    commission_kind = RadioField("The broker's commission is", default="amount",
                                 choices=[("amount", "An amount"), ("percent", "A percentage of the value")])
    commission_amount = StringField("Commission amount (£)", validators=[Money(required=False)])
    commission_percent = StringField("Commission percentage (%)", validators=[Percent()],
                                     description="Between 0 and 100, like 5 or 7.5")
    owner = SelectField("Owner on the broker team", coerce=int_or_zero, validate_choice=True)
    next_action = StringField("Next action", validators=[Length(max=300)],
                              description="What happens next, like ‘Call the commissioner about the pilot budget’")
    next_action_due = _date_field("Next action due", "The action is overdue after 17:00 on this day.")

    def commission(self) -> tuple[int | None, int | None]:
        if self.commission_kind.data == "percent":
            return None, getattr(self.commission_percent, "bp", None) or 0
        return getattr(self.commission_amount, "minor", None) or 0, None

    def validate_commission_percent(self, field):
        if self.commission_kind.data == "percent" and not (field.data or "").strip():
            raise ValidationError("Enter the commission percentage")


class PartnershipForm(TermsMixin, Form):
    title = StringField("Name of the partnership", validators=[DataRequired("Enter a name"), Length(max=200)],
                        description="Like ‘Befriending app pilot with Leeds City Council’")
    kind = SelectField("Kind", choices=KIND_CHOICES, validators=[DataRequired("Choose a kind")])
    creator_email = StringField("Creator’s email address", validators=[
        DataRequired("Enter the creator’s email address"), Length(max=254)],
        description="The person whose solution this is; they must have an account.")
    creator_organisation = SelectField("Creator’s organisation", coerce=int_or_zero, validate_choice=True,
                                       description="Optional: the charity or firm the creator works through.")
    counterpart = SelectField("Counterpart organisation", coerce=int_or_zero, validate_choice=True,
                              description="The council, trust, investor or department on the other side.")
    origin = HiddenField()

    def validate_counterpart(self, field):
        if not field.data:
            raise ValidationError("Choose the counterpart organisation")


class PartnershipEditForm(TermsMixin, Form):
    title = StringField("Name of the partnership", validators=[DataRequired("Enter a name"), Length(max=200)])
    kind = SelectField("Kind", choices=KIND_CHOICES, validators=[DataRequired("Choose a kind")])
    public = BooleanField("Show this partnership and its SROI under ‘What happened next’ in the solutions library")


class MoveForm(Form):
    move = HiddenField(validators=[DataRequired()])
    reason = TextAreaField("Reason", validators=[Length(max=2000)])


class EventForm(Form):
    kind = RadioField("What to add", default="note", choices=[
        ("note", "A note"), ("meeting", "A meeting"), ("document", "A document (a link)")])
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    body = TextAreaField("Details", validators=[Length(max=10_000)])
    url = StringField("Link", validators=[Length(max=500)], description="For a document: https://…")


class IntroductionForm(Form):
    contact = SelectField("Introduce the creator to", coerce=int_or_zero, validate_choice=True)
    note = TextAreaField("A short note to both of them", validators=[
        DataRequired("Write a short note"), Length(max=2000, message="Keep the note under 2,000 characters")])


class AnswerForm(Form):
    side = HiddenField()
    answer = HiddenField()


class ImpactForm(Form):
    outcome = StringField("Outcome", validators=[DataRequired("Enter the outcome"), Length(max=200)],
                          description="A change in people’s lives, like ‘Fewer falls at home’")
    unit = StringField("Counted in", default="people", validators=[Length(max=40)])
    quantity = StringField("How many", validators=[Whole(0, 10**9)])
    proxy = StringField("Financial proxy per person or unit (£)", validators=[Money()],
                        description="The value of the outcome to one person, like the cost of a hospital stay avoided")
    proxy_source = StringField("Source of the proxy", validators=[Length(max=300)],
                               description="Like ‘Unit Cost Database 2024, GMCA’")
    period = StringField("Starts in year", default="1", validators=[Whole(1, 50)])
    duration = StringField("Lasts (years)", default="1", validators=[Whole(1, 50)])
    deadweight = StringField("Deadweight (%)", validators=[Percent()],
                             description="How much would have happened anyway")
    attribution = StringField("Attribution (%)", validators=[Percent()],
                              description="How much is due to others")
    drop_off = StringField("Drop-off (%)", validators=[Percent()],
                           description="How much the outcome fades each year after the first")
    displacement = StringField("Displacement (%)", validators=[Percent()],
                               description="How much displaces other good outcomes (often 0)")


class InvestmentForm(Form):
    investment = StringField("Investment (£)", validators=[Money(positive=True)],
                             description="Everything put in: money, staff time and in-kind, valued in pounds")


class ContractNoticeForm(Form):
    class Meta:
        csrf = False  # a GET form that only downloads a file

    start = DateField("Contract start date", validators=[InputRequired("Enter the start date")], format="%Y-%m-%d")
    end = DateField("Contract end date", validators=[InputRequired("Enter the end date")], format="%Y-%m-%d")
    signed = DateField("Date the contract was signed (if it has been)", validators=[Optional()], format="%Y-%m-%d")
    procedure = SelectField("Procedure", validators=[DataRequired("Choose the procedure")])
    vat = SelectField("VAT on this purchase", default="standard", choices=[
        ("standard", "Standard-rated: 20 % VAT is added"), ("zero_rated", "Zero-rated: no VAT is added"),
        ("exempt", "Exempt from VAT (e.g. some research, education or health services): no VAT is added")])
    advertised = SelectField("Will the contract be advertised to invite tenders?", default="", choices=[
        ("", "Not decided yet"), ("yes", "Yes, it will be advertised"), ("no", "No: direct award or invited quotes")])
    sme = BooleanField("The supplier is a small or medium-sized enterprise (SME)")
    vcse = BooleanField("The supplier is a voluntary, community or social enterprise (VCSE)")


# --- filling the forms from what the view gathered ------------------------------------------------

def fill_terms_choices(form, brokers: list[tuple[int, str]]) -> None:
    """The owner's choices: the brokers (id, name), or nobody."""
    form.owner.choices = [(0, "Unassigned"), *brokers]


def fill_partnership_choices(form, organisations: list[tuple[int, str]], brokers: list[tuple[int, str]]) -> None:
    """The new-partnership form's choices: the organisations (id, name) and the brokers."""
    form.creator_organisation.choices = [(0, "None: the creator alone"), *organisations]
    form.counterpart.choices = [(0, "Choose an organisation"), *organisations]
    fill_terms_choices(form, brokers)


def prefill_from_origin(form, sub) -> None:
    form.origin.data = str(sub.id)
    form.title.data = form.title.data or f"{sub.title}: follow-on"[:200]
    form.creator_email.data = form.creator_email.data or sub.owner.email
    if sub.organisation_id:
        form.creator_organisation.data = sub.organisation_id
    form.counterpart.data = sub.challenge.organisation_id


def terms_values(form) -> dict:
    """What the terms fields say, as the services take it (people and organisations by id)."""
    amount, bp = form.commission()
    values = dict(title=form.title.data, kind=form.kind.data, value=getattr(form.value, "minor", None) or 0,
                  commission_amount=amount, commission_bp=bp, owner_id=form.owner.data or None,
                  next_action=form.next_action.data or "", next_action_due=end_of_day(form.next_action_due.data))
    if hasattr(form, "counterpart"):
        values["counterpart_id"] = form.counterpart.data
        values["creator_organisation_id"] = form.creator_organisation.data or None
    return values


def fill_terms_from(form, p) -> None:
    """Show a partnership's stored terms in the edit form."""
    form.title.data, form.kind.data, form.public.data = p.title, p.kind, p.public
    form.value.data = f"{Decimal(p.value) / 100:,.2f}" if p.value else ""
    form.commission_kind.data = "percent" if p.commission_bp is not None else "amount"
    form.commission_amount.data = f"{Decimal(p.commission_amount) / 100:,.2f}" if p.commission_amount else ""
    form.commission_percent.data = f"{Decimal(p.commission_bp) / 100:f}" if p.commission_bp is not None else ""
    form.owner.data = p.owner_id or 0
    form.next_action.data = p.next_action
    if p.next_action_due:
        zone = ZoneInfo(current_app.config["SITE_TIMEZONE"])
        form.next_action_due.data = p.next_action_due.astimezone(zone).date()

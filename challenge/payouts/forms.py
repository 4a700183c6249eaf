"""Forms for funding, payees, splits, awards and broker money actions.

Amounts are typed in pounds ("1,500.50") and read with `parse_money` into minor units; shares are
typed in per cent ("60", "33.33") and read into basis points.
"""
from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (DateField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from challenge.money import CURRENCY_CHOICES, MoneyError, parse_money

_PERCENT = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$")


def parse_percent(text: str | None) -> int:
    """`"60"` → 6000 basis points, `"33.33"` → 3333. Refuses negatives, over 100 and finer than 0.01 %."""
    cleaned = (text or "").strip().rstrip("%").strip()
    if not cleaned:
        raise ValueError("Enter a percentage")
    if cleaned.startswith("-"):
        raise ValueError("Enter a percentage that is not negative")
    if not _PERCENT.match(cleaned):
        raise ValueError("Enter a percentage like 60 or 33.33")
    bp = int(Decimal(cleaned) * 100)
    if bp > 10000:
        raise ValueError("Enter a percentage of 100 or less")
    return bp


class MoneyField(StringField):
    """A text box for pounds and pence; `.minor` holds the amount in minor units once valid."""

    minor: int | None = None

    def pre_validate(self, form):
        self.minor = None
        if not (self.data or "").strip():
            return
        try:
            self.minor = parse_money(self.data)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from exc
        if self.minor == 0:
            raise ValidationError("Enter an amount of more than zero")


class PercentField(StringField):
    """A text box for a percentage; `.bp` holds it in basis points once the field's own checks pass."""

    bp: int | None = None

    def post_validate(self, form, validation_stopped):
        self.bp = None
        if validation_stopped or self.errors:
            return
        try:
            self.bp = parse_percent(self.data)
        except ValueError as exc:
            self.errors.append(str(exc))


class ConfirmForm(FlaskForm):
    """A button that posts: CSRF only."""


FUNDER_ROWS = 6


class FundersForm(FlaskForm):
    """Up to six funders, each an organisation and a share; rows left empty are ignored."""

    stage_grants = MoneyField("Stage grants budget (optional)", validators=[Length(max=20)],
                              description="Money held besides the prizes for grants to entries that advance, "
                                          "for example £1,500 to each of nine finalists.")

    @property
    def rows(self):
        return [(self[f"organisation_{n}"], self[f"share_{n}"]) for n in range(1, FUNDER_ROWS + 1)]

    def set_choices(self, organisations) -> None:
        choices = [(0, "— none —")] + [(o.id, o.name) for o in organisations]
        for organisation, _ in self.rows:
            organisation.choices = choices

    def shares(self) -> list[tuple[int, int]] | None:
        """(organisation id, basis points) per filled row; None (with errors on the rows) if any is bad."""
        result, ok = [], True
        for organisation, share in self.rows:
            org_id, text = organisation.data, (share.data or "").strip()
            if not org_id and not text:
                continue
            if not org_id:
                organisation.errors.append("Choose the organisation for this share")
                ok = False
                continue
            try:
                result.append((org_id, parse_percent(text)))
            except ValueError as exc:
                share.errors.append(str(exc))
                ok = False
        return result if ok else None


for _n in range(1, FUNDER_ROWS + 1):
    setattr(FundersForm, f"organisation_{_n}", SelectField(f"Funder {_n}", coerce=int, default=0,
                                                           choices=[(0, "— none —")]))
    setattr(FundersForm, f"share_{_n}", StringField(f"Funder {_n}'s share (%)",
                                                    validators=[Optional(), Length(max=8)]))


class RecordTransferForm(FlaskForm):
    amount = MoneyField("Amount received", validators=[DataRequired("Enter the amount received"), Length(max=20)])
    currency = SelectField("Currency", choices=CURRENCY_CHOICES)
    bank_reference = StringField("Bank statement reference", validators=[Optional(), Length(max=120)],
                                 description="As it appears on the bank statement, to help later checks.")


class WaiveForm(FlaskForm):
    reason = TextAreaField("Reason for opening before the pool is fully funded",
                           validators=[DataRequired("Give the reason"), Length(min=5, max=1000)])


class FeeForm(FlaskForm):
    percent = PercentField("Broker's fee (%)", validators=[DataRequired("Enter the fee"), Length(max=8)],
                          description="Charged on top of the prizes and taken when they are awarded.")


class BankDetailsForm(FlaskForm):
    holder = StringField("Name on the account", validators=[DataRequired("Enter the name on the account"),
                                                            Length(max=120)])
    # A UK account, or an IBAN and BIC for one outside the UK: payees.save_bank_details says which is missing.
    sort_code = StringField("Sort code", validators=[Optional(), Length(max=12)], description="6 digits, like 30-99-50")
    account_number = StringField("Account number", validators=[Optional(), Length(max=12)], description="8 digits")
    iban = StringField("IBAN", validators=[Optional(), Length(max=42)],
                       description="For an account outside the UK, as on your bank statement, like "
                                   "DE89 3704 0044 0532 0130 00.")
    bic = StringField("BIC (SWIFT code)", validators=[Optional(), Length(max=14)],
                      description="8 or 11 letters and digits, like DEUTDEFF.")
    payout_email = StringField("Email for payout notices (optional)", validators=[Optional(), Length(max=254)],
                               description="Leave empty to use your account's email address.")
    password = PasswordField("Your current password", validators=[Optional(), Length(max=256)],
                             description="Needed to change details already saved, so that nobody else can "
                                         "redirect your prize money.")


class RecordPaidForm(FlaskForm):
    """A manual payout's bank transfer, as the bank statement shows it."""

    reference = StringField("Bank reference", validators=[DataRequired("Enter the bank's reference for the "
                                                                       "transfer"), Length(max=120)],
                            description="The reference your bank gave the transfer, as on the statement.")
    paid_on = DateField("Date of the transfer", validators=[InputRequired("Enter the date of the transfer")],
                        description="The day the money left the client account; not in the future.")


class InvoiceRequestForm(FlaskForm):
    po_number = StringField("Purchase-order number (optional)", validators=[Optional(), Length(max=60)],
                            description="Many councils and public bodies can pay only an invoice that quotes "
                                        "their purchase-order (PO) number. Add it if your finance team gave you one; "
                                        "it is printed on the invoice.")


class ReverseForm(FlaskForm):
    reason = TextAreaField("Reason for the reversal", validators=[DataRequired("Give the reason"),
                                                                  Length(min=5, max=1000)])


class RefundForm(FlaskForm):
    amount = MoneyField("Amount to refund", validators=[Length(max=20)],
                        description="Leave empty to refund everything not awarded.")
    currency = SelectField("Currency", choices=CURRENCY_CHOICES)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StageGrantForm(FlaskForm):
    submissions = MultiCheckboxField("Entries that advanced", coerce=int,
                                     validators=[DataRequired("Choose at least one entry")])
    amount = MoneyField("Grant to each entry", validators=[DataRequired("Enter the grant"), Length(max=20)])
    currency = SelectField("Currency", choices=CURRENCY_CHOICES)
    round_position = IntegerField("Round", validators=[InputRequired("Enter the round number"),
                                                       NumberRange(1, 20, "Enter a round from 1 to 20")])


def split_form(members) -> FlaskForm:
    """One percentage box per team member."""

    class SplitForm(FlaskForm):
        pass

    for user in members:
        setattr(SplitForm, f"share_{user.id}", PercentField(f"{user.name}'s share (%)",
                                                            validators=[DataRequired("Enter a share, 0 if none"),
                                                                        Length(max=8)]))
    form = SplitForm()
    form.shares = lambda: [(user.id, form[f"share_{user.id}"].bp) for user in members]
    return form

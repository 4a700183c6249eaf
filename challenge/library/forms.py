"""Forms of the solutions library: a creator's consent, another organisation's "We want this too"."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Length

from challenge.partnerships.forms import Form, int_or_zero


class ConsentForm(Form):
    submission = HiddenField()
    summary = TextAreaField("How you would describe your solution to another council or trust",
                            validators=[Length(max=2000, message="Keep the summary under 2,000 characters")])
    consent = BooleanField("I agree to publish this solution, its summary and my name in the public "
                           "solutions library")


class WantForm(Form):
    organisation = SelectField("On behalf of", coerce=int_or_zero, validate_choice=False)
    note = TextAreaField("What you would like to do with it (optional)", validators=[
        Length(max=2000, message="Keep the note under 2,000 characters")])

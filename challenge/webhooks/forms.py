"""The webhook endpoint form: the shape of the input (the URL's safety and the events are the service's)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from challenge.accounts.forms import clean_line
from challenge.challenges.entry_question_forms import CheckboxesField
from challenge.webhooks.models import EVENTS


class EndpointForm(FlaskForm):
    url = StringField("Payload URL", filters=[clean_line], validators=[
        DataRequired("Enter the URL that should receive the events"),
        Length(max=500, message="Keep the URL to 500 characters or fewer")],
        description="An https address on your server, like https://example.org/hooks/challenge-exchange.")
    events = CheckboxesField("Events to send", choices=list(EVENTS.items()),
                             validators=[DataRequired("Choose at least one event to send")])

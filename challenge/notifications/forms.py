"""The notifications package's forms: its buttons carry only the CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from challenge.challenges.forms import clean_line, clean_text


class ButtonForm(FlaskForm):
    """A button on the dashboard (accept, decline, mark as seen): only the CSRF token."""


class MessageForm(FlaskForm):
    """A message to a challenge's entrants: first previewed (with how many people it reaches), then sent."""

    audience = RadioField("Send it to", choices=[], validators=[InputRequired("Choose who receives the message")])
    subject = StringField("Subject", filters=[clean_line],
                          validators=[DataRequired("Enter a subject"), Length(max=150)])
    body = TextAreaField("Message", filters=[clean_text],
                         description="Plain text. Each entrant receives it by email, addressed to them.",
                         validators=[DataRequired("Enter the message"), Length(max=5_000)])
    post_copy = BooleanField("Also post it on the challenge's updates page, for everyone to read")
    send_key = HiddenField()
    preview = SubmitField("Preview the message")
    send = SubmitField("Send the message")

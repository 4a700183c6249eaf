"""Forms of the broker console: searches and filters (GET, no CSRF) and on/off switches (POST)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from challenge.accounts.forms import clean_line


class SearchForm(FlaskForm):
    """A GET form: the query string is its data, and it changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False


class UserSearchForm(SearchForm):
    q = StringField("Name or email address", filters=[clean_line],
                    validators=[Optional(), Length(max=254, message="Search for at most 254 characters")])
    show = SelectField("Show", choices=[("", "Everyone"), ("brokers", "Brokers only"),
                                        ("inactive", "Deactivated accounts only")], validate_choice=True, default="")


class OrganisationSearchForm(SearchForm):
    q = StringField("Name", filters=[clean_line],
                    validators=[Optional(), Length(max=160, message="Search for at most 160 characters")])
    show = SelectField("Show", choices=[("", "All organisations"), ("unverified", "Not yet verified"),
                                        ("verified", "Verified")], validate_choice=True, default="")


class DayField(DateField):
    """A date typed or picked as YYYY-MM-DD, with a message a person can act on."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a real date, like 2026-11-30") from None


class AuditFilterForm(SearchForm):
    object_type = SelectField("Object type", choices=[("", "Any")], validate_choice=True, default="")
    action = SelectField("Action", choices=[("", "Any")], validate_choice=True, default="")
    actor = StringField("Who (name or email)", filters=[clean_line],
                        validators=[Optional(), Length(max=254, message="Search for at most 254 characters")])
    kind = SelectField("Kind", choices=[("", "All events"), ("security", "Security events only")],
                       validate_choice=True, default="")
    ip = StringField("IP address", filters=[clean_line],
                     validators=[Optional(), Length(max=45, message="Enter an IP address of at most 45 characters")])
    date_from = DayField("From", validators=[Optional()], format="%Y-%m-%d")
    date_to = DayField("To", validators=[Optional()], format="%Y-%m-%d")

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")


class SwitchForm(FlaskForm):
    """Turn something on or off: broker role, active account, verified organisation."""

    value = SelectField("Value", choices=[("on", "On"), ("off", "Off")], validate_choice=True, default="")

    @property
    def on(self) -> bool:
        return self.value.data == "on"

"""The diagnosis form."""
from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from challenge.partnerships.forms import Form, Whole, int_or_zero


class DiagnosisForm(Form):
    organisation = SelectField("Organisation", coerce=int_or_zero, validate_choice=True)
    title = StringField("The problem, in a line", validators=[DataRequired("Enter the problem"), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=500, message="Keep the summary under 500 characters")])
    evidence = TextAreaField("Evidence", validators=[Length(max=20_000)],
                             description="Data, reports and costs that show the size of the problem. Markdown works.")
    quotes = TextAreaField("What service users said", validators=[Length(max=20_000)],
                           description="One quote per line.")
    survey_respondents = StringField("Survey: how many people answered", validators=[Whole(0, 10**9, required=False)])
    survey_findings = TextAreaField("Survey: what they said", validators=[Length(max=20_000)],
                                    description="Counts help: ‘62 of 140 said they felt lonely most days’.")
    causes = TextAreaField("Causes", validators=[Length(max=20_000)])
    stakeholders = TextAreaField("Who else is involved", validators=[Length(max=20_000)])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "summary", "evidence", "quotes", "survey_findings", "causes", "stakeholders")} | {
            "survey_respondents": getattr(self.survey_respondents, "number", None)}

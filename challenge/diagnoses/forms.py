"""The diagnosis form."""
from __future__ import annotations

from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

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


class StoryForm(Form):
    kind = RadioField("What it is", choices=[("story", "A service user's story, in their words"),
                                             ("evidence", "Evidence learnt from a service user")],
                      default="story", validators=[InputRequired("Choose a story or evidence")])
    body = TextAreaField("The story", validators=[DataRequired("Enter the story"), Length(max=20_000)],
                         description="No names or details that identify the person.")
    consent_by = StringField("Who gave consent", validators=[DataRequired("Enter who gave consent"), Length(max=200)],
                             description="As you know them, for example ‘Service user 4 (carer)’. Not their name.")
    consent_use = StringField("What they agreed it may be used for", validators=[
        DataRequired("Enter what they agreed to"), Length(max=300)],
        description="For example ‘this diagnosis and the challenge it leads to’.")
    given_on = DateField("When they gave consent", format="%Y-%m-%d",
                         validators=[InputRequired("Enter the date they gave consent")])

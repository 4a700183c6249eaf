"""The entry questions' editor form: its shape only; entry_questions.save_question checks the rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from challenge.challenges.entry_questions import FILE_TYPES, KINDS, EntryQuestion, QuestionKind, QuestionSpec
from challenge.challenges.forms import clean_line, clean_text


class WholeNumberField(Field):
    """A whole number or nothing; anything else is refused with a message that says what to type."""

    widget = TextInput()

    def _value(self):
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").replace(",", "").strip()
        self.data = None
        if text:
            if not text.lstrip("-").isdigit() or len(text) > 12:
                raise ValueError("Enter a whole number, like 500")
            self.data = int(text)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class EntryQuestionForm(FlaskForm):
    label = StringField("Question", filters=[clean_line],
                        validators=[DataRequired("Enter the question"),
                                    Length(max=300, message="Keep the question to 300 characters or fewer")])
    kind = SelectField("Kind of answer", choices=[(k.value, KINDS[k].label) for k in QuestionKind])
    help_text = TextAreaField("Help text (optional)", filters=[clean_text],
                              description="Shown under the question on the entry form.",
                              validators=[Length(max=1000, message="Keep the help text to 1,000 characters or fewer")])
    required = BooleanField("Required: an entry cannot be submitted without an answer")
    identifying = BooleanField("Identifying: hide the answer (and its file) from judges when judging is blind")
    max_length = WholeNumberField("Short text: most characters", description="200 if left empty.")
    max_words = WholeNumberField("Long text: word limit", description="500 if left empty.")
    options = TextAreaField("Single choice: the options, one per line", filters=[clean_text],
                            validators=[Length(max=7000, message="Keep the options to 7,000 characters or fewer")])
    min_value = WholeNumberField("Number: smallest allowed (optional)")
    max_value = WholeNumberField("Number: largest allowed (optional)")
    file_types = CheckboxesField("File upload: file types allowed", choices=list(FILE_TYPES.items()),
                                 validate_choice=False)
    max_mb = WholeNumberField("File upload: largest file, in MB", description="The site's limit if left empty.")
    eligibility = BooleanField("Eligibility question: asked before an entry is written; the answers below stop "
                               "the entry")
    ineligible_answers = TextAreaField("Eligibility: answers that make an entry ineligible, one per line",
                                       filters=[clean_text], description="Exactly as the option reads (Yes or No "
                                                                         "for a yes/no question).",
                                       validators=[Length(max=7000, message="Keep this to 7,000 characters or fewer")])
    ineligible_message = TextAreaField("Eligibility: what an ineligible entrant is told", filters=[clean_text],
                                       validators=[Length(max=500, message="Keep the message to 500 characters "
                                                                            "or fewer")])

    @classmethod
    def of(cls, q: EntryQuestion) -> EntryQuestionForm:
        """The form filled with a question's settings, to change it."""
        shown = [{"yes": "Yes", "no": "No"}.get(a, a) for a in q.ineligible_answers]
        return cls(formdata=None, label=q.label, kind=q.kind, help_text=q.help_text, required=q.required,
                   identifying=q.identifying, max_length=q.max_length, max_words=q.max_words,
                   options="\n".join(q.options), min_value=q.min_value, max_value=q.max_value,
                   file_types=q.file_types, max_mb=q.max_bytes // (1024 * 1024) if q.max_bytes else None,
                   eligibility=q.eligibility, ineligible_answers="\n".join(shown),
                   ineligible_message=q.ineligible_message)

    def spec(self) -> QuestionSpec:
        return QuestionSpec(
            kind=self.kind.data, label=self.label.data or "", help_text=self.help_text.data or "",
            required=bool(self.required.data), identifying=bool(self.identifying.data),
            max_length=self.max_length.data, max_words=self.max_words.data, options=_lines(self.options.data),
            min_value=self.min_value.data, max_value=self.max_value.data, file_types=list(self.file_types.data or []),
            max_mb=self.max_mb.data, eligibility=bool(self.eligibility.data),
            ineligible_answers=_lines(self.ineligible_answers.data),
            ineligible_message=self.ineligible_message.data or "")

"""Entry questions: what a challenge asks every entrant beside the solution itself (not the public Q&A,
which is conversation.py).

The seeker (or a broker) writes them while the rubric may still change; they freeze when the challenge is
published, as the rubric does, because entrants answer them from then on. Each kind of answer (short text,
long text, single choice, number, yes/no, file) has a checker in `KINDS`: the submissions package asks it
for every answer it stores. Eligibility questions (yes/no or choice) name the answers that stop an entry,
and the message the entrant is given.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.errors import FieldError, InvalidTransition
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit, tx
from challenge.platform.lifecycle import state_check
from challenge.words import count


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    NUMBER = "number"
    YES_NO = "yes_no"
    FILE = "file"

    @property
    def label(self) -> str:
        return KINDS[self].label


# The file types a file question may allow: a subset of what submissions/storage.py accepts (a test holds
# the two lists together); jpg stands for JPEG images whichever extension they carry.
FILE_TYPES = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "pptx": "PowerPoint (PPTX)",
              "png": "PNG image", "jpg": "JPEG image", "zip": "ZIP archive"}
YES_NO = {"yes": "Yes", "no": "No"}
# Bounds on what a seeker may set.
MAX_SHORT, DEFAULT_SHORT = 2000, 200
MAX_WORDS, DEFAULT_WORDS = 5000, 500
MAX_OPTIONS = 30
NUMBER_LIMIT = 1_000_000_000
LONG_TEXT_CHARS = 50_000  # a long answer's hard limit in characters, whatever its word limit
# Open to changes while the rubric is: a draft (seeker or broker), in review (a broker).
QUESTIONS_OPEN = (ChallengeState.DRAFT, ChallengeState.IN_REVIEW)


class EntryQuestion(db.Model):
    __tablename__ = "entry_questions"
    __table_args__ = (
        state_check("kind", QuestionKind),
        CheckConstraint("max_bytes is null or max_bytes > 0", name="max_bytes_positive"),
        CheckConstraint("min_value is null or max_value is null or min_value <= max_value", name="number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    identifying: Mapped[bool] = mapped_column(default=False)  # hidden from the judges of a blind challenge
    max_length: Mapped[int | None]  # short text: characters
    max_words: Mapped[int | None]  # long text: words
    options: Mapped[list] = mapped_column(JSON, default=list)  # single choice
    min_value: Mapped[int | None]  # number
    max_value: Mapped[int | None]
    file_types: Mapped[list] = mapped_column(JSON, default=list)  # file: keys of FILE_TYPES
    max_bytes: Mapped[int | None]
    eligibility: Mapped[bool] = mapped_column(default=False)
    ineligible_answers: Mapped[list] = mapped_column(JSON, default=list)  # stored answers that stop an entry
    ineligible_message: Mapped[str] = mapped_column(Text, default="")

    challenge: Mapped[Challenge] = relationship()

    @property
    def field_name(self) -> str:
        """The entry form's field for this question (and the anchor its messages link to)."""
        return f"q-{self.id}"

    @property
    def kind_label(self) -> str:
        return QuestionKind(self.kind).label

    def shown(self, value: str) -> str:
        """A stored answer as people read it: 'Yes', '12,500', the text itself."""
        if self.kind == QuestionKind.YES_NO:
            return YES_NO.get(value, value)
        if self.kind == QuestionKind.NUMBER and value.lstrip("-").isdigit():
            return f"{int(value):,}"
        return value

    def limits(self) -> str:
        """What the entrant is told about the answer's shape: 'Up to 300 words.'"""
        return KINDS[QuestionKind(self.kind)].limits(self)


# --- the kinds: what each accepts ------------------------------------------------------------------------

def _words(text: str) -> int:
    return len(text.split())


def _check_short(q: EntryQuestion, value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    if len(value) > (q.max_length or DEFAULT_SHORT):
        raise FieldError(f"Keep your answer to {q.max_length or DEFAULT_SHORT:,} characters or fewer "
                         f"(it has {len(value):,})", q.field_name)
    return value


def _check_long(q: EntryQuestion, value: str) -> str:
    value = value.replace("\r\n", "\n").strip()
    limit, words = q.max_words or DEFAULT_WORDS, _words(value)
    if words > limit:
        raise FieldError(f"Keep your answer to {count(limit, 'word')} or fewer "
                         f"(it has {words:,})", q.field_name)
    if len(value) > LONG_TEXT_CHARS:
        raise FieldError(f"Keep your answer to {LONG_TEXT_CHARS:,} characters or fewer", q.field_name)
    return value


def _check_choice(q: EntryQuestion, value: str) -> str:
    if value not in q.options:
        raise FieldError("Choose one of the options given", q.field_name)
    return value


def _check_yes_no(q: EntryQuestion, value: str) -> str:
    if value.lower() not in YES_NO:
        raise FieldError("Choose Yes or No", q.field_name)
    return value.lower()


def _check_number(q: EntryQuestion, value: str) -> str:
    digits = value.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"-?\d{1,10}", digits):
        raise FieldError("Enter a whole number, like 250", q.field_name)
    number = int(digits)
    low, high = q.min_value, q.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise FieldError(f"Enter a number {_range(low, high)}", q.field_name)
    return str(number)


def _check_file(q: EntryQuestion, value: str) -> str:
    raise FieldError("Upload the file with the form", q.field_name)  # files never arrive as text


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"from {low:,} to {high:,}"
    return f"of {low:,} or more" if low is not None else f"of {high:,} or fewer"


def file_types_label(types: list[str]) -> str:
    names = [FILE_TYPES[t] for t in FILE_TYPES if t in types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class Kind:
    label: str
    check: Callable[[EntryQuestion, str], str]  # a typed answer, normalised; raises FieldError on its field
    limits: Callable[[EntryQuestion], str]


KINDS: dict[QuestionKind, Kind] = {
    QuestionKind.SHORT_TEXT: Kind("Short text", _check_short,
                                  lambda q: f"Up to {q.max_length or DEFAULT_SHORT:,} characters."),
    QuestionKind.LONG_TEXT: Kind("Long text", _check_long,
                                 lambda q: f"Up to {count(q.max_words or DEFAULT_WORDS, 'word')}."),
    QuestionKind.CHOICE: Kind("Single choice", _check_choice, lambda q: "Choose one."),
    QuestionKind.NUMBER: Kind("Number", _check_number,
                              lambda q: "A whole number" + (f" {_range(q.min_value, q.max_value)}."
                                                            if q.min_value is not None or q.max_value is not None
                                                            else ".")),
    QuestionKind.YES_NO: Kind("Yes or no", _check_yes_no, lambda q: ""),
    QuestionKind.FILE: Kind("File upload", _check_file,
                            lambda q: f"{file_types_label(q.file_types)}; at most "
                                      f"{(q.max_bytes or 0) // (1024 * 1024)} MB."),
}


def check_answer(question: EntryQuestion, value: str | None) -> str:
    """The answer as stored ('' for none), or a FieldError on the question's field saying what is wrong."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return KINDS[QuestionKind(question.kind)].check(question, value) if value else ""


def ineligible_reason(question: EntryQuestion, answer: str) -> str | None:
    """The question's message when `answer` (as stored) stops an entry; None when it does not."""
    if question.eligibility and answer in question.ineligible_answers:
        return question.ineligible_message
    return None


# --- reading ------------------------------------------------------------------------------------------

QUESTION_ORDER = (EntryQuestion.position, EntryQuestion.id)


def questions_of(challenge: Challenge) -> list[EntryQuestion]:
    return list(db.session.scalars(db.select(EntryQuestion).where(EntryQuestion.challenge_id == challenge.id)
                                   .order_by(*QUESTION_ORDER)))


def editable(challenge: Challenge, actor) -> bool:
    return can(actor, "challenge.edit_entry_questions", challenge)


def ensure_editable(challenge: Challenge, actor) -> None:
    """Refuse (409) once the questions are frozen, saying why."""
    if editable(challenge, actor):
        return
    if challenge.state == ChallengeState.IN_REVIEW:
        raise InvalidTransition("The challenge is in review: only a broker can change its entry questions now.")
    raise InvalidTransition("The entry questions are frozen: the challenge is published and entrants answer "
                            "them as they stand.")


# --- writing ------------------------------------------------------------------------------------------

@dataclass
class QuestionSpec:
    """What the editor sends: every kind's settings; only the chosen kind's are kept."""

    kind: str
    label: str
    help_text: str = ""
    required: bool = False
    identifying: bool = False
    max_length: int | None = None
    max_words: int | None = None
    options: list[str] | None = None
    min_value: int | None = None
    max_value: int | None = None
    file_types: list[str] | None = None
    max_mb: int | None = None
    eligibility: bool = False
    ineligible_answers: list[str] | None = None
    ineligible_message: str = ""


def _bounded(value: int | None, low: int, high: int, field: str, what: str, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FieldError(f"Enter {what} from {low:,} to {high:,}", field)
    return value


def _options(spec: QuestionSpec) -> list[str]:
    options = [" ".join(o.split()) for o in (spec.options or []) if o.strip()]
    if len(options) < 2:
        raise FieldError("Give at least two options, one per line", "options")
    if len(options) > MAX_OPTIONS or any(len(o) > 200 for o in options):
        raise FieldError(f"Give at most {MAX_OPTIONS} options of up to 200 characters each", "options")
    if len({o.lower() for o in options}) != len(options):
        raise FieldError("Each option must be different", "options")
    return options


def _kind_settings(spec: QuestionSpec, max_upload: int) -> dict:
    """The settings of the chosen kind, checked; the other kinds' are cleared."""
    settings = {"max_length": None, "max_words": None, "options": [], "min_value": None, "max_value": None,
                "file_types": [], "max_bytes": None}
    kind = spec.kind
    if kind == QuestionKind.SHORT_TEXT:
        settings["max_length"] = _bounded(spec.max_length, 1, MAX_SHORT, "max_length", "a length", DEFAULT_SHORT)
    elif kind == QuestionKind.LONG_TEXT:
        settings["max_words"] = _bounded(spec.max_words, 1, MAX_WORDS, "max_words", "a word limit", DEFAULT_WORDS)
    elif kind == QuestionKind.CHOICE:
        settings["options"] = _options(spec)
    elif kind == QuestionKind.NUMBER:
        low = _bounded(spec.min_value, -NUMBER_LIMIT, NUMBER_LIMIT, "min_value", "a smallest number", None)
        high = _bounded(spec.max_value, -NUMBER_LIMIT, NUMBER_LIMIT, "max_value", "a largest number", None)
        if low is not None and high is not None and low > high:
            raise FieldError("The largest number must not be below the smallest", "max_value")
        settings["min_value"], settings["max_value"] = low, high
    elif kind == QuestionKind.FILE:
        types = [t for t in FILE_TYPES if t in (spec.file_types or [])]
        if not types or len(types) != len(set(spec.file_types or [])):
            raise FieldError("Choose the file types this question accepts", "file_types")
        top = max(1, max_upload // (1024 * 1024))
        settings["file_types"] = types
        settings["max_bytes"] = _bounded(spec.max_mb, 1, top, "max_mb", "a size in MB", top) * 1024 * 1024
    return settings


def _eligibility(spec: QuestionSpec, options: list[str]) -> tuple[list[str], str]:
    """The answers that stop an entry, as stored, and the message; refuses an eligibility question that
    could stop nobody or everybody."""
    if not spec.eligibility:
        return [], ""
    if spec.kind == QuestionKind.YES_NO:
        options = list(YES_NO)
    elif spec.kind != QuestionKind.CHOICE:
        raise FieldError("Only a yes/no or single choice question can decide eligibility", "eligibility")
    by_name = {o.lower(): o for o in options}
    given = [a.strip() for a in (spec.ineligible_answers or []) if a.strip()]
    unknown = [a for a in given if a.lower() not in by_name]
    if unknown:
        allowed = ", ".join(YES_NO.values()) if spec.kind == QuestionKind.YES_NO else "the options above"
        raise FieldError(f"“{unknown[0]}” is not one of the answers: use {allowed}", "ineligible_answers")
    chosen = sorted({by_name[a.lower()] for a in given}, key=options.index)
    if not chosen:
        raise FieldError("Give the answer (or answers) that make an entry ineligible", "ineligible_answers")
    if len(chosen) == len(options):
        raise FieldError("At least one answer must let an entrant in", "ineligible_answers")
    message = " ".join(spec.ineligible_message.split())
    if not message or len(message) > 500:
        raise FieldError("Tell an ineligible entrant why they cannot enter (up to 500 characters)",
                         "ineligible_message")
    return chosen, message


def save_question(challenge: Challenge, spec: QuestionSpec, actor, now: datetime, max_upload: int,
                  question: EntryQuestion | None = None) -> EntryQuestion:
    """Add a question at the end (or change `question`), under the challenge's lock. Refuses once the
    questions are frozen (published), an empty or over-long question, one the challenge already asks (a
    second click), a kind we do not know, settings out of bounds (see `_kind_settings`)
    and an eligibility question that is not yes/no or choice, or has no message. Eligibility questions are
    always required."""
    tx.lock(Challenge, challenge.id)  # a publish, or the same question sent twice, waits: one effect
    ensure_editable(challenge, actor)
    label = " ".join(spec.label.split())
    if not label or len(label) > 300:
        raise FieldError("Enter the question, in up to 300 characters", "label")
    if any(q.label.lower() == label.lower() for q in questions_of(challenge) if q is not question):
        raise FieldError("The challenge already asks that question", "label")
    if spec.kind not in QuestionKind.__members__.values():
        raise FieldError("Choose the kind of answer", "kind")
    if len(spec.help_text) > 1000:
        raise FieldError("Keep the help text to 1,000 characters or fewer", "help_text")
    settings = _kind_settings(spec, max_upload)
    blocked, message = _eligibility(spec, settings["options"])
    if question is None:
        existing = questions_of(challenge)
        question = EntryQuestion(challenge_id=challenge.id,
                                 position=max((q.position for q in existing), default=0) + 1)
        db.session.add(question)
    question.kind, question.label, question.help_text = spec.kind, label, spec.help_text.strip()
    question.required = bool(spec.required or spec.eligibility)
    question.identifying, question.eligibility = bool(spec.identifying), bool(spec.eligibility)
    question.ineligible_answers, question.ineligible_message = blocked, message
    for key, value in settings.items():
        setattr(question, key, value)
    db.session.flush()
    audit.record(actor, "challenge.entry_question_saved", challenge, now,
                 data={"question": question.id, "label": label, "kind": spec.kind})
    return question


def delete_question(question: EntryQuestion, actor, now: datetime) -> None:
    """Remove a question while the questions may change."""
    ensure_editable(question.challenge, actor)
    audit.record(actor, "challenge.entry_question_deleted", question.challenge, now,
                 data={"question": question.id, "label": question.label})
    challenge = question.challenge
    db.session.delete(question)
    db.session.flush()
    for position, q in enumerate(questions_of(challenge), start=1):
        q.position = position  # numbered without gaps: blind judges' file names use the number
    db.session.flush()


def move_question(question: EntryQuestion, up: bool, actor, now: datetime) -> None:
    """Swap the question with the one above (or below); nothing happens at the top (or bottom)."""
    ensure_editable(question.challenge, actor)
    questions = questions_of(question.challenge)
    for position, q in enumerate(questions, start=1):
        q.position = position  # close any gaps first, so a swap is always a swap
    at = questions.index(question)
    other = at - 1 if up else at + 1
    if 0 <= other < len(questions):
        neighbour = questions[other]
        question.position, neighbour.position = neighbour.position, question.position
        audit.record(actor, "challenge.entry_question_moved", question.challenge, now,
                     data={"question": question.id, "up": up})
    db.session.flush()

"""An entry's answers to its challenge's entry questions (challenges/entry_questions.py).

Answers are kept with a draft as they are typed; submitting needs every required one. A file answer is
stored like an attachment (storage.py: type by content, a metadata-free copy for blind judges) but is not
one: it belongs to its question. Eligibility is checked before an entry is started, again whenever the
answers change, and again on submit, so no request can skip it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from challenge.challenges.entry_questions import (
    EntryQuestion, QuestionKind, check_answer, file_types_label, ineligible_reason, questions_of,
)
from challenge.challenges.models import Challenge
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.submissions import storage
from challenge.submissions.models import Submission
from challenge.types import UTCDateTime

Upload = tuple[BinaryIO, str]  # a file's stream and the name it was uploaded with


class EntryAnswer(db.Model):
    __tablename__ = "entry_answers"
    __table_args__ = (
        UniqueConstraint("submission_id", "question_id"),
        CheckConstraint("size is null or size >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("entry_questions.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")  # the answer as stored; a file answer's display name
    # A file answer, as an Attachment keeps it (cleaning.for_judges reads original_name and cleaned).
    original_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    cleaned: Mapped[bool | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(
        backref=backref("answers", cascade="all, delete-orphan", passive_deletes=True))
    question: Mapped[EntryQuestion] = relationship()


class Ineligible(FieldError):
    """An eligibility answer stops the entry: the seeker's message, on the question's field."""

    status = 403


@dataclass(frozen=True)
class Shown:
    """One question and its answer as a page shows it."""

    question: EntryQuestion
    answer: EntryAnswer | None

    @property
    def text(self) -> str:
        return self.question.shown(self.answer.value) if self.answer else ""


# --- reading ------------------------------------------------------------------------------------------

def questions_for(challenge: Challenge) -> list[EntryQuestion]:
    return questions_of(challenge)


def answers_of(sub: Submission) -> dict[int, EntryAnswer]:
    return {a.question_id: a for a in db.session.scalars(
        db.select(EntryAnswer).where(EntryAnswer.submission_id == sub.id))}


def shown(sub: Submission, blind: bool = False) -> list[Shown]:
    """The entry's questions with its answers, in order, in one statement; `blind` leaves out identifying ones
    (for judges)."""
    rows = db.session.execute(
        db.select(EntryQuestion, EntryAnswer)
        .outerjoin(EntryAnswer, (EntryAnswer.question_id == EntryQuestion.id) & (EntryAnswer.submission_id == sub.id))
        .where(EntryQuestion.challenge_id == sub.challenge_id).order_by(EntryQuestion.position, EntryQuestion.id))
    return [Shown(q, a) for q, a in rows if not (blind and q.identifying)]


def answer_file(sub: Submission, question_id: int, blind: bool = False) -> EntryAnswer | None:
    """A file answer of the entry, if there is one (never an identifying one when `blind`)."""
    answer = answers_of(sub).get(question_id)
    if answer is None or answer.stored_name is None or (blind and answer.question.identifying):
        return None
    return answer


def table(subs: list[Submission], questions: list[EntryQuestion]) -> dict[int, list[str]]:
    """Each entry's answers in the questions' order, as text (a file by its name): the CSV's columns."""
    rows = db.session.scalars(db.select(EntryAnswer).where(
        EntryAnswer.submission_id.in_([s.id for s in subs]))) if subs else []
    found = {(a.submission_id, a.question_id): a.value for a in rows}
    def cell(q: EntryQuestion, value: str) -> str:  # numbers stay plain for the spreadsheet
        return q.shown(value) if q.kind == QuestionKind.YES_NO else value

    return {s.id: [cell(q, found.get((s.id, q.id), "")) for q in questions] for s in subs}


# --- checking -----------------------------------------------------------------------------------------

def check_eligible(questions: list[EntryQuestion], values: dict[int, str]) -> None:
    """Refuse (Ineligible) an entry whose eligibility answers stop it, or that leaves one unanswered."""
    for q in questions:
        if not q.eligibility:
            continue
        try:
            answer = check_answer(q, values.get(q.id))
        except FieldError as refused:
            raise Ineligible(refused.message, q.field_name) from None
        if not answer:
            raise Ineligible(f"Answer “{q.label}” to show that you can enter", q.field_name)
        if (reason := ineligible_reason(q, answer)) is not None:
            raise Ineligible(reason, q.field_name)


def problems_on_submit(sub: Submission) -> dict[str, str]:
    """What stops the entry being submitted: required questions unanswered, an answer that breaks a rule set
    since, or an eligibility answer that stops it — each on its question's field."""
    answers, problems = answers_of(sub), {}
    for q in questions_of(sub.challenge):
        answer = answers.get(q.id)
        value = answer.value if answer else ""
        if q.required and not value:
            problems[q.field_name] = f"Answer “{q.label}” before you submit"
        elif q.eligibility and (reason := ineligible_reason(q, value)) is not None:
            problems[q.field_name] = reason
    return problems


# --- writing ------------------------------------------------------------------------------------------

def save(sub: Submission, values: dict[int, str], files: dict[int, Upload], now: datetime) -> list[str]:
    """Keep the answers given (an empty one clears its answer; a file question with no new file keeps its
    file). Every refused answer is said on its field at once; eligibility is checked again. Returns the
    labels of the questions whose answers changed, for the audit log."""
    questions = questions_of(sub.challenge)
    check_eligible(questions, values)
    checked, refused = {}, {}
    for q in questions:
        if q.kind == QuestionKind.FILE:
            continue
        try:
            checked[q.id] = check_answer(q, values.get(q.id))
        except FieldError as error:
            refused[q.field_name] = error.message
    if refused:
        raise FieldError.on(refused)
    answers, changed = answers_of(sub), []
    for q in questions:
        if q.kind == QuestionKind.FILE:
            if files.get(q.id) is not None and _store_file(sub, q, answers.get(q.id), files[q.id], now):
                changed.append(q.label)
        elif _keep(sub, q, answers.get(q.id), checked[q.id], now):
            changed.append(q.label)
    db.session.flush()
    return changed


def _keep(sub: Submission, q: EntryQuestion, answer: EntryAnswer | None, value: str, now: datetime) -> bool:
    if answer is None and not value:
        return False
    if answer is None:
        db.session.add(EntryAnswer(submission=sub, question_id=q.id, value=value, updated_at=now))
        return True
    if answer.value == value:
        return False
    if not value:
        db.session.delete(answer)  # a cleared answer is no answer
        return True
    answer.value, answer.updated_at = value, now
    return True


def _store_file(sub: Submission, q: EntryQuestion, answer: EntryAnswer | None, upload: Upload,
                now: datetime) -> bool:
    """Store an uploaded answer file after checking its type against the question's and its size against
    the question's limit; the file it replaces leaves the disk once this is committed."""
    stream, filename = upload
    ext = storage.extension_of(filename)
    allowed = set(q.file_types) | ({"jpeg"} if "jpg" in q.file_types else set())
    if ext not in allowed:
        raise FieldError(f"“{storage.display_name(filename)}” is not a type this question accepts. "
                         f"Upload a {file_types_label(q.file_types)} file.", q.field_name)
    limit = min(q.max_bytes or current_app.config["UPLOAD_MAX_BYTES"], current_app.config["UPLOAD_MAX_BYTES"])
    try:
        stored = storage.store(stream, filename, limit)
    except storage.UploadRefused as refused:
        raise FieldError(refused.message, q.field_name) from None
    storage.written_in(db.session(), stored.stored_name)
    if answer is None:
        answer = EntryAnswer(submission=sub, question_id=q.id)
        db.session.add(answer)
    elif answer.stored_name:
        storage.remove_after_commit(db.session(), answer.stored_name)
    answer.value, answer.original_name, answer.stored_name = stored.display_name, stored.display_name, stored.stored_name
    answer.content_type, answer.size, answer.sha256 = stored.content_type, stored.size, stored.sha256
    answer.cleaned, answer.updated_at = stored.cleaned, now
    return True

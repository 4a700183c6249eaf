"""What the submission pages show: the submission with its forms, the entry form with its choices."""
from __future__ import annotations

from collections.abc import Callable

from flask import request, url_for
from flask_login import current_user
from werkzeug.local import LocalProxy

from challenge import clock
from challenge.accounts.services import organisations_of
from challenge.errors import FieldError
from challenge.permissions import can
from challenge.platform import tx
from challenge.challenges.entry_questions import QuestionKind
from challenge.submissions import answers as entry_answers
from challenge.submissions import team
from challenge.submissions.forms import (
    AttachmentForm, ConfirmForm, DisqualifyForm, SubmissionForm, SubmitForm, answers_form,
)
from challenge.submissions.models import Submission


# What each entry's published outcome is ("Winner: First prize", "Not selected"; left out while there is none
# to tell), by entry id: the judging package, above this one, registers its one function here at start-up
# (judging/publication.outcomes_of), so every submissions page says what the decision said. It takes a list,
# so a list of entries costs the same few queries as one entry.
OUTCOMES_OF: list[Callable[[list[Submission]], dict[int, object]]] = []


def outcome_of(sub: Submission):
    """The entry's published outcome (with `.label` and `.kind`), or None."""
    return outcomes([sub]).get(sub.id)


def outcomes(subs) -> dict[int, object]:
    """Each entry's published outcome, for a list of entries (e.g. "Your submissions")."""
    found: dict[int, object] = {}
    for source in OUTCOMES_OF:
        for sid, outcome in source(list(subs)).items():
            found.setdefault(sid, outcome)
    return found


def feedback_open(user, entries, now) -> set[int]:
    """The ids of the entries whose feedback `user` may read at `now` ("judging.feedback"), asked of the person
    once rather than through Flask-Login's proxy for every row of a list."""
    person = user._get_current_object() if isinstance(user, LocalProxy) else user
    return {entry.id for entry in entries if can(person, "judging.feedback", entry, now)}


def show_url(sub: Submission, anchor: str | None = None) -> str:
    return url_for("submissions.show", ref=sub.reference, _anchor=anchor)


def render_show(sub: Submission, **forms):
    """The submission's page with its forms; a refused one (submit, upload, disqualify) shows its messages.

    A refused submission lists what is missing, each linked to where it is filled in (`problems`).
    """
    forms.setdefault("submit_form", SubmitForm())
    forms.setdefault("upload_form", AttachmentForm())
    forms.setdefault("disqualify_form", DisqualifyForm())
    refusal = getattr(forms["submit_form"], "refusal", None)
    problems = refusal.messages if isinstance(refusal, FieldError) else None
    has_errors = any(f.errors for f in forms.values())
    return tx.render_form("submissions/show.html", submission=sub, challenge=sub.challenge, problems=problems,
                          outcome=outcome_of(sub),
                          confirm_form=ConfirmForm(), has_errors=has_errors, now=clock.now(),
                          invitations=team.pending(sub), answers=entry_answers.shown(sub), **forms)


def submission_form(challenge, sub: Submission | None = None) -> SubmissionForm:
    """The entry form with the challenge's entry questions, filled from `sub` when first shown, offering the
    organisations the user belongs to."""
    questions = entry_answers.questions_for(challenge)
    data = None
    if sub is not None and request.method == "GET":
        data = {"title": sub.title, "summary": sub.summary, "description": sub.description,
                "organisation": sub.organisation_id or 0, "team": "\n".join(team.addresses(sub))}
        data.update({f"q-{qid}": a.value for qid, a in entry_answers.answers_of(sub).items() if a.stored_name is None})
    form = answers_form(questions)(data=data)
    form.entry_questions = questions
    form.offer_organisations(organisations_of(current_user))
    return form


def render_entry_form(form: SubmissionForm, challenge, sub: Submission | None):
    """The entry form; an ineligible entrant is told why they cannot enter above it."""
    refusal = getattr(form, "refusal", None)
    ineligible = refusal.message if isinstance(refusal, entry_answers.Ineligible) else None
    files = {a.question_id: a for a in entry_answers.answers_of(sub).values() if a.stored_name} if sub else {}
    return tx.render_form("submissions/form.html", form, challenge=challenge, submission=sub, ineligible=ineligible,
                          answer_files=files)


def form_fields(form: SubmissionForm) -> dict:
    """The entry form's values, as the services take them: answers by question id, files as (stream, name)."""
    answers, files = {}, {}
    for q in getattr(form, "entry_questions", []):
        data = form[q.field_name].data
        if q.kind != QuestionKind.FILE:
            answers[q.id] = data if isinstance(data, str) else ""
        elif data:
            files[q.id] = (data.stream, data.filename or "")
    return {"title": form.title.data or "", "summary": form.summary.data or "",
            "description": form.description.data or "", "organisation_id": form.organisation.data or None,
            "team_emails": form.team.data or "", "answers": answers, "files": files}

"""A judge's pairwise round: two entries side by side, pick the better one or skip; a conflict; their files."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.errors import DomainError
from challenge.judging import comparisons
from challenge.judging import queue as queries
from challenge.judging.blueprint import bp, round_or_404
from challenge.judging.forms import CompareForm, PairConflictForm
from challenge.judging.rules import panel_member
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.submissions import answers as entry_answers


def _round(slug: str, position: int):
    """The challenge and its pairwise round, or 404 unless the current user may compare in it now."""
    challenge = challenge_or_404(slug, action=None)
    round_ = round_or_404(challenge, position)
    ensure("judging.compare", round_)
    return challenge, round_


def _offer(round_, member, form):
    """The pair a refused form was about (shown again with its message), else the next one."""
    try:
        return comparisons.Offer.read(form.offer.data, round_, member) if form.offer.data else None
    except DomainError:
        return None


def _page(challenge, round_, form=None, conflict_form=None):
    member = panel_member(current_user, challenge)
    form, conflict_form = form or CompareForm(formdata=None), conflict_form or PairConflictForm(formdata=None, prefix="conflict")
    offer = _offer(round_, member, form) or _offer(round_, member, conflict_form) \
        or comparisons.next_offer(round_, member)
    if offer is not None:
        form.offer.data = conflict_form.offer.data = offer.token
    left, right = comparisons.entries_of(offer)
    blind = challenge.blind_judging
    answers = {e.id: entry_answers.shown(e, blind=blind) for e in (left, right) if e is not None}
    return tx.render_form("judging/pairwise.html", form, conflict_form=conflict_form, challenge=challenge,
                          round=round_, left=left, right=right, answers=answers, question=comparisons.QUESTION,
                          judged=comparisons.judged_by(round_, member), blind=challenge.blind_judging, now=clock.now())


@bp.get("/judging/<slug>/rounds/<id:position>/compare")
@login_required
def compare(slug: str, position: int):
    challenge, round_ = _round(slug, position)
    return _page(challenge, round_)


@bp.post("/judging/<slug>/rounds/<id:position>/compare")
@login_required
def record_comparison(slug: str, position: int):
    challenge, round_ = _round(slug, position)
    form = CompareForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            _, new = comparisons.record(round_, form.offer.data, request.form.get("choice", ""), form.note.data,
                                        current_user, clock.now())
        if work.done:
            said = ("Your choice is recorded." if new else
                    "That pair was already recorded (a second click); it counts once.")
            return tx.done(f"{said} Here is the next pair.", url_for("judging.compare", slug=slug, position=position),
                           "success" if new else "info")
    return _page(challenge, round_, form=form)


@bp.post("/judging/<slug>/rounds/<id:position>/compare/conflict")
@login_required
def pair_conflict(slug: str, position: int):
    challenge, round_ = _round(slug, position)
    form = PairConflictForm(prefix="conflict")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            comparisons.declare_conflict(round_, form.offer.data, form.side.data, form.reason.data, current_user,
                                         clock.now())
        if work.done:
            return tx.done("Your conflict is recorded; that entry will not be shown to you again.",
                           url_for("judging.compare", slug=slug, position=position), "info")
    return _page(challenge, round_, conflict_form=form)


def _shown_entry(slug: str, position: int, submission_id: int):
    """An entry of the pairwise round that the current judge may be shown, or 404."""
    challenge, round_ = _round(slug, position)
    entry = comparisons.shown_entry(round_, panel_member(current_user, challenge), submission_id)
    if entry is None:
        abort(404)
    return challenge, entry


@bp.get("/judging/<slug>/rounds/<id:position>/compare/entries/<id:submission_id>/attachments/<id:number>")
@login_required
def pair_attachment(slug: str, position: int, submission_id: int, number: int):
    """An attachment of an entry shown in the pair; a blind challenge's judges get its metadata-free copy."""
    challenge, entry = _shown_entry(slug, position, submission_id)
    if not 1 <= number <= len(entry.attachments):
        abort(404)
    file = entry.attachments[number - 1]
    name = queries.blind_name(file, number) if challenge.blind_judging else file.original_name
    return queries.send_to_judge(file, challenge.blind_judging, name)


@bp.get("/judging/<slug>/rounds/<id:position>/compare/entries/<id:submission_id>/answers/<id:question_id>")
@login_required
def pair_answer_file(slug: str, position: int, submission_id: int, question_id: int):
    """A file answer of an entry shown in the pair; a blind challenge's judges get its cleaned copy and never an
    identifying one."""
    challenge, entry = _shown_entry(slug, position, submission_id)
    blind = challenge.blind_judging
    answer = entry_answers.answer_file(entry, question_id, blind=blind)
    if answer is None:
        abort(404)
    ext = answer.original_name.rsplit(".", 1)[-1]
    name = f"Answer to question {answer.question.position}.{ext}" if blind else answer.original_name
    return queries.send_to_judge(answer, blind, name)

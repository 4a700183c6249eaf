"""A judge's pages: my panels, the queue, an entry (declaration first), scoring and attachments."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.judging import assignment as assign
from challenge.judging import queue as queries
from challenge.judging import services
from challenge.judging.blueprint import bp, challenge_for, round_or_404, sheet_for
from challenge.judging import pages
from challenge.judging.forms import ConflictForm, DeclareAllForm, score_form
from challenge.judging.rubric import criteria_of
from challenge.judging.rules import panel_member
from challenge.permissions import can, ensure
from challenge.platform import tx
from challenge.submissions import answers as entry_answers

# Entries on one page of a judge's queue (a round may give a judge hundreds): within the 10 ms budget (issue 13).
QUEUE_PER_PAGE = 50


@bp.get("/judging/")
@login_required
def my_panels():
    return render_template("judging/my_panels.html", panels=queries.panels_of(current_user), now=clock.now())


@bp.get("/judging/<slug>/queue")
@login_required
def queue(slug: str):
    challenge = queries.challenge_with_seat(current_user, slug)  # with the seat the rule asks for, and the rounds
    ensure("judging.queue", challenge)
    member = panel_member(current_user, challenge)
    round_, page, tally, conflicts = queries.queue_page(member, request.args.get("round", ""), QUEUE_PER_PAGE)
    return render_template("judging/queue.html", challenge=challenge, member=member, round=round_, page=page,
                           tally=tally, conflicts=conflicts, rounds=queries.rounds_with_work(member), now=clock.now())


def _entry_page(challenge, assignment, conflict_form=None, form=None, criteria=None, entered_by=None,
                asks_questions=True):
    """The declaration until the judge has declared no conflict, then the entry with its score sheet (by the
    challenge's criteria, read here unless given; who entered, from the entry unless given; the answers to
    the entry questions unless there are none)."""
    blind = challenge.blind_judging
    entrant = None if blind else entered_by or queries.entrant(assignment.submission, blind)
    if not can(None, "judging.view_entry", assignment):
        conflict_form = conflict_form or ConflictForm(formdata=None)
        return tx.render_form("judging/declare.html", conflict_form, challenge=challenge, assignment=assignment,
                              entrant=entrant, now=clock.now())
    criteria = criteria_of(challenge) if criteria is None else criteria
    if form is None:
        form = score_form(criteria)(formdata=None, comment=assignment.comment,
                                    **{f"score-{s.criterion_id}": str(s.value) for s in assignment.scores})
    if conflict_form is not None:  # a second declaration, refused: said on this page
        form.form_errors.extend(conflict_form.form_errors)
    beside = queries.beside_the_sheet(assignment, can(None, "judging.others_scores", assignment))
    return tx.render_form("judging/entry.html", form, challenge=challenge,
                          assignment=assignment, criteria=criteria, entry=assignment.submission, blind=blind,
                          entrant=entrant, others=beside.others, attached=beside,
                          answers=entry_answers.shown(assignment.submission, blind=blind) if asks_questions else [],
                          can_score=can(None, "judging.score", assignment), now=clock.now())


@bp.get("/judging/<slug>/entries/<id:assignment_id>")
@login_required
def entry(slug: str, assignment_id: int):
    sheet = queries.sheet_page(current_user, slug, assignment_id)  # with the challenge and the user's seat
    if not (can(None, "judging.view_entry", sheet.assignment) or can(None, "judging.declare", sheet.assignment)):
        abort(404)
    return _entry_page(sheet.challenge, sheet.assignment, criteria=sheet.criteria, entered_by=sheet.entered_by,
                       asks_questions=sheet.asks_questions)


@bp.post("/judging/<slug>/entries/<id:assignment_id>/declaration")
@login_required
def declare(slug: str, assignment_id: int):
    challenge, assignment = sheet_for(slug, assignment_id, "judging.declare")
    form = ConflictForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            conflict = assign.declare(assignment, form.has_conflict.data == "yes", form.reason.data or "",
                                      current_user, clock.now())
        if work.done and conflict.has_conflict:
            return tx.done("Your conflict is recorded; the entry has been taken off your list.",
                           url_for("judging.queue", slug=slug), "info")
        if work.done:
            return tx.done("Thank you. You can now read and score the entry.",
                           url_for("judging.entry", slug=slug, assignment_id=assignment_id))
    return _entry_page(challenge, assignment, conflict_form=form)


@bp.route("/judging/<slug>/declarations", methods=["GET", "POST"])
@login_required
def declare_all(slug: str):
    challenge = challenge_for(slug, "judging.queue")
    round_, assignments = pages.undeclared(panel_member(current_user, challenge), request.args.get("round", ""))
    form, answers = DeclareAllForm(), None
    if form.validate_on_submit():
        answers = pages.answers_from(request.form, assignments)
        with tx.unit_of_work(form) as work:
            services.declare_all(assignments, answers, current_user, clock.now())
        if work.done:
            return tx.done("Your declarations are recorded. Entries you have a conflict with are off your list.",
                           url_for("judging.queue", slug=slug, round=round_.position))
    return tx.render_form("judging/declare_all.html", form,
                          **pages.declare_all_page(challenge, round_, assignments, answers))


@bp.post("/judging/<slug>/entries/<id:assignment_id>/scores")
@login_required
def score(slug: str, assignment_id: int):
    challenge, assignment = sheet_for(slug, assignment_id, "judging.view_entry")
    form = score_form(criteria_of(challenge))()
    values = {key[len("score-"):]: value for key, value in request.form.items() if key.startswith("score-")}
    submit = request.form.get("action") == "submit"
    with tx.unit_of_work(form) as work:
        services.save_scores(assignment, values, request.form.get("comment", ""), submit, current_user, clock.now())
    if not work.done:
        return _entry_page(challenge, assignment, form=form)
    if submit:
        return _after_submit(slug, assignment)
    back = url_for("judging.entry", slug=slug, assignment_id=assignment_id)
    return tx.done("Your draft is saved. It does not count until you submit it.", back, "info")


def _after_submit(slug: str, assignment):
    """Straight on to the judge's next entry still to score; back to the queue after the last one."""
    said = "Your scores are submitted. You can change them until the round closes."
    following = queries.next_to_score(assignment)
    if following is None:
        return tx.done(f"{said} That was your last entry in this round.",
                       url_for("judging.queue", slug=slug, round=assignment.round.position))
    return tx.done(f"{said} Here is your next entry.",
                   url_for("judging.entry", slug=slug, assignment_id=following.id))


@bp.get("/judging/<slug>/entries/<id:assignment_id>/attachments/<id:number>")
@login_required
def attachment(slug: str, assignment_id: int, number: int):
    challenge, assignment = sheet_for(slug, assignment_id, "judging.view_entry")
    files = assignment.submission.attachments
    if not 1 <= number <= len(files):
        abort(404)
    file = files[number - 1]
    name = queries.blind_name(file, number) if challenge.blind_judging else file.original_name
    return queries.send_to_judge(file, challenge.blind_judging, name)


@bp.get("/judging/<slug>/entries/<id:assignment_id>/answers/<id:question_id>")
@login_required
def answer_file(slug: str, assignment_id: int, question_id: int):
    """A file answer; a blind challenge's judges get its cleaned copy and never an identifying one."""
    challenge, assignment = sheet_for(slug, assignment_id, "judging.view_entry")
    blind = challenge.blind_judging
    answer = entry_answers.answer_file(assignment.submission, question_id, blind=blind)
    if answer is None:
        abort(404)
    ext = answer.original_name.rsplit(".", 1)[-1]
    name = f"Answer to question {answer.question.position}.{ext}" if blind else answer.original_name
    return queries.send_to_judge(answer, blind, name)


@bp.post("/judging/<slug>/reassign")
@login_required
def reassign(slug: str):
    challenge = challenge_for(slug, "judging.chair")
    round_ = round_or_404(challenge, request.form.get("round"))
    source = queries.member_or_404(challenge, _int(request.form.get("from")))
    to = queries.member_or_404(challenge, _int(request.form.get("to")))
    with tx.unit_of_work():
        assignment = queries.find_assignment(round_, source, request.form.get("reference", ""))
        assign.reassign(assignment, to, current_user, clock.now())
    return tx.done(f"{assignment.submission.reference} now goes to {to.user.name}.",
                   url_for("judging.panel_view", slug=slug, round=assignment.round.position))


def _int(value) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else 0

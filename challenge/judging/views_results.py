"""Results: the panel view and its CSV, the shortlist, the decision, feedback and the public vote."""
from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.extensions import db
from challenge.judging import decisions, export, feedback, peoples, results, scoring
from challenge.judging.blueprint import attach_error, bp, challenge_or_404, done, round_or_404
from challenge.judging.forms import ReasonsForm
from challenge.judging.models import Round, RoundState
from challenge.judging.rubric import FieldError, rounds_of, settings_of
from challenge.money import format_money
from challenge.payouts.awards import stage_grant_room
from challenge.permissions import can, ensure
from challenge.platform import tx
from challenge.platform.hygiene import page_arg
from challenge.submissions.models import Submission


def _round(challenge) -> Round:
    """The round asked for, else the open round, else the latest that opened."""
    if request.args.get("round"):
        return round_or_404(challenge, request.args["round"])
    started = [r for r in rounds_of(challenge) if r.state != RoundState.PENDING]
    chosen = next((r for r in started if r.state == RoundState.OPEN), started[-1] if started else None)
    if chosen is None:
        abort(404)
    return chosen


@bp.get("/judging/<slug>/panel")
@login_required
def panel_view(slug: str):
    challenge = challenge_or_404(slug)
    round_ = _round(challenge)
    ensure("judging.panel_view", round_)
    res = results.load(round_)
    sort, show = request.args.get("sort", "rank"), request.args.get("show", "all")
    rows = results.view(res, sort, show)
    page = results.Page.of(rows, page_arg())
    return render_template("judging/panel.html", challenge=challenge, round=round_, res=res, rows=page.rows,
                           page=page, sort=sort, show=show, rounds=rounds_of(challenge),
                           tie_rule=scoring.TIE_BREAK_RULE, now=clock.now())


@bp.get("/judging/<slug>/panel.csv")
@login_required
def panel_csv(slug: str):
    challenge = challenge_or_404(slug)
    round_ = _round(challenge)
    ensure("judging.panel_view", round_)
    body = export.panel_csv(results.load(round_))
    name = f"{challenge.slug}-round-{round_.position}-scores.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _chosen_ids(values) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


@bp.route("/judging/<slug>/rounds/<id:position>/advance", methods=["GET", "POST"])
@login_required
def advance(slug: str, position: int):
    challenge = challenge_or_404(slug)
    ensure("judging.chair", challenge)
    round_ = round_or_404(challenge, position)
    form, chosen, problem = ReasonsForm(), _chosen_ids(request.form.getlist("entries")), None
    if form.validate_on_submit():
        try:
            _, granted = decisions.advance(round_, chosen, current_user, clock.now(),
                                           override_reason=form.override_reason.data or "",
                                           departure_reason=form.departure_reason.data or "")
            paid = (f" Each receives a stage grant of {format_money(round_.advance_grant, challenge.currency)}, paid "
                    "like a prize." if granted else "")
            return done(f"{len(chosen)} entries go forward to the next round.{paid}", url_for("judging.setup", slug=slug))
        except FieldError as exc:
            tx.rollback()
            if not attach_error(form, exc):
                problem = exc.message
    res = results.load(round_)
    if request.method == "GET":
        chosen = [e.id for e in decisions.computed_order(res)[:max(1, len(res.entries) // 3)]]
    return render_template("judging/advance.html", challenge=challenge, round=round_, res=res, form=form,
                           chosen=set(chosen), problem=problem, pays_grants=decisions.pays_stage_grants(round_),
                           grant_room=stage_grant_room(challenge)), \
        400 if form.errors or problem else 200


@bp.route("/judging/<slug>/rounds/<id:position>/decide", methods=["GET", "POST"])
@login_required
def decide(slug: str, position: int):
    challenge = challenge_or_404(slug)
    ensure("judging.chair", challenge)
    round_ = round_or_404(challenge, position)
    slots = decisions.prize_slots(challenge)
    form, problem = ReasonsForm(), None
    choices = [(_chosen_ids([request.form.get(f"slot-{i}", "")]) or [None])[0] for i in range(len(slots))]
    if form.validate_on_submit():
        try:
            decisions.decide(round_, choices, current_user, clock.now(), override_reason=form.override_reason.data or "",
                             departure_reason=form.departure_reason.data or "")
            return done("The decision is recorded and the challenge is now awarded.", url_for("judging.setup", slug=slug))
        except FieldError as exc:
            tx.rollback()
            if not attach_error(form, exc):
                problem = exc.message
    res = results.load(round_)
    if request.method == "GET":
        order = decisions.computed_order(res)
        choices = [order[i].id if i < len(order) else None for i in range(len(slots))]
    return render_template("judging/decide.html", challenge=challenge, round=round_, res=res, form=form,
                           slots=list(zip(slots, choices)), rule=scoring.TIE_BREAK_RULE, problem=problem), 400 if form.errors or problem else 200


@bp.get("/judging/<slug>/feedback/<reference>")
@login_required
def feedback_page(slug: str, reference: str):
    challenge = challenge_or_404(slug)
    sub = db.first_or_404(db.select(Submission).where(Submission.challenge_id == challenge.id,
                                                      Submission.reference == reference[:20]))
    ensure("judging.feedback", sub)
    return render_template("judging/feedback.html", challenge=challenge, entry=sub, fb=feedback.feedback_for(sub))


@bp.route("/judging/<slug>/vote", methods=["GET", "POST"])
def vote(slug: str):
    challenge = challenge_or_404(slug)
    ensure("challenge.view", challenge)
    settings = settings_of(challenge)
    state = peoples.window(settings, clock.now())
    if state == "off":
        abort(404)
    if request.method == "POST":
        ensure("judging.vote", settings)
        sub_id = (_chosen_ids([request.form.get("entry", "")]) or [0])[0]
        peoples.cast(challenge, db.session.get(Submission, sub_id) if sub_id else None, current_user, clock.now())
        return done("Thank you: your vote is counted.", url_for("judging.vote", slug=slug))
    return render_template("judging/vote.html", challenge=challenge, settings=settings, state=state,
                           entries=peoples.entries(challenge), mine=peoples.my_vote(challenge, current_user),
                           counts=peoples.counts(challenge) if can(None, "judging.vote_results", settings) else None,
                           bursts=peoples.bursts(challenge) if can(current_user, "judging.vote_bursts", settings) else None,
                           burst_votes=peoples.BURST_VOTES, burst_minutes=peoples.BURST_WINDOW.seconds // 60,
                           now=clock.now())


@bp.app_template_filter("score")
def score_filter(value) -> str:
    """A computed score to two places, or an en dash when there is none."""
    return "–" if value is None else f"{value:.2f}"


@bp.app_template_filter("cell_texts")
def cell_texts(cells: dict, judge_ids: list[int]) -> list[str]:
    """What each judge's column shows for an entry: the weighted score, 'draft', '·' (not started) or blank."""
    out = []
    for jid in judge_ids:
        cell = cells.get(jid)
        if cell is None:
            out.append("")
        elif cell[1] is not None:
            out.append(f"{cell[1]:.2f}")
        else:
            out.append("draft" if cell[0] == "draft" else "·")
    return out

"""Results: the panel view and its CSV, the shortlist, the decision, feedback and the public vote."""
from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.judging import decisions, export, feedback, pages, peoples, publication, results, scoring
from challenge.judging.blueprint import bp, challenge_for, round_for, round_or_404
from challenge.judging.forms import CorrectForm, DecideForm, ReasonsForm
from challenge.judging.models import Round, RoundState
from challenge.judging.pairwise_models import PAIRWISE
from challenge.judging import comparisons
from challenge.judging.peoples import VoteWindow
from challenge.judging.rubric import rounds_of, settings_of
from challenge.money import format_money
from challenge.permissions import ensure
from challenge.platform import buttons, tx
from challenge.platform.hygiene import page_arg


def _round(challenge) -> Round:
    """The round asked for, else the open round, else the latest that opened."""
    if request.args.get("round"):
        return round_or_404(challenge, request.args["round"])
    started = [r for r in rounds_of(challenge) if r.state != RoundState.PENDING]
    chosen = next((r for r in started if r.state == RoundState.OPEN), started[-1] if started else None)
    if chosen is None:
        abort(404)
    return chosen


def _panel_round(slug: str):
    """The challenge and the round its panel view shows, or 404 unless the current user may see it."""
    challenge = challenge_or_404(slug, action=None)
    round_ = _round(challenge)
    ensure("judging.panel_view", round_)
    return challenge, round_


@bp.get("/judging/<slug>/panel")
@login_required
def panel_view(slug: str):
    challenge, round_ = _panel_round(slug)
    if round_.strategy == PAIRWISE:  # compared in pairs: a ranking, no score matrix (judging/comparisons.py)
        return render_template("judging/pairwise_results.html", challenge=challenge, round=round_,
                               rounds=rounds_of(challenge), **comparisons.ranking_page(round_))
    res = results.load(round_)
    sort, show = request.args.get("sort", "rank"), request.args.get("show", "all")
    page = results.Page.of(results.view(res, sort, show), page_arg())
    return render_template("judging/panel.html", challenge=challenge, round=round_, res=res, rows=page.rows,
                           page=page, sort=sort, show=show, rounds=rounds_of(challenge),
                           tie_rule=scoring.TIE_BREAK_RULE, now=clock.now())


@bp.get("/judging/<slug>/panel.csv")
@login_required
def panel_csv(slug: str):
    challenge, round_ = _panel_round(slug)
    body = export.panel_csv(results.load(round_))
    name = f"{challenge.slug}-round-{round_.position}-scores.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/judging/<slug>/rounds/<id:position>/advance", methods=["GET", "POST"])
@login_required
def advance(slug: str, position: int):
    challenge, round_ = round_for(slug, position, "judging.chair")
    form, chosen = ReasonsForm(), pages.chosen_ids(request.form.getlist("entries"))
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            _, granted = decisions.advance(round_, chosen, current_user, clock.now(),
                                           override_reason=form.override_reason.data or "",
                                           departure_reason=form.departure_reason.data or "")
        if work.done:
            paid = (f" Each receives a stage grant of {format_money(round_.advance_grant, challenge.currency)}, paid "
                    "like a prize." if granted else "")
            return tx.done(f"{len(chosen)} entries go forward to the next round.{paid}",
                           url_for("judging.setup", slug=slug))
    return tx.render_form("judging/advance.html", form,
                          **pages.advance_page(round_, chosen if request.method == "POST" else None))


RECORDED = ("The decision is recorded. It is provisional: nobody is told and no money moves until the results are "
            "published, and until then a broker may correct it.")
ALREADY = "The decision is already recorded (a second click, or someone was first); it is shown below."


@bp.route("/judging/<slug>/rounds/<id:position>/decide", methods=["GET", "POST"])
@login_required
def decide(slug: str, position: int):
    """Two steps: "Review the decision" shows its effects and records nothing; "Record the decision" records it."""
    challenge, round_ = round_for(slug, position, "judging.chair")
    if decisions.final_decision(challenge) is not None:
        return tx.done(ALREADY, url_for("judging.setup", slug=slug), "info")
    form, step = DecideForm(), request.form.get("step", "review")
    choices = pages.slot_choices(request.form, challenge) if request.method == "POST" else None
    if step in ("review", "record") and form.validate_on_submit():
        verb = decisions.decide if step == "record" else decisions.review
        with tx.unit_of_work(form) as work:
            checked = verb(round_, choices, current_user, clock.now(), **pages.reasons_of(form))
        if work.done and step == "record":
            return tx.done(RECORDED, url_for("judging.setup", slug=slug))
        if work.done:
            return tx.render_form("judging/decide_review.html", form, **pages.review_page(checked, choices))
    return tx.render_form("judging/decide.html", form, **pages.decide_page(round_, choices))


@bp.post("/judging/<slug>/publish")
@login_required
def publish(slug: str):
    challenge = challenge_for(slug, "judging.publish")
    return buttons.pressed(url_for("judging.setup", slug=slug),
                           lambda: publication.publish(challenge, current_user, clock.now()),
                           lambda _: "The results are published: every entrant has been told by email. "
                                     + ("The winners' awards are set up." if decisions.holds_money(challenge) else
                                        "The prizes are awarded from the money page once the pool is paid."))


@bp.route("/judging/<slug>/decision/correct", methods=["GET", "POST"])
@login_required
def correct(slug: str):
    challenge = challenge_for(slug, "judging.correct")
    decision = decisions.final_decision(challenge)
    if decision is None:
        abort(404)
    form = CorrectForm()
    choices = pages.slot_choices(request.form, challenge) if request.method == "POST" else None
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            publication.correct(challenge, choices, form.reason.data or "", current_user, clock.now())
        if work.done:
            return tx.done("The decision is corrected; your reason is shown on it.", url_for("judging.setup", slug=slug))
    return tx.render_form("judging/correct.html", form, **pages.correct_page(decision, choices))


@bp.get("/judging/<slug>/feedback/<reference>")
@login_required
def feedback_page(slug: str, reference: str):
    challenge = challenge_or_404(slug, action=None)
    sub = feedback.entry_by_reference(challenge.id, reference)
    if sub is None:
        abort(404)
    ensure("judging.feedback", sub)
    return render_template("judging/feedback.html", challenge=challenge, entry=sub, fb=feedback.feedback_for(sub),
                           outcome=publication.outcome_of(sub))


@bp.route("/judging/<slug>/vote", methods=["GET", "POST"])
def vote(slug: str):
    challenge = challenge_or_404(slug)
    settings = settings_of(challenge)
    if peoples.window(settings, clock.now()) == VoteWindow.OFF:
        abort(404)
    if request.method == "POST":
        ensure("judging.vote", settings)
        entry = peoples.entry_by_id((pages.chosen_ids([request.form.get("entry", "")]) or [0])[0])
        with tx.unit_of_work():
            peoples.cast(challenge, entry, current_user, clock.now())
        return tx.done("Thank you: your vote is counted.", url_for("judging.vote", slug=slug))
    return render_template("judging/vote.html", **pages.vote_page(challenge, settings))


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

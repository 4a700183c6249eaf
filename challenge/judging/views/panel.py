"""Running a panel: the judging page of a challenge, invitations, the chair, rounds and dates."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.errors import FieldError
from challenge.judging import assignment as assign
from challenge.judging import pages, panel, rubric
from challenge.judging import queue as queries
from challenge.judging.blueprint import bp, challenge_for, round_for
from challenge.judging.forms import InviteForm, OpenRoundForm, RoundForm, to_local, to_utc
from challenge.judging.models import RoundState
from challenge.judging.pairwise_models import PAIRWISE
from challenge.money import format_money
from challenge.permissions import can
from challenge.platform import buttons, tx
from challenge.words import count, word_for

TEMPLATE = "judging/setup.html"


@bp.get("/judging/<slug>/")
@login_required
def setup(slug: str):
    challenge = challenge_for(slug, "judging.view_setup")
    return render_template(TEMPLATE, **pages.setup_page(challenge))


@bp.post("/judging/<slug>/invitations")
@login_required
def invite(slug: str):
    challenge = challenge_for(slug, "judging.manage_panel")
    form = InviteForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            panel.invite(challenge, form.email.data, form.role.data, form.service_user.data, current_user, clock.now())
        if work.done:
            return tx.done(f"An invitation is on its way to {form.email.data}.", url_for("judging.setup", slug=slug))
    return tx.render_form(TEMPLATE, **pages.setup_page(challenge, invite_form=form))


@bp.route("/judging/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = panel.find_invitation(token)
    if found is None:
        abort(404)
    if request.method == "POST" and current_user.is_authenticated:
        with tx.unit_of_work():
            member = panel.accept(found, current_user, clock.now())
        return tx.done(f"You have joined the panel for “{member.challenge.title}”.",
                       url_for("judging.queue", slug=member.challenge.slug))
    return render_template("judging/invitation.html", invitation=found, token=token, next_url=request.path)


@bp.post("/judging/<slug>/members/<id:member_id>/chair")
@login_required
def make_chair(slug: str, member_id: int):
    challenge = challenge_for(slug, "judging.manage_panel")
    member = queries.member_or_404(challenge, member_id)
    return buttons.pressed(_setup(slug), lambda: panel.make_chair(member, current_user, clock.now()),
                           f"{member.user.name} now chairs the panel.")


@bp.post("/judging/<slug>/members/<id:member_id>/service-user")
@login_required
def toggle_service_user(slug: str, member_id: int):
    challenge = challenge_for(slug, "judging.manage_panel")
    member = queries.member_or_404(challenge, member_id)
    return buttons.pressed(_setup(slug), lambda: panel.set_service_user(member, not member.service_user,
                                                                        current_user, clock.now()),
                           lambda m: f"{m.user.name} is now counted as "
                                     f"{'a service-user judge' if m.service_user else 'an expert judge'}.")


def _setup(slug: str) -> str:
    return url_for("judging.setup", slug=slug)


GRANT_REFUSED = ("Only the seeker or a broker can set a round's stage grant: a chair may shortlist entries but not "
                 "create money.")


def _round_args(form: RoundForm, challenge, current_grant: int | None) -> dict:
    """The round's settings from the form. The stage grant is money: only the seeker or a broker sets or changes
    it; the chair's form has no grant field, so the round keeps its grant, and a grant sent anyway is refused."""
    grant = form.advance_grant.minor if "advance_grant" in request.form else current_grant
    if grant != current_grant and not can(current_user, "judging.set_grant", challenge):
        raise FieldError(GRANT_REFUSED, "advance_grant")
    return dict(name=form.name.data, strategy=form.strategy.data, k=form.k.data,
                comments_required=form.comments_required.data, threshold_percent=form.threshold_percent.data,
                closes_at=to_utc(form.closes_at.data), advance_grant=grant)


@bp.post("/judging/<slug>/rounds")
@login_required
def add_round(slug: str):
    challenge = challenge_for(slug, "judging.manage_panel")
    form = RoundForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            added = rubric.add_round(challenge, current_user, clock.now(), **_round_args(form, challenge, None))
        if work.done:
            return tx.done(f"Round “{added.name}” is added.", url_for("judging.setup", slug=slug))
    return tx.render_form(TEMPLATE, **pages.setup_page(challenge, round_form=form))


@bp.route("/judging/<slug>/rounds/<id:position>/edit", methods=["GET", "POST"])
@login_required
def edit_round(slug: str, position: int):
    challenge, round_ = round_for(slug, position, "judging.manage_panel")
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    if request.method == "GET":
        form.closes_at.data = to_local(round_.closes_at)
        form.advance_grant.data = format_money(round_.advance_grant, challenge.currency) if round_.advance_grant else ""
    elif form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            rubric.update_round(round_, current_user, clock.now(), **_round_args(form, challenge, round_.advance_grant))
        if work.done:
            return tx.done(f"Round “{round_.name}” is updated.", url_for("judging.setup", slug=slug))
    return tx.render_form("judging/round_edit.html", form, challenge=challenge, round=round_)


@bp.post("/judging/<slug>/rounds/<id:position>/open")
@login_required
def open_round(slug: str, position: int):
    challenge, round_ = round_for(slug, position, "judging.manage_panel")
    form = OpenRoundForm()

    def said(count: int) -> str:
        short = " Some entries have fewer than two judges; your reason is recorded." if round_.panel_override_reason else ""
        if round_.strategy == PAIRWISE:
            return f"Round “{round_.name}” is open: the judges are told to compare its entries in pairs.{short}"
        return f"Round “{round_.name}” is open: {count} score sheets assigned and the judges told.{short}"
    return buttons.pressed(_setup(slug), lambda: assign.open_round(
        round_, current_user, clock.now(), override_reason=form.override_reason.data or ""), said, form=form)


@bp.post("/judging/<slug>/rounds/<id:position>/close")
@login_required
def close_round(slug: str, position: int):
    """Close a round; with score sheets outstanding, first a page saying how many and whose, and a second
    button that names the number (if more sheets arrive meanwhile, the page is shown again with the new one)."""
    challenge, round_ = round_for(slug, position, "judging.chair")
    sheets = pages.outstanding_sheets(round_)
    if round_.state == RoundState.OPEN and sheets.left and request.form.get("outstanding") != str(sheets.left):
        return render_template("judging/close_round.html", challenge=challenge, round=round_, sheets=sheets)
    return buttons.pressed(_setup(slug), lambda: assign.close_round(round_, current_user, clock.now()),
                           f"Round “{round_.name}” is closed; its scores are final.",
                           then=url_for("judging.panel_view", slug=slug, round=position))


@bp.post("/judging/<slug>/rounds/<id:position>/remind")
@login_required
def remind_judges(slug: str, position: int):
    challenge, round_ = round_for(slug, position, "judging.remind")
    return buttons.pressed(_setup(slug), lambda: assign.remind_judges(round_, current_user, clock.now()),
                           lambda n: f"{count(n, 'judge')} {word_for(n, 'was')} reminded of the entries "
                                     "they have left to score.")


@bp.post("/judging/<slug>/settings")
@login_required
def save_settings(slug: str):
    challenge = challenge_for(slug, "judging.manage_panel")
    form = pages.settings_form(challenge, request.form)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            rubric.save_settings(challenge, current_user, clock.now(), feedback_at=to_utc(form.feedback_at.data),
                                 peoples_choice=form.peoples_choice.data, prize_id=form.prize_id.data or None,
                                 vote_opens_at=to_utc(form.vote_opens_at.data),
                                 vote_closes_at=to_utc(form.vote_closes_at.data))
        if work.done:
            return tx.done("The judging dates are saved.", url_for("judging.setup", slug=slug))
    return tx.render_form(TEMPLATE, **pages.setup_page(challenge, settings_form=form))

"""Running a panel: the judging page of a challenge, invitations, the chair, rounds and dates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import panel, rubric
from challenge.judging.blueprint import attach_error, bp, challenge_or_404, done, render_invalid, round_or_404
from challenge.judging.forms import InviteForm, OpenRoundForm, RoundForm, SettingsForm, to_local, to_utc
from challenge.judging.models import Assignment, Conflict, Decision, PanelMember, Round
from challenge.money import format_money
from challenge.permissions import can, ensure
from challenge.platform import tx
from challenge.submissions import cleaning

TEMPLATE = "judging/setup.html"


def _settings_form(challenge, formdata=None) -> SettingsForm:
    settings = rubric.settings_of(challenge)
    form = SettingsForm(formdata=formdata) if formdata is not None else SettingsForm(
        formdata=None, feedback_at=to_local(settings.feedback_at) if settings else None,
        peoples_choice=bool(settings and settings.peoples_choice),
        prize_id=settings.peoples_choice_prize_id if settings else None,
        vote_opens_at=to_local(settings.vote_opens_at) if settings else None,
        vote_closes_at=to_local(settings.vote_closes_at) if settings else None)
    form.prize_id.choices = [(0, "Choose a prize")] + [(p.id, p.name) for p in challenge.prizes]
    return form


def _context(challenge, **forms):
    rounds = rubric.rounds_of(challenge)
    progress = {rid: (done_, total) for rid, done_, total in db.session.execute(
        db.select(Assignment.round_id, db.func.sum(db.case((Assignment.state == "submitted", 1), else_=0)),
                  db.func.count()).join(Round).where(Round.challenge_id == challenge.id).group_by(Assignment.round_id))}
    conflicts = []
    if can(None, "judging.view_conflicts", challenge):
        conflicts = list(db.session.scalars(db.select(Conflict).join(PanelMember).where(
            PanelMember.challenge_id == challenge.id, Conflict.has_conflict.is_(True)).order_by(Conflict.declared_at)))
    return dict(challenge=challenge, rounds=rounds, members=panel.members_of(challenge), progress=progress,
                opening=_before_opening(challenge, rounds),
                invitations=panel.pending_invitations(challenge), conflicts=conflicts,
                settings=rubric.settings_of(challenge), now=clock.now(), decisions=_decisions(challenge),
                invite_form=forms.get("invite_form") or InviteForm(formdata=None),
                round_form=forms.get("round_form") or RoundForm(formdata=None),
                settings_form=forms.get("settings_form") or _settings_form(challenge))


def _before_opening(challenge, rounds) -> dict | None:
    """What the chair should know before the next round opens: entries short of judges (and the files judges
    will receive with their metadata, see submissions/cleaning.py). None when no round is ready to open."""
    if challenge.state != "judging" or not can(None, "judging.manage_panel", challenge):
        return None
    ready = next((r for r in rounds if r.state == "pending"), None)
    if ready is None or any(r.state != "closed" for r in rounds if r.position < ready.position):
        return None
    short_message, short = assign.short_of_judges(ready)
    files = cleaning.uncleaned(assign.round_entries(ready)) if challenge.blind_judging else []
    return dict(round=ready, short_message=short_message, short=short, form=OpenRoundForm(formdata=None),
                may_override=can(None, "judging.override_panel", challenge), uncleaned=files)


def _decisions(challenge) -> list[Decision]:
    return list(db.session.scalars(db.select(Decision).join(Round).where(Decision.challenge_id == challenge.id)
                                   .order_by(Round.position, Decision.kind)))


@bp.get("/judging/<slug>/")
@login_required
def setup(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.view_setup", challenge)
    return render_template(TEMPLATE, **_context(challenge))


@bp.post("/judging/<slug>/invitations")
@login_required
def invite(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.manage_panel", challenge)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            panel.invite(challenge, form.email.data, form.role.data, form.service_user.data, current_user, clock.now())
            return done(f"An invitation is on its way to {form.email.data}.", url_for("judging.setup", slug=slug))
        except rubric.FieldError as exc:
            tx.rollback()
            if not attach_error(form, exc):
                raise
    return render_invalid(TEMPLATE, **_context(challenge, invite_form=form))


@bp.route("/judging/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = panel.find_invitation(token)
    if found is None:
        abort(404)
    if request.method == "POST" and current_user.is_authenticated:
        member = panel.accept(found, current_user, clock.now())
        return done(f"You have joined the panel for “{member.challenge.title}”.",
                    url_for("judging.queue", slug=member.challenge.slug))
    return render_template("judging/invitation.html", invitation=found, token=token, next_url=request.path)


@bp.post("/judging/<slug>/members/<id:member_id>/chair")
@login_required
def make_chair(slug: str, member_id: int):
    challenge = challenge_or_404(slug)
    ensure("judging.manage_panel", challenge)
    member = db.get_or_404(PanelMember, member_id)
    if member.challenge_id != challenge.id:
        abort(404)
    panel.make_chair(member, current_user, clock.now())
    return done(f"{member.user.name} now chairs the panel.", url_for("judging.setup", slug=slug))


@bp.post("/judging/<slug>/members/<id:member_id>/service-user")
@login_required
def toggle_service_user(slug: str, member_id: int):
    challenge = challenge_or_404(slug)
    ensure("judging.manage_panel", challenge)
    member = db.get_or_404(PanelMember, member_id)
    if member.challenge_id != challenge.id:
        abort(404)
    panel.set_service_user(member, not member.service_user, current_user, clock.now())
    label = "a service-user judge" if member.service_user else "an expert judge"
    return done(f"{member.user.name} is now counted as {label}.", url_for("judging.setup", slug=slug))


def _round_for(action: str, slug: str, position: int):
    """The challenge and its round at `position`, or a 404 unless the current user may do `action`."""
    challenge = challenge_or_404(slug)
    ensure(action, challenge)
    return challenge, round_or_404(challenge, position)


GRANT_REFUSED = ("Only the seeker or a broker can set a round's stage grant: a chair may shortlist entries but not "
                 "create money.")


def _round_args(form: RoundForm, challenge, current_grant: int | None) -> dict:
    """The round's settings from the form. The stage grant is money: only the seeker or a broker sets or changes
    it; the chair's form has no grant field, so the round keeps its grant, and a grant sent anyway is refused."""
    grant = form.advance_grant.minor if "advance_grant" in request.form else current_grant
    if grant != current_grant and not can(current_user, "judging.set_grant", challenge):
        raise rubric.FieldError(GRANT_REFUSED, "advance_grant")
    return dict(name=form.name.data, strategy=form.strategy.data, k=form.k.data,
                comments_required=form.comments_required.data, threshold_percent=form.threshold_percent.data,
                closes_at=to_utc(form.closes_at.data), advance_grant=grant)


@bp.post("/judging/<slug>/rounds")
@login_required
def add_round(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.manage_panel", challenge)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            added = rubric.add_round(challenge, current_user, clock.now(), **_round_args(form, challenge, None))
            return done(f"Round “{added.name}” is added.", url_for("judging.setup", slug=slug))
        except rubric.FieldError as exc:
            tx.rollback()
            if not attach_error(form, exc):
                raise
    return render_invalid(TEMPLATE, **_context(challenge, round_form=form))


@bp.route("/judging/<slug>/rounds/<id:position>/edit", methods=["GET", "POST"])
@login_required
def edit_round(slug: str, position: int):
    challenge, round_ = _round_for("judging.manage_panel", slug, position)
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    if request.method == "GET":
        form.closes_at.data = to_local(round_.closes_at)
        form.advance_grant.data = format_money(round_.advance_grant, challenge.currency) if round_.advance_grant else ""
    elif form.validate_on_submit():
        try:
            rubric.update_round(round_, current_user, clock.now(),
                                **_round_args(form, challenge, round_.advance_grant))
            return done(f"Round “{round_.name}” is updated.", url_for("judging.setup", slug=slug))
        except rubric.FieldError as exc:
            tx.rollback()
            if not attach_error(form, exc):
                raise
    status = 400 if form.errors else 200
    return render_template("judging/round_edit.html", challenge=challenge, round=round_, form=form), status


@bp.post("/judging/<slug>/rounds/<id:position>/open")
@login_required
def open_round(slug: str, position: int):
    challenge, round_ = _round_for("judging.manage_panel", slug, position)
    form = OpenRoundForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        count = assign.open_round(round_, current_user, clock.now(), override_reason=form.override_reason.data or "")
    except DomainError as exc:
        tx.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("judging.setup", slug=slug))
    short = " Some entries have fewer than two judges; your reason is recorded." if round_.panel_override_reason else ""
    return done(f"Round “{round_.name}” is open: {count} score sheets assigned and the judges told.{short}",
                url_for("judging.setup", slug=slug))


@bp.post("/judging/<slug>/rounds/<id:position>/close")
@login_required
def close_round(slug: str, position: int):
    challenge, round_ = _round_for("judging.chair", slug, position)
    assign.close_round(round_, current_user, clock.now())
    return done(f"Round “{round_.name}” is closed; its scores are final.",
                url_for("judging.panel_view", slug=slug, round=position))


@bp.post("/judging/<slug>/rounds/<id:position>/remind")
@login_required
def remind_judges(slug: str, position: int):
    challenge, round_ = _round_for("judging.remind", slug, position)
    try:
        reminded = assign.remind_judges(round_, current_user, clock.now())
    except InvalidTransition as exc:
        tx.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("judging.setup", slug=slug))
    return done(f"{reminded} {'judge was' if reminded == 1 else 'judges were'} reminded of the entries they have "
                "left to score.", url_for("judging.setup", slug=slug))


@bp.post("/judging/<slug>/settings")
@login_required
def save_settings(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.manage_panel", challenge)
    form = _settings_form(challenge, request.form)
    if form.validate_on_submit():
        try:
            rubric.save_settings(challenge, current_user, clock.now(), feedback_at=to_utc(form.feedback_at.data),
                                 peoples_choice=form.peoples_choice.data, prize_id=form.prize_id.data or None,
                                 vote_opens_at=to_utc(form.vote_opens_at.data),
                                 vote_closes_at=to_utc(form.vote_closes_at.data))
            return done("The judging dates are saved.", url_for("judging.setup", slug=slug))
        except rubric.FieldError as exc:
            tx.rollback()
            if not attach_error(form, exc):
                raise
    return render_invalid(TEMPLATE, **_context(challenge, settings_form=form))

"""The rubric editor: criteria, scale and presets, while the challenge is a draft."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.states import ChallengeState
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.judging import rubric, social_value
from challenge.judging.blueprint import bp, challenge_for
from challenge.judging.forms import CriterionForm, ScaleForm, SocialValueForm, SocialValueWaiverForm
from challenge.judging.models import Criterion
from challenge.permissions import can
from challenge.platform import tx

TEMPLATE = "judging/rubric.html"


def _context(challenge, form=None, editing=None, **forms):
    criteria = rubric.criteria_of(challenge)
    return dict(challenge=challenge, criteria=criteria, form=form or CriterionForm(formdata=None),
                scale_form=forms.get("scale_form") or ScaleForm(formdata=None,
                                                                 scale=criteria[0].scale if criteria else "0-4"),
                social_form=forms.get("social_form") or SocialValueForm(formdata=None), editing=editing,
                editable=can(None, "judging.edit_rubric", challenge), problems=rubric.rubric_problems(challenge),
                rounds=rubric.rounds_of(challenge), social_shortfall=social_value.shortfall(challenge),
                waiver=social_value.waiver_of(challenge),
                waiver_form=forms.get("waiver_form") or SocialValueWaiverForm(formdata=None),
                may_waive=can(None, "judging.waive_social_value", challenge) and social_value.applies_to(challenge))


def _rubric_challenge(slug: str, editing: bool = True):
    """The challenge whose rubric the user may open (404 otherwise); when `editing`, one it may still change."""
    challenge = challenge_for(slug, "judging.rubric")
    if editing:
        _editable(challenge)
    return challenge


def _editable(challenge) -> None:
    """Refuse with a clear message: the seeker may reach the editor but not change a frozen rubric."""
    if not can(None, "judging.edit_rubric", challenge):
        if challenge.state == ChallengeState.IN_REVIEW:
            raise InvalidTransition("The challenge is in review: only a broker can change its rubric now.")
        raise InvalidTransition("The rubric is frozen: it was published as the basis for choosing the winners.")


def _criterion_or_404(challenge, criterion_id: int) -> Criterion:
    criterion = db.get_or_404(Criterion, criterion_id)
    if criterion.challenge_id != challenge.id:
        abort(404)
    return criterion


@bp.get("/challenges/<slug>/rubric")
@login_required
def rubric_page(slug: str):
    challenge = _rubric_challenge(slug, editing=False)
    if (cid := _int_arg("edit")) is None:
        return render_template(TEMPLATE, **_context(challenge))
    editing = _criterion_or_404(challenge, cid)
    form = CriterionForm(formdata=None, name=editing.name, description=editing.description,
                         weight=editing.weight, scale=editing.scale, social_value=editing.social_value,
                         levels="\n".join(editing.levels or []))
    return render_template(TEMPLATE, **_context(challenge, form, editing))


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _save(challenge, criterion: Criterion | None):
    """Add or change a criterion from the form; the editor again with the refusal when refused."""
    form = CriterionForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            saved = rubric.save_criterion(challenge, current_user, clock.now(), name=form.name.data,
                                          description=form.description.data or "", weight=form.weight.data,
                                          levels=(form.levels.data or "").splitlines(), scale=form.scale.data,
                                          social_value=form.social_value.data, criterion=criterion)
        if work.done:
            return tx.done(f"“{saved.name}” is saved in the rubric.",
                           url_for("judging.rubric_page", slug=challenge.slug))
    return tx.render_form(TEMPLATE, **_context(challenge, form, criterion))


@bp.post("/challenges/<slug>/rubric/criteria")
@login_required
def add_criterion(slug: str):
    return _save(_rubric_challenge(slug), None)


@bp.post("/challenges/<slug>/rubric/criteria/<id:criterion_id>")
@login_required
def edit_criterion(slug: str, criterion_id: int):
    challenge = _rubric_challenge(slug, editing=False)
    criterion = _criterion_or_404(challenge, criterion_id)
    _editable(challenge)
    return _save(challenge, criterion)


@bp.post("/challenges/<slug>/rubric/criteria/<id:criterion_id>/delete")
@login_required
def delete_criterion(slug: str, criterion_id: int):
    challenge = _rubric_challenge(slug)
    criterion = _criterion_or_404(challenge, criterion_id)
    name = criterion.name
    with tx.unit_of_work():
        rubric.delete_criterion(criterion, current_user, clock.now())
    return tx.done(f"“{name}” is removed from the rubric.", url_for("judging.rubric_page", slug=slug))


@bp.post("/challenges/<slug>/rubric/scale")
@login_required
def set_scale(slug: str):
    challenge = _rubric_challenge(slug)
    form = ScaleForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            rubric.set_scale(challenge, form.scale.data, current_user, clock.now())
        if work.done:
            return tx.done("Every criterion now uses the new scale.", url_for("judging.rubric_page", slug=slug))
    return tx.render_form(TEMPLATE, **_context(challenge, scale_form=form))


@bp.post("/challenges/<slug>/rubric/presets/sbri")
@login_required
def preset_sbri(slug: str):
    challenge = _rubric_challenge(slug)
    with tx.unit_of_work():
        added = rubric.apply_sbri_preset(challenge, current_user, clock.now())
    return tx.done(f"Added {len(added)} criteria from the SBRI-style preset.", url_for("judging.rubric_page", slug=slug))


@bp.post("/challenges/<slug>/rubric/presets/social-value")
@login_required
def preset_social_value(slug: str):
    challenge = _rubric_challenge(slug)
    form = SocialValueForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            criterion = rubric.add_social_value(challenge, form.theme.data, current_user, clock.now())
        if work.done:
            return tx.done(f"Added “{criterion.name}” at {criterion.weight} weight.",
                           url_for("judging.rubric_page", slug=slug))
    return tx.render_form(TEMPLATE, **_context(challenge, social_form=form))


@bp.post("/challenges/<slug>/rubric/social-value/waiver")
@login_required
def waive_social_value(slug: str):
    challenge = _rubric_challenge(slug)
    form = SocialValueWaiverForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            social_value.waive(challenge, form.reason.data, current_user, clock.now())
        if work.done:
            return tx.done("The social value rule is waived for this challenge; the reason is recorded.",
                           url_for("judging.rubric_page", slug=slug))
    return tx.render_form(TEMPLATE, **_context(challenge, waiver_form=form))


@bp.post("/challenges/<slug>/rubric/social-value/waiver/withdraw")
@login_required
def restore_social_value(slug: str):
    challenge = _rubric_challenge(slug)
    with tx.unit_of_work():
        social_value.restore(challenge, current_user, clock.now())
    return tx.done("The social value rule applies to this challenge again.", url_for("judging.rubric_page", slug=slug))

"""The rubric editor: criteria, scale and presets, while the challenge is a draft."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.judging import peoples, rubric, scoring
from challenge.judging.blueprint import attach_error, bp, challenge_or_404, done, render_invalid
from challenge.judging.forms import CriterionForm, ScaleForm, SocialValueForm
from challenge.judging.models import Criterion
from challenge.permissions import can, ensure
from challenge.submissions.models import Submission, TeamMember
from challenge.platform import tx
from challenge.platform.pagecache import keep_until

TEMPLATE = "judging/rubric.html"


def _context(challenge, form=None, editing=None):
    criteria = rubric.criteria_of(challenge)
    return dict(challenge=challenge, criteria=criteria, form=form or CriterionForm(formdata=None),
                scale_form=ScaleForm(formdata=None, scale=criteria[0].scale if criteria else "0-4"),
                social_form=SocialValueForm(formdata=None), editing=editing,
                editable=can(None, "judging.edit_rubric", challenge), problems=rubric.rubric_problems(challenge),
                rounds=rubric.rounds_of(challenge))


def _editable(challenge) -> None:
    """Refuse with a clear message: the seeker may reach the editor but not change a frozen rubric."""
    if not can(None, "judging.edit_rubric", challenge):
        if challenge.state == "in_review":
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
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    editing = None
    if (cid := _int_arg("edit")) is not None:
        editing = _criterion_or_404(challenge, cid)
        form = CriterionForm(formdata=None, name=editing.name, description=editing.description,
                             weight=editing.weight, scale=editing.scale, social_value=editing.social_value,
                             levels="\n".join(editing.levels or []))
        return render_template(TEMPLATE, **_context(challenge, form, editing))
    return render_template(TEMPLATE, **_context(challenge))


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _save(challenge, form: CriterionForm, criterion: Criterion | None):
    _editable(challenge)
    if not form.validate_on_submit():
        return render_invalid(TEMPLATE, **_context(challenge, form, criterion))
    try:
        saved = rubric.save_criterion(challenge, current_user, clock.now(), name=form.name.data,
                                      description=form.description.data or "", weight=form.weight.data,
                                      levels=(form.levels.data or "").splitlines(), scale=form.scale.data,
                                      social_value=form.social_value.data, criterion=criterion)
    except rubric.FieldError as exc:
        tx.rollback()
        if not attach_error(form, exc):
            raise
        return render_invalid(TEMPLATE, **_context(challenge, form, criterion))
    return done(f"“{saved.name}” is saved in the rubric.", url_for("judging.rubric_page", slug=challenge.slug))


@bp.post("/challenges/<slug>/rubric/criteria")
@login_required
def add_criterion(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    return _save(challenge, CriterionForm(), None)


@bp.post("/challenges/<slug>/rubric/criteria/<id:criterion_id>")
@login_required
def edit_criterion(slug: str, criterion_id: int):
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    return _save(challenge, CriterionForm(), _criterion_or_404(challenge, criterion_id))


@bp.post("/challenges/<slug>/rubric/criteria/<id:criterion_id>/delete")
@login_required
def delete_criterion(slug: str, criterion_id: int):
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    _editable(challenge)
    criterion = _criterion_or_404(challenge, criterion_id)
    name = criterion.name
    rubric.delete_criterion(criterion, current_user, clock.now())
    return done(f"“{name}” is removed from the rubric.", url_for("judging.rubric_page", slug=slug))


@bp.post("/challenges/<slug>/rubric/scale")
@login_required
def set_scale(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    _editable(challenge)
    form = ScaleForm()
    if not form.validate_on_submit():
        return render_invalid(TEMPLATE, **{**_context(challenge), "scale_form": form})
    rubric.set_scale(challenge, form.scale.data, current_user, clock.now())
    return done("Every criterion now uses the new scale.", url_for("judging.rubric_page", slug=slug))


@bp.post("/challenges/<slug>/rubric/presets/sbri")
@login_required
def preset_sbri(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    _editable(challenge)
    added = rubric.apply_sbri_preset(challenge, current_user, clock.now())
    return done(f"Added {len(added)} criteria from the SBRI-style preset.", url_for("judging.rubric_page", slug=slug))


@bp.post("/challenges/<slug>/rubric/presets/social-value")
@login_required
def preset_social_value(slug: str):
    challenge = challenge_or_404(slug)
    ensure("judging.rubric", challenge)
    _editable(challenge)
    form = SocialValueForm()
    if not form.validate_on_submit():
        context = _context(challenge)
        context["social_form"] = form
        return render_invalid(TEMPLATE, **context)
    criterion = rubric.add_social_value(challenge, form.theme.data, current_user, clock.now())
    return done(f"Added “{criterion.name}” at {criterion.weight} weight.", url_for("judging.rubric_page", slug=slug))


@bp.app_template_global("judging_rubric")
def challenge_rubric(challenge) -> dict:
    """What the challenge page shows about judging (templates/judging/_challenge_rubric.html)."""
    criteria = rubric.criteria_of(challenge)
    settings = rubric.settings_of(challenge)
    if settings is not None:
        keep_until(settings.vote_opens_at, settings.vote_closes_at)
    return dict(criteria=criteria, rounds=rubric.rounds_of(challenge), settings=settings,
                percent={c.id: rubric.weight_percent(c, criteria) for c in criteria},
                tie_break=scoring.TIE_BREAK_RULE, vote=peoples.window(settings, clock.now()),
                can_edit=can(None, "judging.edit_rubric", challenge),
                can_manage=can(None, "judging.view_setup", challenge),
                on_panel=can(None, "judging.queue", challenge), my_feedback=_my_feedback(challenge))


def _my_feedback(challenge):
    """The signed-in creator's entry whose feedback is ready, if any: the challenge page links to it."""
    if not current_user.is_authenticated or challenge.state not in ("decided", "completed"):
        return None
    entry = db.session.scalar(db.select(Submission).outerjoin(TeamMember).where(
        Submission.challenge_id == challenge.id, (Submission.owner_id == current_user.id)
        | (TeamMember.user_id == current_user.id)).limit(1))
    return entry if entry is not None and can(None, "judging.feedback", entry) else None

"""Drafting a challenge: create and edit (drafts only)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts.services import organisations_of
from challenge.challenges import services
from challenge.challenges.blueprint import bp
from challenge.challenges.forms import ChallengeForm
from challenge.challenges.lookup import challenge_or_404
from challenge.errors import InvalidTransition
from challenge.permissions import can, ensure
from challenge.platform import tx


@bp.route("/challenges/new", methods=["GET", "POST"])
@login_required
def new():
    orgs = organisations_of(current_user)
    form = ChallengeForm()
    form.organisation.choices = [(str(o.id), o.name) for o in orgs]
    if orgs and form.validate_on_submit():
        org = next(o for o in orgs if str(o.id) == form.organisation.data)
        ensure("challenge.create", org)
        with tx.unit_of_work(form) as work:
            challenge = services.create(org, form.draft(), current_user, clock.now())
        if work.done:
            return tx.done("Your draft is saved. Send it for review when it is ready.",
                           url_for("challenges.show", slug=challenge.slug))
    return tx.render_form("challenges/form.html", form, challenge=None, organisations=orgs)


@bp.route("/challenges/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    challenge = challenge_or_404(slug, "challenge.manage")
    if not can(current_user, "challenge.edit", challenge):
        raise InvalidTransition("Only a draft can be edited. Once a challenge is sent for review its text is what "
                                "the broker approves; once published it is frozen: post an update instead.")
    form = ChallengeForm()
    del form.organisation
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.revise(challenge, form.draft(), current_user, clock.now())
        if work.done:
            return tx.done("Your changes are saved.", url_for("challenges.show", slug=challenge.slug))
    elif not form.is_submitted():
        form.fill_from(challenge)
    return tx.render_form("challenges/form.html", form, challenge=challenge)

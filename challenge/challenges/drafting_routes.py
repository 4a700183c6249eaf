"""Drafting a challenge: create and edit (drafts only)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts.models import Organisation
from challenge.accounts.services import organisations_of
from challenge.challenges import services
from challenge.challenges.blueprint import attach_error, bp, load
from challenge.challenges.forms import ChallengeForm
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.permissions import can, ensure
from challenge.platform import tx


@bp.route("/challenges/new", methods=["GET", "POST"])
@login_required
def new():
    orgs = organisations_of(current_user)
    form = ChallengeForm()
    form.organisation.choices = [(str(o.id), o.name) for o in orgs]
    if orgs and form.validate_on_submit():
        org = db.session.get(Organisation, int(form.organisation.data))
        ensure("challenge.create", org)
        try:
            challenge = services.create(org, form.draft(), current_user, clock.now())
        except services.ChallengeError as exc:
            attach_error(form, exc)
        else:
            tx.commit()
            flash("Your draft is saved. Send it for review when it is ready.", "success")
            return redirect(url_for("challenges.show", slug=challenge.slug))
    return render_template("challenges/form.html", form=form, challenge=None, organisations=orgs)


@bp.route("/challenges/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    challenge = load(slug, "challenge.manage")
    if not can(current_user, "challenge.edit", challenge):
        raise InvalidTransition("Only a draft can be edited. Once a challenge is sent for review its text is what "
                                "the broker approves; once published it is frozen: post an update instead.")
    form = ChallengeForm()
    del form.organisation
    if form.validate_on_submit():
        try:
            services.revise(challenge, form.draft(), current_user, clock.now())
        except services.ChallengeError as exc:
            attach_error(form, exc)
        else:
            tx.commit()
            flash("Your changes are saved.", "success")
            return redirect(url_for("challenges.show", slug=challenge.slug))
    elif not form.is_submitted():
        form.fill_from(challenge)
    return render_template("challenges/form.html", form=form, challenge=challenge)

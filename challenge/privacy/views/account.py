"""Your data, from your account page: download everything held about you, delete your account, and
choose the email you take."""
from __future__ import annotations

import io

from flask import send_file, url_for
from flask_login import current_user, login_required, logout_user

from challenge import clock
from challenge.platform import tx
from challenge.privacy import consent, erasure, export, pages
from challenge.privacy.blueprint import bp
from challenge.privacy.forms import ButtonForm, DeleteAccountForm, EmailPreferencesForm


def zip_answer(data: bytes, person, now):
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=export.filename(person, now))


@bp.get("/account/your-data")
@login_required
def your_data():
    page = pages.your_data(current_user)
    return tx.render_form("privacy/your_data.html", EmailPreferencesForm(optional_email=page.optional_email),
                          page=page, download=ButtonForm())


@bp.post("/account/your-data.zip")
@login_required
def download():
    form = ButtonForm()
    if form.validate_on_submit():
        now = clock.now()
        with tx.unit_of_work(form) as work:
            data = export.export_for(current_user, current_user, now)
        if work.done:
            return zip_answer(data, current_user, now)
    return tx.done("Your download did not start: please try again.", url_for("privacy.your_data"), "danger")


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            erasure.erase(current_user, current_user, clock.now(), password=form.password.data)
        if work.done:
            logout_user()
            return tx.done("Your account has been deleted. What the law makes us keep (the prize money's books) "
                           "now names a pseudonym, not you.", url_for("challenges.catalogue"))
    return tx.render_form("privacy/delete_account.html", form, page=pages.your_data(current_user))


@bp.post("/account/email-preferences")
@login_required
def email_preferences():
    form = EmailPreferencesForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            consent.set_optional_email(current_user, form.optional_email.data, current_user, clock.now())
        if work.done:
            return tx.done("Your email preferences have been saved.", url_for("privacy.your_data"))
    return tx.done("Your email preferences were not saved: please try again.", url_for("privacy.your_data"),
                   "danger")

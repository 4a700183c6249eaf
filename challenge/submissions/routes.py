"""Entering a solution: start or continue a draft, edit, submit, withdraw, files, disqualify."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.accounts.models import Membership, Organisation
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.submissions import services, storage, team
from challenge.submissions.blueprint import bp
from challenge.submissions.forms import (
    AttachmentForm, ConfirmForm, DisqualifyForm, SubmissionForm, SubmitForm, WithdrawForm,
)
from challenge.submissions import team_routes  # noqa: F401  (registers the invitee's views)
from challenge.submissions.lists import load_challenge  # importing lists also registers its views
from challenge.submissions.models import Attachment, Submission

__all__ = ["bp", "render_show"]


# --- loading and rendering ------------------------------------------------------------------------

def _load(ref: str, action: str = "submission.view") -> Submission:
    sub = services.by_reference(ref)
    if sub is None:
        abort(404)
    ensure(action, sub)
    return sub


def _attachment(sub: Submission, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != sub.id:
        abort(404)
    return attachment


def _submission_form(sub: Submission | None = None) -> SubmissionForm:
    data = None
    if sub is not None and request.method == "GET":
        data = {"title": sub.title, "summary": sub.summary, "description": sub.description,
                "organisation": sub.organisation_id or 0, "team": "\n".join(team.addresses(sub))}
    form = SubmissionForm(data=data)
    form.offer_organisations(db.session.scalars(
        db.select(Organisation).join(Membership).where(Membership.user_id == current_user.id)
        .order_by(Organisation.name)))
    return form


def _fields(form: SubmissionForm) -> dict:
    return {"title": form.title.data or "", "summary": form.summary.data or "",
            "description": form.description.data or "", "organisation_id": form.organisation.data or None,
            "team_emails": form.team.data or ""}


def _show_errors(form, exc: services.SubmissionError) -> None:
    for name, message in exc.errors.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, message]


def render_show(sub: Submission, problems: dict | None = None, **forms):
    forms.setdefault("submit_form", SubmitForm())
    forms.setdefault("upload_form", AttachmentForm())
    forms.setdefault("disqualify_form", DisqualifyForm())
    has_errors = any(f.errors for f in forms.values()) or bool(problems)
    return render_template("submissions/show.html", submission=sub, challenge=sub.challenge, problems=problems,
                           confirm_form=ConfirmForm(), has_errors=has_errors, now=clock.now(),
                           invitations=team.pending(sub), **forms)


def _to(sub: Submission, anchor: str | None = None):
    return redirect(url_for("submissions.show", ref=sub.reference, _anchor=anchor))


# --- the views ------------------------------------------------------------------------------------

@bp.route("/challenges/<slug>/submit", methods=["GET", "POST"])
@login_required
def start(slug: str):
    challenge = load_challenge(slug)
    existing = services.active_for(challenge, current_user)
    if existing is not None:
        flash(f"You already have a submission to this challenge: {existing.reference}.", "info")
        return _to(existing)
    services.ensure_can_start(challenge, current_user, clock.now())
    form = _submission_form()
    if form.validate_on_submit():
        try:
            sub = services.start_draft(challenge, current_user, clock.now(), **_fields(form))
            tx.commit()
        except services.SubmissionError as exc:
            _show_errors(form, exc)
        except (services.AlreadyEntered, IntegrityError):
            tx.rollback()  # a second click raced the first: show the draft the first one made
            return _to(services.active_for(challenge, current_user) or abort(409))
        else:
            flash(f"Your draft is saved. Its reference is {sub.reference}. Add files, then submit it "
                  "before the deadline.", "success")
            return _to(sub)
    return render_template("submissions/form.html", form=form, challenge=challenge, submission=None)


@bp.get("/submissions/<ref>")
def show(ref: str):
    return render_show(_load(ref))


@bp.route("/submissions/<ref>/edit", methods=["GET", "POST"])
@login_required
def edit(ref: str):
    sub = _load(ref)
    services.ensure_changeable(sub, current_user, clock.now())
    form = _submission_form(sub)
    if form.validate_on_submit():
        try:
            services.update(sub, current_user, clock.now(), **_fields(form))
        except services.SubmissionError as exc:
            _show_errors(form, exc)
        else:
            tx.commit()
            flash("Your changes are saved.", "success")
            return _to(sub)
    return render_template("submissions/form.html", form=form, challenge=sub.challenge, submission=sub)


@bp.post("/submissions/<ref>/submit")
@login_required
def submit(ref: str):
    sub = _load(ref)
    form = SubmitForm()
    if not form.validate_on_submit():
        return render_show(sub, submit_form=form)
    try:
        services.submit(sub, current_user, clock.now(), eligibility_confirmed=bool(form.eligibility_confirmed.data),
                        terms_accepted=bool(form.terms_accepted.data))
    except services.AlreadySubmitted as exc:
        flash(exc.message, "info")
        return _to(sub)
    except services.SubmissionError as exc:
        _show_errors(form, exc)
        return render_show(sub, submit_form=form, problems=exc.errors)
    tx.commit()
    flash(f"Your solution is submitted. Reference {sub.reference}; a receipt is on its way to "
          f"{sub.owner.email}. You can still change it until the challenge closes.", "success")
    return _to(sub)


@bp.route("/submissions/<ref>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(ref: str):
    sub = _load(ref)
    services.ensure_changeable(sub, current_user, clock.now())
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(sub, current_user, clock.now(), reason=form.reason.data or "")
        tx.commit()
        flash(f"{sub.reference} is withdrawn. You can start a new submission while the challenge is open.",
              "success")
        return _to(sub)
    return render_template("submissions/withdraw.html", form=form, submission=sub, challenge=sub.challenge)


@bp.post("/submissions/<ref>/attachments")
@login_required
def upload(ref: str):
    sub = _load(ref)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attachment = services.add_attachment(sub, form.file.data.stream, form.file.data.filename or "",
                                                 current_user, clock.now())
        except storage.UploadTooLarge:
            abort(413)
        except (services.SubmissionError, storage.UploadRefused) as exc:
            form.file.errors = [*form.file.errors, exc.message]
        else:
            tx.commit()
            flash(f"{attachment.original_name} is attached.", "success")
            return _to(sub, "attachments")
    return render_show(sub, upload_form=form)


@bp.post("/submissions/<ref>/attachments/<id:attachment_id>/delete")
@login_required
def remove_attachment(ref: str, attachment_id: int):
    sub = _load(ref)
    attachment = _attachment(sub, attachment_id)
    if ConfirmForm().validate_on_submit():
        services.remove_attachment(sub, attachment, current_user, clock.now())
        tx.commit()
        flash(f"{attachment.original_name} is removed.", "success")
    return _to(sub, "attachments")


@bp.get("/submissions/<ref>/attachments/<id:attachment_id>")
def download(ref: str, attachment_id: int):
    sub = _load(ref, "submission.download")
    attachment = _attachment(sub, attachment_id)
    path = storage.path_of(attachment.stored_name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/submissions/<ref>/disqualify")
@login_required
def disqualify(ref: str):
    sub = _load(ref)
    form = DisqualifyForm()
    if form.validate_on_submit():
        try:
            money = services.disqualify(sub, current_user, clock.now(), reason=form.reason.data)
        except InvalidTransition as exc:  # already disqualified (a double click), or a payout being paid now
            tx.rollback()
            flash(exc.message, "error")
            return _to(sub)
        tx.commit()
        flash(" ".join([f"{sub.reference} is disqualified. Its team has been told why.", *money]), "success")
        return _to(sub)
    return render_show(sub, disqualify_form=form)

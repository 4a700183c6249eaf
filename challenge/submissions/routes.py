"""Entering a solution: start or continue a draft, edit, submit, withdraw, files, disqualify."""
from __future__ import annotations

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.accounts.models import Membership, Organisation
from challenge.errors import FieldError, InvalidTransition
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


def render_show(sub: Submission, **forms):
    """The submission's page with its forms; a refused one (submit, upload, disqualify) shows its messages."""
    forms.setdefault("submit_form", SubmitForm())
    forms.setdefault("upload_form", AttachmentForm())
    forms.setdefault("disqualify_form", DisqualifyForm())
    refusal = getattr(forms["submit_form"], "refusal", None)  # what is missing, linked to where it is filled in
    problems = refusal.messages if isinstance(refusal, FieldError) else None
    has_errors = any(f.errors for f in forms.values())
    return tx.render_form("submissions/show.html", submission=sub, challenge=sub.challenge, problems=problems,
                          confirm_form=ConfirmForm(), has_errors=has_errors, now=clock.now(),
                          invitations=team.pending(sub), **forms)


def _to(sub: Submission, anchor: str | None = None):
    return redirect(url_for("submissions.show", ref=sub.reference, _anchor=anchor))


def _to_own_entry(challenge):
    """After a second click raced the first: the draft the first one made."""
    return _to(services.active_for(challenge, current_user) or abort(409))


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
            with tx.unit_of_work(form) as work:
                sub = services.start_draft(challenge, current_user, clock.now(), **_fields(form))
        except IntegrityError:  # a second click raced the first past the unique index (rolled back)
            return _to_own_entry(challenge)
        if isinstance(work.refused, services.AlreadyEntered):
            return _to_own_entry(challenge)
        if work.done:
            return tx.done(f"Your draft is saved. Its reference is {sub.reference}. Add files, then submit it "
                           "before the deadline.", url_for("submissions.show", ref=sub.reference))
    return tx.render_form("submissions/form.html", form, challenge=challenge, submission=None)


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
        with tx.unit_of_work(form) as work:
            services.update(sub, current_user, clock.now(), **_fields(form))
        if work.done:
            return tx.done("Your changes are saved.", url_for("submissions.show", ref=sub.reference))
    return tx.render_form("submissions/form.html", form, challenge=sub.challenge, submission=sub)


@bp.post("/submissions/<ref>/submit")
@login_required
def submit(ref: str):
    sub = _load(ref)
    form = SubmitForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.submit(sub, current_user, clock.now(), eligibility_confirmed=bool(form.eligibility_confirmed.data),
                            terms_accepted=bool(form.terms_accepted.data))
        if isinstance(work.refused, services.AlreadySubmitted):  # a double click: the first one submitted it
            return tx.done(work.refused.message, url_for("submissions.show", ref=sub.reference), "info")
        if work.done:
            return tx.done(f"Your solution is submitted. Reference {sub.reference}; a receipt is on its way to "
                           f"{sub.owner.email}. You can still change it until the challenge closes.",
                           url_for("submissions.show", ref=sub.reference))
    return render_show(sub, submit_form=form)


@bp.route("/submissions/<ref>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(ref: str):
    sub = _load(ref)
    services.ensure_changeable(sub, current_user, clock.now())
    form = WithdrawForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.withdraw(sub, current_user, clock.now(), reason=form.reason.data or "")
        if work.done:
            return tx.done(f"{sub.reference} is withdrawn. You can start a new submission while the challenge "
                           "is open.", url_for("submissions.show", ref=sub.reference))
    return tx.render_form("submissions/withdraw.html", form, submission=sub, challenge=sub.challenge)


@bp.post("/submissions/<ref>/attachments")
@login_required
def upload(ref: str):
    sub = _load(ref)
    form = AttachmentForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            attachment = services.add_attachment(sub, form.file.data.stream, form.file.data.filename or "",
                                                 current_user, clock.now())
        if isinstance(work.refused, storage.UploadTooLarge):
            abort(413)  # the 413 page states the limits
        if work.done:
            return tx.done(f"{attachment.original_name} is attached.",
                           url_for("submissions.show", ref=sub.reference, _anchor="attachments"))
    return render_show(sub, upload_form=form)


@bp.post("/submissions/<ref>/attachments/<id:attachment_id>/delete")
@login_required
def remove_attachment(ref: str, attachment_id: int):
    sub = _load(ref)
    attachment = _attachment(sub, attachment_id)
    if ConfirmForm().validate_on_submit():
        with tx.unit_of_work():
            services.remove_attachment(sub, attachment, current_user, clock.now())
        return tx.done(f"{attachment.original_name} is removed.",
                       url_for("submissions.show", ref=sub.reference, _anchor="attachments"))
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
        with tx.unit_of_work(form) as work:
            money = services.disqualify(sub, current_user, clock.now(), reason=form.reason.data)
        if isinstance(work.refused, InvalidTransition):  # already disqualified (a double click), or a payout
            return tx.done(work.refused.message, url_for("submissions.show", ref=sub.reference), "error")
        if work.done:
            return tx.done(" ".join([f"{sub.reference} is disqualified. Its team has been told why.", *money]),
                           url_for("submissions.show", ref=sub.reference))
    return render_show(sub, disqualify_form=form)

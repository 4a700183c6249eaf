"""A submission's files: upload (checked, see storage.py), remove, download."""
from __future__ import annotations

from flask import abort, redirect
from flask_login import current_user, login_required

from challenge import clock
from challenge.platform import tx
from challenge.submissions import services, storage
from challenge.submissions.blueprint import attachment_or_404, bp, submission_or_404
from challenge.submissions.forms import AttachmentForm, ConfirmForm
from challenge.submissions.pages import render_show, show_url


@bp.post("/submissions/<ref>/attachments")
@login_required
def upload(ref: str):
    sub = submission_or_404(ref)
    form = AttachmentForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            attachment = services.add_attachment(sub, form.file.data.stream, form.file.data.filename or "",
                                                 current_user, clock.now())
        if isinstance(work.refused, storage.UploadTooLarge):
            abort(413)  # the 413 page states the limits
        if work.done:
            return tx.done(f"{attachment.original_name} is attached.", show_url(sub, "attachments"))
    return render_show(sub, upload_form=form)


@bp.post("/submissions/<ref>/attachments/<id:attachment_id>/delete")
@login_required
def remove_attachment(ref: str, attachment_id: int):
    sub = submission_or_404(ref)
    attachment = attachment_or_404(sub, attachment_id)
    if ConfirmForm().validate_on_submit():
        with tx.unit_of_work():
            services.remove_attachment(sub, attachment, current_user, clock.now())
        return tx.done(f"{attachment.original_name} is removed.", show_url(sub, "attachments"))
    return redirect(show_url(sub, "attachments"))


@bp.get("/submissions/<ref>/attachments/<id:attachment_id>")
def download(ref: str, attachment_id: int):
    sub = submission_or_404(ref, "submission.download")
    attachment = attachment_or_404(sub, attachment_id)
    return storage.send(attachment.stored_name, attachment.content_type, attachment.original_name)

"""A file given as the answer to an entry question: downloaded by whoever may download the entry's files."""
from __future__ import annotations

from flask import abort, send_file

from challenge.submissions import answers, storage
from challenge.submissions.blueprint import bp, submission_or_404


@bp.get("/submissions/<ref>/answers/<id:question_id>")
def answer_file(ref: str, question_id: int):
    sub = submission_or_404(ref, "submission.download")
    answer = answers.answer_file(sub, question_id)
    path = storage.path_of(answer.stored_name) if answer else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype=answer.content_type, as_attachment=True,
                         download_name=answer.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response

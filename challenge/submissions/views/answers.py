"""A file given as the answer to an entry question: downloaded by whoever may download the entry's files."""
from __future__ import annotations

from flask import abort

from challenge.submissions import answers, storage
from challenge.submissions.blueprint import bp, submission_or_404


@bp.get("/submissions/<ref>/answers/<id:question_id>")
def answer_file(ref: str, question_id: int):
    sub = submission_or_404(ref, "submission.download")
    answer = answers.answer_file(sub, question_id)
    if answer is None:
        abort(404)
    return storage.send(answer.stored_name, answer.content_type, answer.original_name)

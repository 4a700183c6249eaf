"""Lists of submissions: mine, a challenge's (table and CSV), everything (brokers)."""
from __future__ import annotations

import io

from flask import Response, render_template, request
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.dates import local
from challenge.extensions import db
from challenge.permissions import ensure
from challenge.platform import csvsafe
from challenge.platform.links import site_link
from challenge.submissions import answers, pages, queries
from challenge.submissions.blueprint import bp
from challenge.submissions.models import Submission

HEADER = ["Reference", "Title", "State", "Submitted at", "Owner", "Owner email", "Organisation", "Team",
          "Attachments", "Summary", "Link"]


def _state_arg() -> str | None:
    return request.args.get("state", "")[:20] or None


@bp.get("/my/submissions")
@login_required
def mine():
    submissions, now = queries.mine(current_user), clock.now()
    return render_template("submissions/mine.html", submissions=submissions, outcomes=pages.outcomes(submissions),
                           feedback=pages.feedback_open(current_user, submissions, now), now=now)


@bp.get("/challenges/<slug>/submissions")
def for_challenge(slug: str):
    challenge = challenge_or_404(slug, "challenge.view_submissions")
    counts = queries.count_by_state(challenge, current_user)
    page = queries.challenge_page(challenge, current_user, _state_arg(), counts)
    return render_template("submissions/challenge_list.html", challenge=challenge, page=page, counts=counts,
                           state=_state_arg(), now=clock.now())


@bp.get("/challenges/<slug>/submissions.csv")
def challenge_csv(slug: str):
    challenge = challenge_or_404(slug, "challenge.view_submissions")
    rows = db.session.scalars(queries.for_challenge(challenge, current_user, _state_arg())).all()
    return _csv(rows, f"{challenge.slug}-submissions.csv", answers.questions_for(challenge))


@bp.get("/submissions")
def everything():
    ensure("submission.list_all")
    page = queries.everything_page(_state_arg())
    return render_template("submissions/all.html", page=page, state=_state_arg(),
                           states=queries.STATE_CHOICES, now=clock.now())


def _csv(rows: list[Submission], filename: str, questions=()) -> Response:
    """The entries, one column per entry question after the fixed ones (every answer: the seekers read it
    after the close, when the entrants' names are theirs to see)."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(HEADER + [q.label for q in questions])
    answered = answers.table(rows, list(questions))
    for s in rows:
        writer.writerow((
            s.reference, s.title, s.state, local(s.submitted_at).isoformat() if s.submitted_at else "",
            s.owner.name, s.owner.email, s.organisation.name if s.organisation else "",
            "; ".join(m.user.name for m in s.team), len(s.attachments), s.summary,
            site_link("submissions.show", ref=s.reference), *answered[s.id],
        ))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})

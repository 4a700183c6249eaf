"""Lists of submissions: mine, a challenge's (table and CSV), everything (brokers); and the helpers the
challenge page's action panel uses."""
from __future__ import annotations

import io

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from challenge import clock
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.dates import local
from challenge.permissions import ensure
from challenge.platform import csvsafe
from challenge.platform.hygiene import page_arg
from challenge.submissions import queries, services
from challenge.submissions.blueprint import bp
from challenge.submissions.models import ACTIVE_STATES, Submission, TeamMember



def load_challenge(slug: str, *actions: str) -> Challenge:
    """The challenge with this slug, or a 404 unless the current user may do each of `actions` to it."""
    if "\x00" in slug or len(slug) > 220:
        abort(404)
    challenge = db.first_or_404(db.select(Challenge).where(Challenge.slug == slug))
    for action in ("challenge.view", *actions):
        ensure(action, challenge)
    return challenge


def _state_arg() -> str | None:
    return request.args.get("state", "")[:20] or None


@bp.get("/my/submissions")
@login_required
def mine():
    submissions = db.session.scalars(queries.mine(current_user)).all()
    return render_template("submissions/mine.html", submissions=submissions, now=clock.now())


@bp.get("/challenges/<slug>/submissions")
def for_challenge(slug: str):
    challenge = load_challenge(slug, "challenge.view_submissions")
    page = db.paginate(queries.for_challenge(challenge, current_user, _state_arg()), page=page_arg(),
                       per_page=current_app.config["TABLE_PER_PAGE"], error_out=False)
    return render_template("submissions/challenge_list.html", challenge=challenge, page=page,
                           counts=queries.count_by_state(challenge, current_user), state=_state_arg(),
                           now=clock.now())


@bp.get("/challenges/<slug>/submissions.csv")
def challenge_csv(slug: str):
    challenge = load_challenge(slug, "challenge.view_submissions")
    rows = db.session.scalars(queries.for_challenge(challenge, current_user, _state_arg())).all()
    return _csv(rows, f"{challenge.slug}-submissions.csv")


@bp.get("/submissions")
def everything():
    ensure("submission.list_all")
    page = db.paginate(queries.everything(_state_arg()), page=page_arg(), per_page=current_app.config["TABLE_PER_PAGE"], error_out=False)
    return render_template("submissions/all.html", page=page, state=_state_arg(),
                           states=queries.STATE_CHOICES, now=clock.now())


# --- CSV ------------------------------------------------------------------------------------------

HEADER = ["Reference", "Title", "State", "Submitted at", "Owner", "Owner email", "Organisation", "Team",
          "Attachments", "Summary", "Link"]


def _csv(rows: list[Submission], filename: str) -> Response:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(HEADER)
    site = current_app.config["SITE_URL"].rstrip("/")
    for s in rows:
        writer.writerow((
            s.reference, s.title, s.state, local(s.submitted_at).isoformat() if s.submitted_at else "",
            s.owner.name, s.owner.email, s.organisation.name if s.organisation else "",
            "; ".join(m.user.name for m in s.team), len(s.attachments), s.summary,
            site + url_for("submissions.show", ref=s.reference),
        ))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


# --- for the challenge page's panel (templates/submissions/_challenge_actions.html) ----------------

@bp.app_template_global()
def submission_of(challenge: Challenge) -> Submission | None:
    """The signed-in user's active entry to the challenge, or the one they are in the team of."""
    if not current_user.is_authenticated:
        return None
    team_of = db.select(TeamMember.submission_id).where(TeamMember.user_id == current_user.id)
    return db.session.scalar(
        db.select(Submission).where(
            Submission.challenge_id == challenge.id, Submission.state.in_(ACTIVE_STATES),
            (Submission.owner_id == current_user.id) | Submission.id.in_(team_of))
        .order_by((Submission.owner_id == current_user.id).desc()).limit(1))


@bp.app_template_global()
def submission_count(challenge: Challenge) -> int:
    """How many entries the current user would see in the challenge's list."""
    return sum(queries.count_by_state(challenge, current_user).values())


@bp.app_template_filter("stamp")
def _stamp(dt) -> str:
    return services.stamp(dt) if dt else ""


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """`820 bytes`, `14 KB`, `3.2 MB`."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@bp.app_template_filter("demote_headings")
def demote_headings(html: Markup, by: int = 1) -> Markup:
    """Rendered Markdown placed under a section's heading: its headings move `by` levels down, so the
    page's outline stays in order (h2 → h3 under an h2). Tags only are renamed: the HTML stays sanitised."""
    text = str(html)  # Markup.replace would escape the new tags
    for _ in range(by):
        for level in (5, 4, 3, 2):
            text = text.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return Markup(text)

"""The invitee's side of a team invitation: open the emailed link, sign in, accept."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from challenge import clock
from challenge.accounts.services import find_user_by_email
from challenge.platform import tx
from challenge.submissions import team
from challenge.submissions.blueprint import bp
from challenge.submissions.forms import ConfirmForm
from challenge.submissions.pages import show_url


def _sign_in_first(invitation):
    """The link's holder may learn whether their own address has an account: sign in, or sign up, with it."""
    known = find_user_by_email(invitation.email) is not None
    flash(f"{'Sign in' if known else 'Create an account'} with {invitation.email} to answer the invitation "
          f"to join the team of “{invitation.submission.title}”.", "info")
    return redirect(url_for("accounts.login" if known else "accounts.signup", next=request.path,
                            email=invitation.email))


@bp.route("/team-invitations/<token>", methods=["GET", "POST"])
def team_invitation(token: str):
    invitation = team.find(token[:100], clock.now())
    if invitation is None:
        return render_template("submissions/team_invitation_expired.html"), 410
    if not current_user.is_authenticated:
        return _sign_in_first(invitation)
    sub, form = invitation.submission, ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        with tx.unit_of_work(form) as work:
            team.accept(invitation, current_user, clock.now())
        if work.done:
            return tx.done(f"You are in the team of “{sub.title}” ({sub.reference}). You can see it; only "
                           f"{sub.owner.name} can change or withdraw it.", show_url(sub))
    return tx.render_form("submissions/team_invitation.html", form, invitation=invitation, submission=sub,
                          challenge=sub.challenge)

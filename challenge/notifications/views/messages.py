"""A seeker's message to the entrants of their challenge: write it, see how many people it reaches, send."""
from __future__ import annotations

import secrets

from flask import url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import messages
from challenge.challenges.lookup import challenge_or_404
from challenge.notifications.blueprint import bp
from challenge.notifications.forms import MessageForm
from challenge.platform import tx
from challenge.words import count

TEMPLATE = "notifications/message_entrants.html"


def _form(challenge) -> tuple[MessageForm, dict[str, int]]:
    numbers = messages.counts(challenge)
    form = MessageForm()
    form.audience.choices = [(a, f"{label} ({count(numbers[a], 'person')})")
                             for a, label in messages.AUDIENCE_LABELS.items()]
    if not form.is_submitted():
        form.audience.data, form.send_key.data = "all", secrets.token_urlsafe(24)
    return form, numbers


@bp.route("/challenges/<slug>/message-entrants", methods=["GET", "POST"])
@login_required
def message_entrants(slug: str):
    """The first press previews (who receives it, how many); "Send to N people" on the preview sends."""
    challenge = challenge_or_404(slug, "notification.message_entrants")
    form, numbers = _form(challenge)
    preview = None
    if form.validate_on_submit():
        args = (form.audience.data, form.subject.data, form.body.data, form.post_copy.data)
        with tx.unit_of_work(form) as work:
            if form.send.data:
                sent, now_sent = messages.send(challenge, *args, form.send_key.data, current_user, clock.now())
            else:
                preview = messages.check(challenge, *args, current_user, clock.now())[2]
        if work.done and form.send.data:
            said = "is on its way to" if now_sent else "was already sent to"
            return tx.done(f"Your message {said} {count(sent.recipients, 'person')}.",
                           url_for("challenges.show", slug=slug), "success" if now_sent else "info")
    return tx.render_form(TEMPLATE, form, challenge=challenge, numbers=numbers, preview=preview)

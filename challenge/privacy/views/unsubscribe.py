"""One-click unsubscribe (RFC 8058) from the email a person may refuse. A mail client POSTs
`List-Unsubscribe=One-Click` to the link with no session and no CSRF token; a person who opens the link
sees a page with a button that POSTs the same. The signed token in the link is the key."""
from __future__ import annotations

from flask import abort, render_template

from challenge import clock
from challenge.extensions import csrf
from challenge.platform import tx
from challenge.privacy import consent
from challenge.privacy.blueprint import bp


@bp.get("/email/unsubscribe/<token>")
def unsubscribe_page(token: str):
    person = consent.person_of(token)
    if person is None:
        abort(404)
    return render_template("privacy/unsubscribe.html", token=token, done=False,
                           subscribed=consent.takes_optional_email(person))


@bp.post("/email/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    with tx.unit_of_work() as work:
        person = consent.unsubscribe(token, clock.now())
    if work.done and person is None:
        abort(404)
    return render_template("privacy/unsubscribe.html", token=token, done=True, subscribed=False)

"""Five presses of "Send" at once (a double click, two tabs) send the message once: one row, one email per
entrant, one copy on the updates page (the challenge's row is locked and the form's key is unique)."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges import messages
from challenge.challenges.models import Challenge, Update
from challenge.extensions import db
from challenge.notifications.models import EntrantMessage
from challenge.platform.models import OutboxMessage
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_five_simultaneous_sends_send_once(app, make_user, make_org, make_challenge, make_submission):
    seeker = make_user("Sam Seeker")
    challenge = make_challenge(make_org(seeker), "closed", title="Loneliness challenge")
    for name in ("Ana Able", "Ben Bold", "Cy Calm"):
        make_submission(challenge, make_user(name))
    challenge_id, seeker_id = challenge.id, seeker.id

    def send():
        with app.test_request_context():
            _, sent_now = messages.send(db.session.get(Challenge, challenge_id), "all", "Pitch day", "Come along.",
                                        True, "the-same-key-0123456789", db.session.get(User, seeker_id),
                                        clock.now())
            db.session.commit()
            return sent_now

    results = in_threads(app, 5, send)
    assert sorted(results) == [False, False, False, False, True], results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(EntrantMessage.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Update.id))) == 1
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))
                             .where(OutboxMessage.kind == "challenge.entrant_message")) == 3

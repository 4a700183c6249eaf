"""Signing up from an invitation link pre-fills the invited address (issue 11 point 6): the panel
invitation's "Create an account" and "Sign in" carry it, and the sign-up form shows it."""
from __future__ import annotations

import html as markup
import re

from challenge import clock
from challenge.extensions import db
from challenge.judging import panel


def test_signing_up_from_a_panel_invitation_prefills_the_email(client, people, outbox):
    panel.invite(people.challenge, "new.judge@example.org", "judge", False, people.seeker, clock.now())
    db.session.commit()
    page = client.get(outbox.path(outbox("new.judge@example.org")[0])).get_data(as_text=True)
    signup = markup.unescape(re.search(r'href="(/signup[^"]+)"[^>]*>Create an account', page).group(1))
    assert "email=new.judge@example.org" in signup
    form = client.get(signup).get_data(as_text=True)
    assert re.search(r'<input[^>]*name="email"[^>]*value="new.judge@example.org"', form) or \
        re.search(r'<input[^>]*value="new.judge@example.org"[^>]*name="email"', form)
    assert "email=new.judge@example.org" in re.search(r'href="(/login[^"]+)"[^>]*>Sign in', page).group(1)

"""A whole panel through the web client: invitation, round, declarations, scores, results, decision, feedback."""
from __future__ import annotations

import re
from datetime import timedelta

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging.models import Assignment, Decision, PanelMember
from challenge.platform.models import AuditEvent, OutboxMessage
from challenge.submissions.models import Submission


def _token_from_outbox(email: str) -> str:
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to_email == email))
    return re.search(r"/judging/invitations/([\w-]+)", message.body).group(1)


def test_a_whole_panel_from_invitation_to_feedback(client, login, make_world, make_user):
    world = make_world(judges=1, entries=3)
    login(world.seeker)
    page = client.get(f"/judging/{world.challenge.slug}/")
    assert page.status_code == 200 and "Invite a judge" in page.get_data(as_text=True)

    # The seeker invites a judge by email; the judge signs up and follows the link.
    response = client.post(f"/judging/{world.challenge.slug}/invitations",
                           data={"email": "New.Judge@Example.org", "role": "judge", "service_user": "y"})
    assert response.status_code == 302
    token = _token_from_outbox("New.Judge@Example.org")
    newcomer = make_user("Nadia New", "new.judge@example.org")
    login(newcomer)
    body = client.get(f"/judging/invitations/{token}").get_data(as_text=True)
    assert "Join the panel" in body, body
    assert client.post(f"/judging/invitations/{token}").status_code == 302
    member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == newcomer.id))
    assert member.service_user and member.role == "judge"
    assert client.get(f"/judging/invitations/{token}").status_code == 404  # single use

    # The chair opens round 1: every submitted entry goes to both judges.
    login(world.chair)
    assert client.post(f"/judging/{world.challenge.slug}/rounds/1/open").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 6

    for user in (world.chair, newcomer):
        login(user)
        queue = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
        assert "0 of 3 score sheets submitted" in queue
        ids = [int(x) for x in re.findall(r"/entries/(\d+)\"", queue)]
        assert len(ids) == 3
        for n, aid in enumerate(ids):
            first = client.get(f"/judging/{world.challenge.slug}/entries/{aid}").get_data(as_text=True)
            assert "Before you open" in first and "Save as draft" not in first
            client.post(f"/judging/{world.challenge.slug}/entries/{aid}/declaration", data={"has_conflict": "no"})
            page = client.get(f"/judging/{world.challenge.slug}/entries/{aid}").get_data(as_text=True)
            assert "Save as draft" in page
            data = {f"score-{c.id}": str(min(4, n + 2)) for c in world.criteria}
            data.update(comment=f"Comment {n} on the evidence", action="submit")
            response = client.post(f"/judging/{world.challenge.slug}/entries/{aid}/scores", data=data)
            assert response.status_code == 302, response.get_data(as_text=True)
        assert "3 of 3 score sheets submitted" in client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)

    login(world.chair)
    panel = client.get(f"/judging/{world.challenge.slug}/panel?round=1")
    assert panel.status_code == 200
    text = panel.get_data(as_text=True)
    assert "Kendall&#39;s W" in text and "Calibration" in text
    assert client.post(f"/judging/{world.challenge.slug}/rounds/1/close").status_code == 302
    csv = client.get(f"/judging/{world.challenge.slug}/panel.csv?round=1")
    assert csv.mimetype == "text/csv" and "Normalised score" in csv.get_data(as_text=True)

    decide = client.get(f"/judging/{world.challenge.slug}/rounds/1/decide")
    assert decide.status_code == 200
    best = max(world.subs, key=lambda s: s.id)  # scored highest by both judges
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/decide", data={"slot-0": str(best.id)})
    assert response.status_code == 400 and "left empty" in response.get_data(as_text=True)
    chosen = {"slot-0": str(best.id), "empty_reason": "Only one tier is awarded this year.",
              "departure_reason": "Only one tier is awarded this year."}
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/decide", data={**chosen, "step": "review"})
    assert response.status_code == 200 and "Record the decision" in response.get_data(as_text=True)
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/decide", data={**chosen, "step": "record"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.post(f"/judging/{world.challenge.slug}/publish").status_code == 302
    db.session.expire_all()
    assert world.challenge.state == "decided"
    states = dict(db.session.execute(db.select(Submission.id, Submission.state)).all())
    assert states[best.id] == "winner" and sorted(states.values()).count("not_selected") == 2
    decision = db.session.scalar(db.select(Decision))
    assert decision.departure_reason == "Only one tier is awarded this year."
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.decided")).reason

    # The creator of another entry sees feedback, with comments but no judge names.
    loser = next(s for s in world.subs if s.id != best.id)
    login(world.creators[world.subs.index(loser)])
    page = client.get(f"/judging/{world.challenge.slug}/feedback/{loser.reference}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Comment" in text and "Nadia New" not in text and world.chair.name not in text

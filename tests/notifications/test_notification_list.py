"""The notification list on the dashboard (issue 11 point 6): what happened to a person's entries,
challenges and panels, newest first, with "since you last looked" marking; an outcome appears only when
the results' publication tells it (notify), never from the decision recorded before."""
from __future__ import annotations

import re
from datetime import timedelta

from challenge import clock
from challenge.challenges import conversation
from challenge.extensions import db
from challenge.judging import decisions, panel
from challenge.notifications import services
from challenge.notifications.models import NoticesSeen
from challenge.submissions import services as submissions
from challenge.submissions.models import SubmissionState
from tests.factories import counted_statements


def _csrf(client) -> dict:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").get_data(as_text=True))
    return {"csrf_token": match.group(1)} if match else {}


def _notices(client) -> str:
    html = client.get("/dashboard").get_data(as_text=True)
    start = html.index('id="notices-h"')
    return html[start:html.index("</section>", start)]


def _submit(people, sub=None):
    submissions.submit(sub or people.entry, people.entrant, clock.now(), eligibility_confirmed=True,
                       terms_accepted=True)
    db.session.commit()


def test_a_seeker_hears_of_new_entries_and_marking_them_seen(client, login, people, make_user, make_submission):
    login(people.seeker)
    assert "Nothing has happened yet" in _notices(client)
    _submit(people)
    other = make_user("Olive Other")
    second = make_submission(people.challenge, other, "draft")
    clock.travel(timedelta(minutes=5))
    submissions.submit(second, other, clock.now(), eligibility_confirmed=True, terms_accepted=True)
    db.session.commit()
    html = _notices(client)
    assert "2 new entries to “Loneliness challenge”." in html and "1 new</span>" in html
    clock.travel(timedelta(minutes=1))
    response = client.post("/my/notifications/seen", data=_csrf(client), follow_redirects=True)
    assert "Your notifications are marked as seen." in response.get_data(as_text=True)
    html = _notices(client)
    assert "2 entries to “Loneliness challenge”." in html and ">New<" not in html and "Mark all as seen" not in html
    assert db.session.get(NoticesSeen, people.seeker.id) is not None
    third = make_submission(people.challenge, make_user("Tess Third"), "draft")
    clock.travel(timedelta(minutes=1))
    submissions.submit(third, third.owner, clock.now(), eligibility_confirmed=True, terms_accepted=True)
    db.session.commit()
    html = _notices(client)
    assert "1 new entry to “Loneliness challenge”." in html and "2 entries to" in html
    assert html.index("1 new entry") < html.index("2 entries")  # newest first


def test_marking_seen_twice_keeps_one_row(client, login, people):
    login(people.seeker)
    client.post("/my/notifications/seen", data=_csrf(client))
    client.post("/my/notifications/seen", data=_csrf(client))
    assert db.session.scalar(db.select(db.func.count()).select_from(NoticesSeen)) == 1


def test_an_entrant_hears_no_outcome_before_the_publication_tells_it(client, login, people, app):
    _submit(people)
    decisions.set_state(people.entry, SubmissionState.SHORTLISTED, people.seeker, clock.now())
    db.session.commit()
    login(people.entrant)
    html = _notices(client)
    assert "shortlist" not in html.lower() and "Nothing has happened yet" in html
    with app.test_request_context():
        services.notify(people.entrant, "Your entry CX-12 was shortlisted.", "/submissions/CX-12", clock.now())
    db.session.commit()
    html = _notices(client)
    assert "Your entry CX-12 was shortlisted." in html and 'href="/submissions/CX-12"' in html and ">New<" in html


def test_others_do_not_see_a_persons_notifications(client, login, people, app):
    with app.test_request_context():
        services.notify(people.entrant, "Your entry won.", "/x", clock.now())
    db.session.commit()
    login(people.stranger)
    assert "Your entry won." not in _notices(client)


def test_a_judge_hears_they_chair_the_panel_and_a_follower_hears_of_an_update(client, login, people, seat,
                                                                             make_user):
    member = seat(people.challenge, people.judge)
    panel.make_chair(member, people.seeker, clock.now())
    follower = make_user("Fay Follower")
    conversation.follow(people.challenge, follower, clock.now())
    conversation.post_update(people.challenge, "Webinar on Tuesday", "Join us.", people.seeker, clock.now())
    db.session.commit()
    login(people.judge)
    assert "You now chair the judging panel of “Loneliness challenge”." in _notices(client)
    login(follower)
    assert "New update on “Loneliness challenge”, a challenge you follow." in _notices(client)
    login(people.seeker)  # their own update is not news to them
    assert "New update" not in _notices(client)


def test_a_seeker_hears_who_joined_their_panel(client, login, people, panel_invitation):
    panel.accept(panel_invitation, people.judge, clock.now())
    db.session.commit()
    login(people.seeker)
    assert "Jude Judge joined the judging panel of “Loneliness challenge”." in _notices(client)
    login(people.judge)  # their own doing is not news to them
    assert "joined the judging panel" not in _notices(client)


def test_the_asker_hears_their_question_was_answered_and_nobody_else_does(client, login, people):
    """The challenges one asked about are read from one's questions; the answer is news to the asker only."""
    question = conversation.ask(people.challenge, "Can a charity enter with a council?", people.entrant, clock.now())
    conversation.ask(people.challenge, "Is there a word limit?", people.friend, clock.now())
    db.session.commit()
    conversation.answer(question, "Yes, as a team.", people.seeker, clock.now())
    db.session.commit()
    login(people.entrant)
    assert _notices(client).count("Your question about “Loneliness challenge” was answered.") == 1
    for other in (people.friend, people.stranger):
        login(other)
        assert "was answered" not in _notices(client)


def test_answers_and_panel_joins_cost_the_same_statements_for_1_and_3(client, login, people, make_user,
                                                                     make_challenge):
    """What the events are about (the challenges asked about, the questions, the seats of those who joined) is
    read once for all of them, not once per event."""
    counts = []
    for n in (1, 3):
        asker = make_user(f"Asker {n}")
        for i in range(n):
            challenge = make_challenge(people.council, "open", title=f"Challenge {n}-{i}", author=people.seeker)
            question = conversation.ask(challenge, "Who may enter?", asker, clock.now())
            invitation = panel.invite(challenge, f"judge{n}-{i}@example.org", "judge", False, people.seeker,
                                      clock.now())
            db.session.commit()
            conversation.answer(question, "Anyone.", people.seeker, clock.now())
            panel.accept(invitation, make_user(f"Judge {n}-{i}", f"judge{n}-{i}@example.org"), clock.now())
            db.session.commit()
        login(asker)
        with counted_statements() as seen_by_asker:
            notices = _notices(client)
        assert notices.count("was answered.") == n
        login(people.seeker)
        with counted_statements() as seen_by_seeker:
            notices = _notices(client)
        assert all(f"Judge {n}-{i} joined the judging panel of “Challenge {n}-{i}”." in notices for i in range(n))
        counts.append((len(seen_by_asker), len(seen_by_seeker)))
    assert counts[0] == counts[1], counts


def test_the_questions_a_person_asked_are_found_by_an_index():
    """The feed reads them on every dashboard visit (scope_of); migration 0038_listindexes creates the index and
    tests/test_migrations.py checks the two agree."""
    from challenge.challenges.models import Question

    assert [list(ix.columns.keys()) for ix in Question.__table__.indexes if ix.name == "ix_questions_asked_by_id"] \
        == [["asked_by_id"]]


def test_the_dashboard_reads_the_invitations_and_the_feeds_ids_together_as_each_alone(app, people, panel_invitation,
                                                                                       team_invitation, introduction):
    """notifications/board.fill reads the invitations (tasks.waiting_parts) and the ids the list is about
    (feed.scope_parts) in one statement: each gives what it gives when read alone, for each person."""
    from challenge.challenges.dashboard import for_user
    from challenge.notifications import feed, tasks

    now = clock.now()
    conversation.ask(people.challenge, "Is there a word limit?", people.judge, now)
    services.mark_seen(people.judge, now - timedelta(hours=1))
    _submit(people)
    for person in (people.judge, people.friend, people.seeker, people.entrant, people.stranger):
        with app.test_request_context():
            board = for_user(person, now)
            scope = feed.scope_of(person, board.submissions, [row.challenge for row in board.own], board.followed)
            assert board.tasks == tasks.pending_for(person, now), person.name
            assert board.notices == feed.notices(scope, now, services.last_seen(person)), person.name
            assert scope.seen == services.last_seen(person)
    assert scope.asked_ids == set() and board.tasks == [] and board.notices == []  # the stranger
    with app.test_request_context():
        judge = for_user(people.judge, now)
    assert [t.kind for t in judge.tasks] == ["panel"]
    assert feed.scope_of(people.judge, [], [], []).asked_ids == {people.challenge.id}

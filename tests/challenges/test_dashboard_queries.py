"""The signed-in dashboard runs the same statements whatever is in each of its sections (issue 13): the
organisation's challenges in every phase with entries and questions, the challenges followed, the person's own
entries and their notifications, for 1 and for 6 of each."""
from __future__ import annotations

from challenge import clock
from challenge.challenges.models import Follow, Question
from challenge.extensions import db
from challenge.notifications.services import notify
from tests.factories import counted_statements, get_counted

PHASES = ("draft", "in_review", "open", "closed", "judging", "decided")


def _fill(seeker, org, n, make_user, make_org, make_challenge, make_submission) -> None:
    now = clock.now()
    elsewhere = make_org(make_user(), name="Another Council")
    for i in range(n):
        own = make_challenge(org, PHASES[i % len(PHASES)], author=seeker, title=f"Own challenge {i}")
        asker = make_user()
        if own.state not in ("draft", "in_review"):
            make_submission(own, asker)
        db.session.add(Question(challenge_id=own.id, asked_by_id=asker.id, body="Who may enter?", asked_at=now))
        followed = make_challenge(elsewhere, "open", title=f"Followed challenge {i}")
        db.session.add(Follow(user_id=seeker.id, challenge_id=followed.id, created_at=now))
        make_submission(followed, seeker, team=(make_user(),), title=f"My entry {i}")
        notify(seeker, f"Something happened to challenge {i}.", "/dashboard", now)
    db.session.commit()


def test_the_dashboard_runs_the_same_statements_for_1_and_6_of_everything(client, login, make_user, make_org,
                                                                          make_challenge, make_submission):
    counts, pages = [], []
    for n in (1, 6):
        seeker = make_user(f"Sam Seeker {n}")
        org = make_org(owner=seeker, name=f"Council {n}")
        _fill(seeker, org, n, make_user, make_org, make_challenge, make_submission)
        login(seeker)
        page, statements = get_counted(client, "/dashboard")
        counts.append(statements)
        pages.append(page)
    assert counts[0] == counts[1], counts
    assert counts[0] == 5, counts  # 13 with the challenges as entities; 10 before the feed and the invitations
    # were read together in two (notifications/board.py)
    six = pages[1]
    assert all(f"Own challenge {i}<" in six and f"Followed challenge {i}<" in six for i in range(6))
    assert six.count("My entry ") == 6 and six.count("Something happened to challenge") == 6
    assert "Answer 1 question" in six  # the open one asks for its question's answer


def test_the_boards_one_statement_gives_each_list_in_its_order_with_its_figures(make_user, make_org,
                                                                               make_challenge, make_submission):
    """Followed: soonest close first; own: newest change first, each with its entries and unanswered questions; a
    challenge both followed and one's own is in both; nobody else's challenges; no organisation, no own."""
    from datetime import timedelta

    from challenge.challenges.dashboard import for_user

    now = clock.now()
    seeker, elsewhere = make_user("Sam Seeker"), make_org(make_user(), name="Another Council")
    org = make_org(owner=seeker, name="Our Council")
    late, soon = (make_challenge(elsewhere, "open", title=t) for t in ("Closes late", "Closes soon"))
    late.closes_at, soon.closes_at = now + timedelta(days=20), now + timedelta(days=3)  # the factory's: 10
    older, newer = (make_challenge(org, "open", author=seeker, title=t) for t in ("Older", "Newer"))
    older.updated_at, newer.updated_at = now - timedelta(days=2), now - timedelta(days=1)
    make_challenge(elsewhere, "open", title="Nobody's business")
    make_submission(newer, make_user())
    db.session.add(Question(challenge_id=newer.id, asked_by_id=make_user().id, body="Who?", asked_at=now))
    for followed in (late, soon, newer):
        db.session.add(Follow(user_id=seeker.id, challenge_id=followed.id, created_at=now))
    db.session.commit()
    board = for_user(seeker, now)
    assert [(c.title, c.organisation_name) for c in board.followed] == [
        ("Closes soon", "Another Council"), ("Newer", "Our Council"), ("Closes late", "Another Council")]
    assert [(r.challenge.title, r.entries, r.unanswered) for r in board.own] == [("Newer", 1, 1), ("Older", 0, 0)]
    assert board.own[0].challenge.phase(now) == newer.phase(now) and board.own[0].next_action == "Answer 1 question"
    assert for_user(make_user("Nora Nobody"), now).own == []


def test_two_seekers_one_after_the_other_each_see_only_their_own_rows(client, login, make_user, make_org,
                                                                      make_challenge, make_submission):
    """The board's statements are built once and each row's phase and links are worked out per request: one person's
    rows never reach the next person's page, in whichever order they ask."""
    from datetime import timedelta

    from challenge.dates import deadline

    people = {}
    for name in ("Ada", "Bea"):
        seeker = make_user(f"{name} Seeker")
        org = make_org(owner=seeker, name=f"{name} Council")
        own = make_challenge(org, "open", author=seeker, title=f"{name}'s own challenge")
        followed = make_challenge(make_org(make_user(), name=f"{name}'s neighbours"), "upcoming",
                                  title=f"Followed by {name}")
        followed.opens_at = clock.now() + timedelta(days=5, hours=12)  # worded alike a few seconds later
        db.session.add(Follow(user_id=seeker.id, challenge_id=followed.id, created_at=clock.now()))
        make_submission(make_challenge(make_org(make_user()), "open"), seeker, title=f"{name}'s entry")
        make_submission(own, make_user())
        people[name] = (seeker, [f'href="/challenges/{own.slug}"', f'href="/challenges/{followed.slug}"'])
        dates = deadline("upcoming", followed.opens_at, followed.closes_at, clock.now())  # alike for both
    db.session.commit()
    for name, other in (("Ada", "Bea"), ("Bea", "Ada"), ("Ada", "Bea")):
        login(people[name][0])
        page = client.get("/dashboard").get_data(as_text=True)
        for mine in (f"{name}&#39;s own challenge", f"Followed by {name}", f"{name}&#39;s entry", f"{name} Council",
                     *people[name][1]):
            assert mine in page, (name, mine)
        for theirs in (f"{other}&#39;s own challenge", f"Followed by {other}", f"{other}&#39;s entry",
                       f"{other} Council", *people[other][1]):
            assert theirs not in page, (name, theirs)
        assert "Open, 1 entry so far" in page and dates in page

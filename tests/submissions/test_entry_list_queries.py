"""The lists of entries run the same statements for 1 and for 6 entries (issue 13): a challenge's list as its
seeker sees it after the close and the broker's list of everything, each entry with its entrant, organisation,
team and files."""
from __future__ import annotations

import secrets

from challenge import clock
from challenge.extensions import db
from challenge.submissions import queries
from challenge.submissions.models import Attachment, Submission
from tests.factories import counted_statements, get_counted


def _entries(challenge, n, make_user, make_org, make_submission) -> None:
    for i in range(n):
        owner = make_user(f"Entrant {i}")
        sub = make_submission(challenge, owner, team=(make_user(),), title=f"Entry {i}",
                              organisation=make_org(owner=owner, name=f"Charity {i}"))
        db.session.add(Attachment(submission_id=sub.id, original_name="plan.pdf", stored_name=secrets.token_hex(16),
                                  content_type="application/pdf", size=100, sha256="0" * 64,
                                  uploaded_at=clock.now()))
    db.session.commit()


def test_the_seekers_list_and_the_brokers_list_run_the_same_statements_for_1_and_6_entries(
        client, login, make_user, make_org, make_challenge, make_submission):
    broker = make_user("Bea Broker", broker=True)
    counts, pages = [], []
    for n in (1, 6):
        seeker = make_user(f"Sita Seeker {n}")
        challenge = make_challenge(make_org(seeker), "closed")
        _entries(challenge, n, make_user, make_org, make_submission)
        login(seeker)
        url = f"/challenges/{challenge.slug}/submissions"  # read before counting (the commit expired it)
        with counted_statements() as seen_by_seeker:
            page = client.get(url)
        assert page.status_code == 200
        login(broker)
        with counted_statements() as seen_by_broker:
            everything = client.get("/submissions")
        assert everything.status_code == 200
        assert all(f"Entry {i}<" in everything.text for i in range(n)) and challenge.title in everything.text
        counts.append((len(seen_by_seeker), len(seen_by_broker)))
        pages.append(page.text)
    assert counts[0] == counts[1], counts
    # the seeker's list: the user, the challenge, the counts per state (which give the total), the page with
    # each entrant, organisation and the number of files and team members; the broker's: the user, the kept
    # total, the page
    assert counts[0] == (4, 3), counts
    six = pages[1]
    assert all(f"Entry {i}<" in six and f"Charity {i}<" in six for i in range(6))
    assert six.count("+ 1 in team") == 6
    assert six.count('data-label="Files">1<') == 6


def test_your_submissions_lists_what_you_own_and_the_teams_you_are_on_in_the_same_statements_for_1_and_6(
        client, login, make_user, make_org, make_challenge, make_submission):
    """"Your submissions" (the page, the dashboard, the API) reads the ids from the two indexed lookups (owner,
    team) rather than an OR over every submission: the same entries, and no statement per entry."""
    counts, pages = [], []
    for n in (1, 6):
        me, stranger = make_user(f"Cleo Creator {n}"), make_user()
        owned, in_team, not_mine = [], [], []
        for i in range(n):
            seeker = make_user()
            challenge = make_challenge(make_org(seeker), "open" if i % 2 else "closed", title=f"Challenge {n}-{i}")
            owned.append(make_submission(challenge, me, title=f"Mine {n}-{i}"))
            in_team.append(make_submission(challenge, make_user(), team=(me,), title=f"Team {n}-{i}"))
            not_mine.append(make_submission(challenge, stranger, team=(make_user(),), title=f"Theirs {n}-{i}"))
        db.session.commit()
        login(me)
        page, statements = get_counted(client, "/my/submissions")
        counts.append(statements)
        pages.append(page)
        assert all(s.reference in page for s in owned + in_team)
        assert not any(s.reference in page for s in not_mine)
        assert page.count("Team member") == n and page.count(">Owner<") == n
    assert counts[0] == counts[1], counts
    assert counts[0] == 2, counts  # the user; the entries with their challenges and teams


def test_mine_gives_each_entry_as_the_submission_has_it_once_with_its_whole_team(
        make_user, make_org, make_challenge, make_submission):
    """The one statement's rows (one per team member) fold back into one line per entry, newest change
    first, each with its challenge and the same members as Submission.member_ids; others' entries left out."""
    me, partner = make_user("Cleo Creator"), make_user("Pat Partner")
    challenge = make_challenge(make_org(make_user()), "open", title="Shared challenge")
    alone = make_submission(challenge, me, title="Alone")
    with_two = make_submission(make_challenge(make_org(make_user()), "closed"), me, team=(partner, make_user()))
    on_a_team = make_submission(challenge, make_user(), team=(me, partner))
    make_submission(challenge, partner, team=(make_user(),))
    db.session.commit()
    lines = queries.mine(me)
    expected = db.session.scalars(db.select(Submission).where(Submission.id.in_(
        [alone.id, with_two.id, on_a_team.id])).order_by(Submission.updated_at.desc(), Submission.id.desc())).all()
    assert [line.id for line in lines] == [s.id for s in expected]
    for line, sub in zip(lines, expected):
        assert (line.reference, line.title, line.state, line.owner_id, line.submitted_at) == \
            (sub.reference, sub.title, sub.state, sub.owner_id, sub.submitted_at)
        assert line.challenge is sub.challenge and line.member_ids() == sub.member_ids()


def test_the_seekers_list_is_paged_by_the_counts_per_state(client, login, make_user, make_org, make_challenge,
                                                            make_submission, app, monkeypatch):
    monkeypatch.setitem(app.config, "TABLE_PER_PAGE", 2)
    seeker = make_user("Sita Seeker")
    challenge = make_challenge(make_org(seeker), "closed")
    _entries(challenge, 3, make_user, make_org, make_submission)
    login(seeker)
    first = client.get(f"/challenges/{challenge.slug}/submissions").get_data(as_text=True)
    assert "All (3)" in first and "Page 1 of 2" in first and first.count('data-label="Reference"') == 2
    second = client.get(f"/challenges/{challenge.slug}/submissions?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count('data-label="Reference"') == 1
    one_state = client.get(f"/challenges/{challenge.slug}/submissions?state=submitted").get_data(as_text=True)
    assert "Page 1 of 2" in one_state
    none = client.get(f"/challenges/{challenge.slug}/submissions?state=shortlisted").get_data(as_text=True)
    assert "No submissions are shortlisted" in none and "Page 1 of" not in none


def test_the_brokers_list_of_everything_is_paged_by_the_kept_counts(client, login, make_user, make_org,
                                                                    make_challenge, make_submission, app,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "TABLE_PER_PAGE", 2)
    challenge = make_challenge(make_org(make_user()), "open")
    drafts = [make_submission(challenge, make_user(), title=f"Draft {i}", state="draft") for i in range(2)]
    entered = [make_submission(challenge, make_user(), title=f"Entry {i}") for i in range(3)]
    db.session.commit()
    login(make_user("Bea Broker", broker=True))
    first = client.get("/submissions").get_data(as_text=True)
    assert "Page 1 of 3" in first and first.count('data-label="Reference"') == 2
    last = client.get("/submissions?page=3").get_data(as_text=True)
    assert last.count('data-label="Reference"') == 1 and drafts[0].reference in last  # oldest change last
    only = client.get(f"/submissions?state={entered[0].state}").get_data(as_text=True)
    assert "Page 1 of 2" in only and not any(d.reference in only for d in drafts)
    assert client.get("/submissions?page=9").get_data(as_text=True).count('data-label="Reference"') == 0

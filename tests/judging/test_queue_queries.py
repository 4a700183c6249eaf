"""The judge's queue runs the same number of queries for 3 entries as for 30 (no query per row; issue 13)."""
from __future__ import annotations

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging.models import Conflict, PanelMember
from challenge.submissions.models import Submission
from demo.panels import build_panel
from tests.factories import counted_statements


def test_the_judges_queue_runs_the_same_number_of_queries_for_3_and_30_entries(app, client, login):
    counts = []
    for n in (3, 30):
        panel = build_panel(n, 3, 2, clock.now())
        db.session.commit()
        login(db.session.get(User, panel.judge_ids[-1]))
        with counted_statements() as statements:
            response = client.get(f"/judging/{panel.slug}/queue")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert page.count("Review<span class=\"visually-hidden\">") == n  # every entry listed, each scored
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    # the user, the challenge with the judge's seat, the rounds and the number of conflicts declared, and the page
    # (each row with its declaration, and the round's tally): no separate count, no separate look-up of
    # declarations, and no look-up of declared conflicts when there are none
    assert counts[0] == 3, counts


def test_the_judges_queue_is_paged_with_progress_over_the_whole_round(app, client, login, monkeypatch):
    from challenge.judging.views import judge

    monkeypatch.setattr(judge, "QUEUE_PER_PAGE", 2)
    panel = build_panel(5, 2, 2, clock.now(), scored=False)  # every entry declared "no conflict"
    member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == panel.judge_ids[-1]))
    last = db.session.scalar(db.select(Submission.id).where(Submission.challenge_id == panel.challenge_id)
                             .order_by(Submission.reference.desc()).limit(1))
    db.session.execute(db.delete(Conflict).where(Conflict.panel_member_id == member.id,
                                                 Conflict.submission_id == last))  # undeclared, on the last page
    db.session.commit()
    login(db.session.get(User, panel.judge_ids[-1]))
    first = client.get(f"/judging/{panel.slug}/queue").get_data(as_text=True)
    assert first.count('<span class="visually-hidden"> CX-') == 2  # two rows on this page
    assert "0 of 5 score sheets submitted" in first  # progress counts the whole round
    assert "Declare any conflicts for all your entries" in first  # for the entry on page 3
    assert f'href="/judging/{panel.slug}/queue?page=2&amp;round=1"' in first and "Page 1 of 3" in first
    third = client.get(f"/judging/{panel.slug}/queue?page=3").get_data(as_text=True)
    assert third.count('<span class="visually-hidden"> CX-') == 1 and "Not started" in third
    past = client.get(f"/judging/{panel.slug}/queue?page=9").get_data(as_text=True)
    assert "past the end of your entries" in past


def test_a_fully_scored_round_shows_no_declare_all_link(app, client, login):
    panel = build_panel(4, 2, 2, clock.now())
    db.session.commit()
    login(db.session.get(User, panel.judge_ids[-1]))
    page = client.get(f"/judging/{panel.slug}/queue").get_data(as_text=True)
    assert "4 of 4 score sheets submitted" in page and "Declare any conflicts" not in page


def test_a_score_sheet_runs_the_same_statements_beside_2_and_7_other_judges(app, client, login):
    from challenge.judging.models import Assignment

    counts = []
    for judges in (3, 8):
        panel = build_panel(2, judges, 3, clock.now())
        db.session.commit()
        member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == panel.judge_ids[-1]))
        sheet = db.session.scalar(db.select(Assignment.id).where(Assignment.panel_member_id == member.id).limit(1))
        login(db.session.get(User, panel.judge_ids[-1]))
        with counted_statements() as statements:
            page = client.get(f"/judging/{panel.slug}/entries/{sheet}").get_data(as_text=True)
        assert "Other judges' scores" in page
        assert page.count('<th scope="col" class="text-end">Judge ') == judges - 1  # each other sheet, scored
        assert len([s for s in statements if "conflicts" in s]) == 1  # asked by several rules, read once
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    # the user, the sheet (with its challenge, round, entry and entrant, the judge's seat and declaration,
    # whether the challenge asks entry questions: these ask none, so no answers are read), the criteria (each
    # with the sheet's score), the entry's files with its team and the other sheets (with their scores). The
    # criteria are apart: PostgreSQL planned the sheet joined to them in twice the time it plans the two
    assert counts[0] == 4, counts


def test_the_queue_names_the_rounds_that_have_opened_read_with_the_judges_seat(client, login, make_world):
    from challenge.judging import assignment as assign
    from challenge.judging import decisions
    from tests.judging.judging_helpers import open_round, score_all

    world = make_world(judges=2, entries=4, rounds=({"name": "Shortlist"}, {"name": "Final"}))
    first = open_round(world)
    login(world.judges[1])
    page = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    assert 'aria-label="Rounds"' not in page and "Shortlist" in page  # one round has opened; the final has not
    score_all(world, first, lambda m, s: (3, 3))
    assign.close_round(first, world.chair, clock.now())
    decisions.advance(first, [world.subs[3].id, world.subs[2].id], world.chair, clock.now())
    open_round(world, 2)
    page = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    nav = page[page.index('aria-label="Rounds"'):page.index("</nav>", page.index('aria-label="Rounds"'))]
    assert nav.index("Shortlist") < nav.index("Final") and 'aria-current="page" href="/judging/' in nav
    assert "?round=2" in nav[nav.index('aria-current="page"'):]  # the open round is the one shown
    login(world.seeker)  # runs the panel, does not sit on it
    assert client.get(f"/judging/{world.challenge.slug}/queue").status_code == 404


def _judge_with_a_conflict_and_an_undeclared_entry(panel):
    """The panel's last judge, having declared a conflict with the first entry and nothing about the last."""
    from challenge.judging import assignment as assign
    from challenge.judging.models import Assignment

    member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == panel.judge_ids[-1]))
    sheets = list(db.session.scalars(db.select(Assignment).join(Submission)
                                     .where(Assignment.panel_member_id == member.id).order_by(Submission.reference)))
    db.session.execute(db.delete(Conflict).where(Conflict.panel_member_id == member.id,
                                                 Conflict.submission_id.in_([sheets[0].submission_id,
                                                                             sheets[-1].submission_id])))
    assign.declare(sheets[0], True, "My sister entered it", member.user, clock.now())
    db.session.commit()
    return member, sheets


def test_the_tally_counted_with_the_page_is_the_tally_counted_alone(app, login):
    from challenge.judging import queue
    from challenge.judging.rules import panel_member

    panel = build_panel(5, 2, 2, clock.now(), scored=False)
    member, sheets = _judge_with_a_conflict_and_an_undeclared_entry(panel)
    user = db.session.get(User, panel.judge_ids[-1])
    tallies = []
    for url in ("/judging/x/queue", "/judging/x/queue?page=9"):  # with the page's rows; past the end, apart
        with app.test_request_context(url):
            queue.challenge_with_seat(user, member.challenge.slug)
            _, page, tally, conflicts = queue.queue_page(panel_member(user, member.challenge), "", 3)
            tallies.append(tally)
            assert [c.submission_id for c in conflicts] == [sheets[0].submission_id]
    assert tallies == [{"total": 4, "submitted": 0, "not_started": 1}] * 2
    with app.test_request_context("/judging/x/queue?page=2"):  # without the seat's statement
        _, page, tally, conflicts = queue.queue_page(member, "", 3)
    assert tally == tallies[0] and len(conflicts) == 1
    assert [row.status for row in page.items] == ["not_started"] and page.items[0].id == sheets[-1].id
    with app.test_request_context("/judging/x/queue"):
        _, page, _, _ = queue.queue_page(member, "", 50)
    assert [row.status for row in page.items] == ["declared", "declared", "declared", "not_started"]
    assert [row.id for row in page.items] == [s.id for s in sheets[1:]]


def test_the_queue_lists_declared_conflicts_only_when_there_are_some(app, client, login):
    panel = build_panel(3, 2, 2, clock.now(), scored=False)
    login(db.session.get(User, panel.judge_ids[-1]))
    with counted_statements() as statements:
        page = client.get(f"/judging/{panel.slug}/queue").get_data(as_text=True)
    assert "Conflicts you declared" not in page
    assert not [s for s in statements if s.startswith("SELECT conflicts.")]  # counted with the seat, not listed
    _judge_with_a_conflict_and_an_undeclared_entry(panel)
    page = client.get(f"/judging/{panel.slug}/queue").get_data(as_text=True)
    assert "Conflicts you declared" in page and "My sister entered it" in page
    assert page.count('<span class="visually-hidden"> CX-') == 2  # the conflicted entry is off the list


def test_the_sheet_page_reads_the_sheet_its_criteria_and_the_judges_seat_in_two_statements(app, login):
    import pytest
    from werkzeug.exceptions import NotFound

    from challenge.challenges.models import Challenge
    from challenge.judging import queue
    from challenge.judging.models import Assignment, Criterion
    from challenge.judging.rules import panel_member
    from challenge.permissions import can

    panel = build_panel(2, 3, 3, clock.now())
    other = build_panel(1, 2, 2, clock.now())
    db.session.commit()
    user = db.session.get(User, panel.judge_ids[-1])
    member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == user.id))
    mine = db.session.scalar(db.select(Assignment).where(Assignment.panel_member_id == member.id).limit(1))
    expected_scores = {s.criterion_id: s.value for s in mine.scores}
    criteria = list(db.session.scalars(db.select(Criterion).where(Criterion.challenge_id == panel.challenge_id)
                                       .order_by(Criterion.position)))
    db.session.expunge_all()
    with app.test_request_context("/"):
        challenge = db.session.get(Challenge, panel.challenge_id)
        with counted_statements() as statements:
            found, sheet, read = queue.sheet_page(user, challenge.slug, mine.id)[:3]
        assert len(statements) == 2 and found is challenge
        assert [c.id for c in read] == [c.id for c in criteria]
        assert {s.criterion_id: s.value for s in sheet.scores} == expected_scores
        assert panel_member(user, challenge).id == member.id and sheet.round.challenge_id == challenge.id
        assert can(user, "judging.view_entry", sheet) and can(user, "judging.others_scores", sheet)
        with pytest.raises(NotFound):  # a sheet of another challenge is not found through this one
            queue.sheet_page(user, challenge.slug, db.session.scalar(
                db.select(Assignment.id).join(PanelMember).where(PanelMember.challenge_id == other.challenge_id)))


def test_the_other_sheets_are_the_other_submitted_sheets_with_every_score(app):
    from challenge.judging import queue
    from challenge.judging.models import Assignment, AssignmentState, Score

    panel = build_panel(1, 4, 3, clock.now())
    sheets = list(db.session.scalars(db.select(Assignment).where(Assignment.round_id == db.select(
        Assignment.round_id).where(Assignment.panel_member_id.in_(db.select(PanelMember.id).where(
            PanelMember.challenge_id == panel.challenge_id))).limit(1).scalar_subquery()).order_by(Assignment.id)))
    sheets[1].state = AssignmentState.DRAFT  # a draft is not shown to the others
    db.session.execute(db.update(Score).where(Score.assignment_id == sheets[2].id).values(value=0))
    db.session.commit()
    others = queue.beside_the_sheet(sheets[0], True).others
    assert queue.beside_the_sheet(sheets[0], False).others is None
    assert [o.values for o in others] == [{s.criterion_id: s.value for s in a.scores} for a in sheets[2:]]
    assert [o.comment for o in others] == [a.comment for a in sheets[2:]] and set(others[0].values.values()) == {0}


def test_files_and_team_are_the_entrys_attachments_in_order_and_its_team(app, make_user):
    from challenge.judging import queue
    from challenge.judging.models import Assignment
    from challenge.submissions.models import Attachment, TeamMember

    panel = build_panel(2, 2, 2, clock.now())
    entry, other = db.session.scalars(db.select(Submission).where(Submission.challenge_id == panel.challenge_id)
                                      .order_by(Submission.id)).all()
    for name, size in (("b-plan.pdf", 2048), ("a-budget.xlsx", 0)):
        db.session.add(Attachment(submission_id=entry.id, original_name=name, stored_name=f"{name}.bin",
                                  content_type="application/octet-stream", size=size, sha256="0" * 64,
                                  uploaded_at=clock.now()))
    db.session.add(Attachment(submission_id=other.id, original_name="not-this.pdf", stored_name="x.bin",
                              content_type="application/pdf", size=1, sha256="0" * 64, uploaded_at=clock.now()))
    for name in ("Zed Teammate", "Amy Teammate"):
        db.session.add(TeamMember(submission_id=entry.id, user_id=make_user(name).id))
    db.session.commit()
    db.session.expire_all()
    mine = db.session.scalar(db.select(Assignment).where(Assignment.submission_id == entry.id).limit(1))
    got = queue.beside_the_sheet(mine, True)
    assert got.files == [(a.original_name, a.size) for a in entry.attachments] == [("b-plan.pdf", 2048),
                                                                                 ("a-budget.xlsx", 0)]
    assert got.team == [m.user.name for m in sorted(entry.team, key=lambda m: m.id)] == ["Zed Teammate",
                                                                                        "Amy Teammate"]
    theirs = db.session.scalar(db.select(Assignment).where(Assignment.submission_id == other.id).limit(1))
    assert queue.beside_the_sheet(theirs, False).team == []

"""The score sheet page read in few statements (queue.sheet_page: the sheet with its round, entry, entrant, the
judge's seat and declaration; the rubric with the sheet's scores) answers every visitor as the page read piece
by piece does: the sheet by its id, the criteria by the challenge, the seat, the declaration, the scores and the
entrant each by the rules and the relationships that ask for them."""
from __future__ import annotations

import re

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges.entry_questions import EntryQuestion, questions_of
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.challenges.lookup import challenge_or_404
from challenge.judging import queue, services
from challenge.judging.assignment import close_round, declare
from challenge.judging.blueprint import assignment_or_404
from challenge.judging.models import Conflict
from challenge.judging.rubric import criteria_of
from challenge.permissions import can
from challenge.submissions.answers import EntryAnswer
from challenge.submissions.models import Attachment, TeamMember
from tests.judging.judging_helpers import open_round, sheet


def piece_by_piece(user, slug, assignment_id):
    """The old readers: nothing read ahead for the rules, which ask for the seat and the declaration."""
    challenge = challenge_or_404(slug, action=None)
    assignment = assignment_or_404(challenge, assignment_id)
    return queue.SheetPage(challenge, assignment, criteria_of(challenge), queue.entrant(assignment.submission, False),
                           True)


def _csrf_free(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=|value=)"[^"]{40,}"', r'\1"…"', html)


def both_ways(client, monkeypatch, url: str) -> tuple[int, str]:
    """(status, page) for `url`, after checking the old readers give the same status and the same page."""
    new = client.get(url)
    with monkeypatch.context() as patched:
        patched.setattr(queue, "sheet_page", piece_by_piece)
        old = client.get(url)
    assert new.status_code == old.status_code, url
    assert _csrf_free(new.get_data(as_text=True)) == _csrf_free(old.get_data(as_text=True)), url
    return new.status_code, new.get_data(as_text=True)


@pytest.fixture()
def judged(make_world, make_user, make_org):
    """An open round: the chair and judge 2 submitted their sheets for entry 0 (entered by a creator for an
    organisation, with a team and a file), judge 3 saved a draft of it; judge 2 has declared nothing about entry 1 and
    judge 3 a conflict with it (recorded without releasing the sheet, as a late declaration would find it)."""
    world = make_world(judges=3, entries=2)
    entry = world.subs[0]
    entry.organisation_id = make_org(world.creators[0], name="Quorn Labs").id
    db.session.add(TeamMember(submission_id=entry.id, user_id=make_user("Tess Teammate").id))
    db.session.add(Attachment(submission_id=entry.id, original_name="plan.pdf", stored_name="plan.bin", size=2048,
                              content_type="application/pdf", sha256="0" * 64, uploaded_at=clock.now()))
    round_ = open_round(world)
    for member, judge, submit in zip(world.members, world.judges, (True, True, False)):
        mine = sheet(round_, member, entry)
        declare(mine, False, "", judge, clock.now())
        services.save_scores(mine, {str(c.id): n for n, c in enumerate(world.criteria, 2)}, f"By {judge.name}",
                             submit, judge, clock.now())
    db.session.add(Conflict(panel_member_id=world.members[2].id, submission_id=world.subs[1].id, has_conflict=True,
                            reason="My sister entered it", declared_at=clock.now()))
    db.session.commit()
    return world, round_


def url(world, round_, member, entry) -> str:
    return f"/judging/{world.challenge.slug}/entries/{sheet(round_, member, entry).id}"


def test_each_judge_sees_the_page_the_old_readers_gave(client, login, monkeypatch, judged):
    world, round_ = judged
    chair, judge2, judge3 = world.members
    login(world.judges[1])
    status, page = both_ways(client, monkeypatch, url(world, round_, judge2, world.subs[0]))
    assert status == 200 and "Zebedee Quorn0, Quorn Labs, with Tess Teammate" in page and "plan.pdf" in page
    assert page.count('<th scope="col" class="text-end">Judge ') == 1 and "By Judge 1" in page  # the chair's
    assert ('<th scope="row" class="fw-normal">Impact</th><td class="text-end">2</td></tr><tr><th scope="row" '
            'class="fw-normal">Feasibility</th><td class="text-end">3</td></tr>') in page
    assert 'value="3" checked' in page or 'checked class="form-check-input" id="score-' in page
    status, page = both_ways(client, monkeypatch, url(world, round_, judge2, world.subs[1]))
    assert status == 200 and "Before you open" in page and "Entered by <strong>Zebedee Quorn1</strong>" in page
    login(world.judges[2])
    status, page = both_ways(client, monkeypatch, url(world, round_, judge3, world.subs[0]))
    assert status == 200 and "Shown after you submit your own" in page  # a draft: no anchoring
    status, page = both_ways(client, monkeypatch, url(world, round_, judge3, world.subs[1]))
    assert status == 200 and "Before you open" in page  # conflicted: never the entry
    assert "It works like this." not in page


@pytest.mark.parametrize("who", ["chair", "other judge", "seeker", "broker", "outsider"])
def test_a_sheet_is_not_found_by_anyone_but_its_judge_as_before(client, login, monkeypatch, judged, who):
    world, round_ = judged
    person = {"chair": world.judges[0], "other judge": world.judges[2], "seeker": world.seeker,
              "broker": world.broker, "outsider": world.outsider}[who]
    login(person)
    assert both_ways(client, monkeypatch, url(world, round_, world.members[1], world.subs[0]))[0] == 404


def test_a_sheet_of_another_challenge_is_not_found_through_this_one(client, login, monkeypatch, judged, make_world):
    world, round_ = judged
    other = make_world(judges=2, entries=1)
    other_round = open_round(other)
    login(other.judges[1])
    theirs = sheet(other_round, other.members[1], other.subs[0]).id
    assert both_ways(client, monkeypatch, f"/judging/{world.challenge.slug}/entries/{theirs}")[0] == 404
    assert both_ways(client, monkeypatch, f"/judging/{other.challenge.slug}/entries/{theirs}")[0] == 200
    assert both_ways(client, monkeypatch, f"/judging/no-such-challenge/entries/{theirs}")[0] == 404


def test_a_closed_round_shows_the_scores_as_before(client, login, monkeypatch, judged):
    world, round_ = judged
    close_round(round_, world.chair, clock.now())
    db.session.commit()
    login(world.judges[1])
    status, page = both_ways(client, monkeypatch, url(world, round_, world.members[1], world.subs[0]))
    assert status == 200 and "This round has closed" in page
    assert [m for m in re.findall(r"<dd>(\w+)</dd>", page)] == ["2", "3"]


def test_a_blind_panel_sees_the_page_and_the_answers_as_before(client, login, monkeypatch, make_world):
    world = make_world(blind=True, judges=2, entries=1)
    asked = [EntryQuestion(challenge_id=world.challenge.id, position=1, kind="short_text", label="Your organisation",
                           identifying=True),
             EntryQuestion(challenge_id=world.challenge.id, position=2, kind="short_text", label="The need")]
    db.session.add_all(asked)
    db.session.flush()
    db.session.add_all([EntryAnswer(submission_id=world.subs[0].id, question_id=q.id, value=value,
                                    updated_at=clock.now()) for q, value in zip(asked, ("Befrienders", "Lonely"))])
    round_ = open_round(world)
    login(world.judges[1])
    status, page = both_ways(client, monkeypatch, url(world, round_, world.members[1], world.subs[0]))
    assert status == 200 and "Zebedee" not in page  # the declaration, without the entrant
    declare(sheet(round_, world.members[1], world.subs[0]), False, "", world.judges[1], clock.now())
    db.session.commit()
    status, page = both_ways(client, monkeypatch, url(world, round_, world.members[1], world.subs[0]))
    assert status == 200 and "Blind judging: who entered is hidden" in page and "Zebedee" not in page
    assert "The need" in page and "Lonely" in page and "Befrienders" not in page


def test_the_sheet_page_answers_as_the_old_readers_do(app, judged):
    """The read itself: the same sheet, criteria, scores and entrant, and the rules decide the same."""
    world, round_ = judged
    cases = [(judge.id, sheet(round_, member, entry).id) for judge, member, entry in (
        (world.judges[1], world.members[1], world.subs[0]), (world.judges[2], world.members[2], world.subs[1]),
        (world.judges[0], world.members[1], world.subs[0]))]
    challenge_id = world.challenge.id
    for judge_id, assignment_id in cases:
        answers = []
        for read in (queue.sheet_page, piece_by_piece):
            db.session.expunge_all()
            with app.test_request_context("/"):
                judge, challenge = db.session.get(User, judge_id), db.session.get(Challenge, challenge_id)
                got = read(judge, challenge.slug, assignment_id)
                rules = [can(judge, action, got.assignment) for action in
                         ("judging.own_sheet", "judging.declare", "judging.view_entry", "judging.score",
                          "judging.others_scores")]
                answers.append((got.challenge.id, got.assignment.id, got.assignment.round.name, got.assignment.submission.title,
                                [c.id for c in got.criteria], sorted((s.criterion_id, s.value) for s in
                                                                     got.assignment.scores), got.entered_by, rules,
                                bool(questions_of(challenge)) if read is piece_by_piece else got.asks_questions))
        assert answers[0] == answers[1]
    assert answers[0][-2] == [False] * 5  # the last case: the chair asking for another judge's sheet


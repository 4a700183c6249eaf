"""The score sheet page reads what it shows beside the judge's sheet (the entry's files, its team, the other
judges' submitted sheets) in one statement (queue.beside_the_sheet, issue 13): every visitor gets the page the
plain reading gives, through the entry's relationships and the sheets of its round."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.judging import queue, services
from challenge.judging.assignment import declare
from challenge.judging.models import Assignment, AssignmentState
from challenge.submissions.models import Attachment, TeamMember
from tests.judging.judging_helpers import open_round, sheet
from tests.judging.test_score_sheet_reads import _csrf_free


def plainly(assignment, with_others):
    """The plain reading: the entry's relationships, the round's other submitted sheets and their scores."""
    entry = assignment.submission
    others = None
    if with_others:
        others = [queue.OtherSheet(a.comment, {s.criterion_id: s.value for s in a.scores})
                  for a in db.session.scalars(db.select(Assignment).where(
                      Assignment.round_id == assignment.round_id, Assignment.submission_id == entry.id,
                      Assignment.id != assignment.id, Assignment.state == AssignmentState.SUBMITTED)
                      .order_by(Assignment.id))]
    return queue.BesideTheSheet([(a.original_name, a.size) for a in sorted(entry.attachments, key=lambda a: a.id)],
                                [m.user.name for m in sorted(entry.team, key=lambda m: m.id)], others)


def test_every_judge_sees_the_page_the_plain_reading_gives(client, login, monkeypatch, make_world, make_user):
    world = make_world(judges=4, entries=2)
    entry = world.subs[0]
    for name in ("Zed Teammate", "Amy <Teammate>"):
        db.session.add(TeamMember(submission_id=entry.id, user_id=make_user(name).id))
    for name, size in (("b-plan.pdf", 2048), ("a-budget.xlsx", 0)):
        db.session.add(Attachment(submission_id=entry.id, original_name=name, stored_name=f"{name}.bin", size=size,
                                  content_type="application/pdf", sha256="0" * 64, uploaded_at=clock.now()))
    round_ = open_round(world)
    for member, judge in zip(world.members, world.judges):
        for sub in world.subs:
            declare(sheet(round_, member, sub), False, "", judge, clock.now())
    # the chair and judge 2 submit their sheets for the entry, judge 3 saves a draft, judge 4 scores nothing
    for n, (member, judge) in enumerate(zip(world.members[:3], world.judges[:3])):
        services.save_scores(sheet(round_, member, entry), {str(c.id): k for k, c in enumerate(world.criteria, n)},
                             f"By {judge.name} & <co>", n != 2, judge, clock.now())
    db.session.commit()
    seen = set()
    for member, judge in zip(world.members, world.judges):
        login(judge)
        for sub in world.subs:
            url = f"/judging/{world.challenge.slug}/entries/{sheet(round_, member, sub).id}"
            new = client.get(url)
            with monkeypatch.context() as patched:
                patched.setattr(queue, "beside_the_sheet", plainly)
                old = client.get(url)
            assert new.status_code == old.status_code == 200, url
            page = new.get_data(as_text=True)
            assert _csrf_free(page) == _csrf_free(old.get_data(as_text=True)), url
            seen.add(("others" if '<th scope="col" class="text-end">Judge A' in page else "")
                     + ("files" if "b-plan.pdf" in page else ""))
    assert {"othersfiles", "files", ""} <= seen  # sheets beside others and without, entries with files and without

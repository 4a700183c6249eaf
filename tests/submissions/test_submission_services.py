"""The submission verbs, called directly with an actor and a clock."""
import io
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.platform.models import AuditEvent, OutboxMessage
from challenge.submissions import services, team
from challenge.submissions.models import Attachment, Submission, TeamInvitation
from challenge.submissions.services import AlreadyEntered, AlreadySubmitted


def draft(cast, owner=None, now=None, **fields):
    fields.setdefault("title", "Tea and talk")
    sub = services.start_draft(cast.challenge, owner or cast.creator, now or clock.now(), **fields)
    db.session.commit()
    return sub


def complete(sub, now=None):
    return services.submit(sub, sub.owner, now or clock.now(), eligibility_confirmed=True, terms_accepted=True)


def full_draft(cast, **kw):
    return draft(cast, summary="Weekly tea.", description="We **meet** on Tuesdays.", **kw)


def joined(sub, *people):
    """Each person accepts the invitation the owner's team field emailed them."""
    for person in people:
        invitation = db.session.scalar(db.select(TeamInvitation).where(
            TeamInvitation.submission_id == sub.id, TeamInvitation.email == person.email.lower()))
        team.accept(invitation, person, clock.now())
    db.session.commit()
    return sub


def outbox():
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_draft_gets_a_stable_reference_from_the_years_counter(cast, make_challenge):
    first = full_draft(cast)
    second = draft(cast, owner=cast.other)
    year = clock.now().year
    assert (first.reference, second.reference) == (f"CX-{year}-00001", f"CX-{year}-00002")
    assert first.state == "draft" and first.submitted_at is None
    complete(first)
    assert first.reference == f"CX-{year}-00001"
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_id == first.id).order_by(AuditEvent.id)).all()
    assert actions == ["submission.start", "submission.submit"]


def test_references_restart_each_year(cast):
    assert draft(cast).reference.endswith("-00001")
    next_year = clock.now().replace(year=clock.now().year + 1)
    assert services.next_reference(next_year) == f"CX-{next_year.year}-00001"


def test_one_active_submission_per_creator_per_challenge(cast):
    first = draft(cast)
    with pytest.raises(AlreadyEntered) as refused:
        draft(cast)
    assert refused.value.existing.id == first.id
    assert "already have a submission" in refused.value.message
    services.withdraw(first, cast.creator, clock.now())
    db.session.commit()
    assert draft(cast).id != first.id


def test_the_database_refuses_a_second_active_submission_too(cast):
    first = draft(cast)
    db.session.add(Submission(challenge_id=cast.challenge.id, owner_id=cast.creator.id, reference="CX-X-1",
                              title="Again", state="submitted", created_at=clock.now(), updated_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 1
    assert first.state == "draft"


def test_seekers_cannot_enter_their_own_challenge(cast):
    with pytest.raises(NotAllowed, match="Riverside Council, which runs this challenge"):
        draft(cast, owner=cast.seeker)


@pytest.mark.parametrize("phase", ["upcoming", "closed", "judging", "decided", "completed", "cancelled",
                                   "draft", "in_review"])
def test_no_entry_unless_the_challenge_is_open(cast, make_challenge, phase):
    cast.challenge = make_challenge(cast.council, phase)
    with pytest.raises(InvalidTransition):
        draft(cast)
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 0


def test_someone_disqualified_cannot_enter_again(cast):
    sub = complete(full_draft(cast))
    services.disqualify(sub, cast.broker, clock.now(), reason="Copied from another entry.")
    db.session.commit()
    with pytest.raises(NotAllowed, match="disqualified"):
        draft(cast)


def test_team_addresses_are_invited_and_join_only_when_they_accept(cast, make_user):
    third = make_user("Tess Third", "tess@example.org")
    sub = draft(cast, team_emails="FEMI@example.org, tess@example.org\nfemi@example.org cleo@example.org")
    assert sub.team == [] and team.addresses(sub) == ["femi@example.org", "tess@example.org"]
    assert [(m.kind, m.to_email) for m in outbox()] == [("submission.team_invitation", "femi@example.org"),
                                                        ("submission.team_invitation", "tess@example.org")]
    joined(sub, cast.friend, third)
    assert {m.user_id for m in sub.team} == {cast.friend.id, third.id}
    services.update(sub, cast.creator, clock.now(), title="T", summary="", description="",
                    team_emails="femi@example.org nobody@example.org")
    db.session.commit()
    assert [m.user_id for m in sub.team] == [cast.friend.id] and team.addresses(sub)[-1] == "nobody@example.org"
    with pytest.raises(FieldError) as refused:
        services.update(sub, cast.creator, clock.now(), title="T", summary="", description="",
                        team_emails="femi@example.org not-an-address")
    assert list(refused.value.messages) == ["team"] and "not an email address" in refused.value.messages["team"]


def test_the_form_answers_alike_whether_or_not_an_address_has_an_account(cast):
    sub = draft(cast, team_emails="femi@example.org\nno-account@example.org")
    mails = [m for m in outbox() if m.kind == "submission.team_invitation"]
    assert [m.to_email for m in mails] == ["femi@example.org", "no-account@example.org"]
    assert mails[0].subject == mails[1].subject
    assert mails[0].body.replace("femi", "x").split("http")[0] == mails[1].body.replace("no-account", "x").split("http")[0]
    assert [e.data for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "submission.team_invite"))] == [{"invitation": i.id} for i in team.pending(sub)]


def test_the_challenges_seekers_are_refused_when_they_accept(cast):
    sub = draft(cast, team_emails=cast.seeker.email)  # the form does not say the address belongs to a seeker
    [invitation] = team.pending(sub)
    with pytest.raises(InvalidTransition, match="runs this challenge"):
        team.accept(invitation, cast.seeker, clock.now())
    db.session.rollback()
    assert sub.team == []


def test_only_the_invited_account_may_accept_and_only_once(cast):
    sub = draft(cast, team_emails=cast.friend.email)
    [invitation] = team.pending(sub)
    with pytest.raises(InvalidTransition, match="sent to femi@example.org"):
        team.accept(invitation, cast.other, clock.now())
    db.session.rollback()
    team.accept(invitation, cast.friend, clock.now())
    db.session.commit()
    with pytest.raises(InvalidTransition, match="already accepted"):
        team.accept(invitation, cast.friend, clock.now())
    db.session.rollback()
    assert [m.user_id for m in sub.team] == [cast.friend.id]
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "submission.team_join")) == 1


def test_invitations_are_rate_limited_per_person(cast, make_user):
    sub = draft(cast)
    for n in range(team.INVITES_PER_HOUR // 5):
        services.update(sub, cast.creator, clock.now(), title="T", summary="", description="",
                        team_emails=" ".join(f"p{n}-{i}@example.org" for i in range(5)))
        db.session.commit()
    with pytest.raises(FieldError, match="many team invitations"):
        services.update(sub, cast.creator, clock.now(), title="T", summary="", description="",
                        team_emails="one-more@example.org")
    db.session.rollback()
    later = clock.now() + timedelta(hours=1, seconds=1)
    services.update(sub, cast.creator, later, title="T", summary="", description="", team_emails="one-more@example.org")


def test_a_team_has_at_most_ten_other_members(cast, make_user):
    people = [make_user() for _ in range(services.MAX_TEAM + 1)]
    with pytest.raises(FieldError, match="at most 10"):
        draft(cast, team_emails=" ".join(p.email for p in people))


def test_submitting_for_an_organisation_needs_membership(cast, make_org):
    charity = make_org(cast.creator, name="Tea Charity", kind="charity")
    elsewhere = make_org(cast.other, name="Other Charity", kind="charity")
    with pytest.raises(FieldError, match="organisation you belong to"):
        draft(cast, organisation_id=elsewhere.id)
    with pytest.raises(FieldError):
        draft(cast, organisation_id=987654)
    assert draft(cast, organisation_id=charity.id).organisation_id == charity.id


def test_submit_needs_the_text_and_both_declarations(cast):
    sub = draft(cast)
    with pytest.raises(FieldError) as refused:
        services.submit(sub, cast.creator, clock.now(), eligibility_confirmed=False, terms_accepted=False)
    assert set(refused.value.messages) == {"summary", "description", "eligibility_confirmed", "terms_accepted"}
    assert sub.state == "draft" and not outbox()


def test_submit_sends_a_receipt_to_the_owner_and_the_team(cast, app):
    sub = joined(full_draft(cast, team_emails=cast.friend.email), cast.friend)
    now = clock.now()
    complete(sub, now)
    db.session.commit()
    assert sub.state == "submitted" and sub.submitted_at == now
    assert sub.eligibility_confirmed and sub.terms_accepted
    mails = [m for m in outbox() if m.kind == "submission.receipt"]
    assert [m.to_email for m in mails] == [cast.creator.email, cast.friend.email]
    receipt = mails[0]
    assert receipt.subject == f"Receipt: {sub.reference} submitted to Loneliness in later life"
    assert "Tea and talk" in receipt.body and services.stamp(sub.submitted_at) in receipt.body
    assert f"{app.config['SITE_URL']}/submissions/{sub.reference}" in receipt.body
    assert re.search(r"\d\d:\d\d:\d\d (GMT|BST)", receipt.body)
    with pytest.raises(AlreadySubmitted):
        complete(sub)


def test_the_deadline_is_kept_to_the_second(cast):
    closes = cast.challenge.closes_at
    clock.travel(closes - timedelta(seconds=1) - clock.now())
    sub = full_draft(cast, now=closes - timedelta(seconds=1))
    complete(sub, now=closes - timedelta(seconds=1))
    db.session.commit()
    assert sub.state == "submitted"

    late = full_draft(cast, owner=cast.other, now=closes - timedelta(seconds=2))
    mails_before = len(outbox())
    for moment in (closes, closes + timedelta(seconds=1)):
        with pytest.raises(InvalidTransition, match="closed on"):
            complete(late, now=moment)
        with pytest.raises(InvalidTransition, match="closed on"):
            services.start_draft(cast.challenge, cast.friend, moment, title="Too late")
        db.session.rollback()
    assert late.state == "draft" and late.submitted_at is None
    assert len(outbox()) == mails_before
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 2


VERBS = {
    "update": lambda s, who, now: services.update(s, who, now, title="New", summary="s", description="d"),
    "submit": lambda s, who, now: services.submit(s, who, now, eligibility_confirmed=True, terms_accepted=True),
    "withdraw": lambda s, who, now: services.withdraw(s, who, now),
    "add_attachment": lambda s, who, now: services.add_attachment(s, io.BytesIO(b"%PDF-1.4\n"), "a.pdf", who, now),
    "remove_attachment": lambda s, who, now: services.remove_attachment(s, s.attachments[0], who, now),
}


@pytest.mark.parametrize("verb", VERBS)
def test_after_the_close_nothing_about_a_submission_changes(cast, files, verb):
    sub = full_draft(cast)
    services.add_attachment(sub, io.BytesIO(files.pdf), "plan.pdf", cast.creator, clock.now())
    db.session.commit()
    before = (sub.state, sub.title, sub.updated_at, len(sub.attachments))
    with pytest.raises(InvalidTransition, match="closed on"):
        VERBS[verb](sub, cast.creator, cast.challenge.closes_at)
    db.session.rollback()
    assert (sub.state, sub.title, sub.updated_at, len(sub.attachments)) == before


@pytest.mark.parametrize("verb", VERBS)
def test_team_members_and_others_cannot_change_a_submission(cast, files, verb):
    sub = joined(full_draft(cast, team_emails=cast.friend.email), cast.friend)
    services.add_attachment(sub, io.BytesIO(files.pdf), "plan.pdf", cast.creator, clock.now())
    db.session.commit()
    for who in (cast.friend, cast.other, cast.broker, cast.seeker):
        with pytest.raises(NotAllowed, match="Only Cleo Creator"):
            VERBS[verb](sub, who, clock.now())
        db.session.rollback()
    assert sub.state == "draft" and len(sub.attachments) == 1


@pytest.mark.parametrize("state", ["withdrawn", "disqualified", "shortlisted", "winner"])
def test_entries_that_are_no_longer_live_cannot_be_changed(cast, make_submission, state):
    sub = make_submission(cast.challenge, cast.creator, state)
    with pytest.raises(InvalidTransition, match="can no longer be changed"):
        services.update(sub, cast.creator, clock.now(), title="x", summary="y", description="z")


def test_a_submitted_entry_keeps_its_text_when_edited(cast):
    sub = complete(full_draft(cast))
    db.session.commit()
    with pytest.raises(FieldError) as refused:
        services.update(sub, cast.creator, clock.now(), title="Still here", summary="", description="")
    assert set(refused.value.messages) == {"summary", "description"}
    db.session.rollback()
    services.update(sub, cast.creator, clock.now(), title="Better title", summary="s", description="d")
    assert sub.state == "submitted" and sub.title == "Better title"
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "submission.update")).one()
    assert set(event.data["changed"]) == {"title", "summary", "description"}


def test_withdrawing_a_submitted_entry_tells_the_team_a_draft_does_not(cast):
    sub = complete(joined(full_draft(cast, team_emails=cast.friend.email), cast.friend))
    db.session.commit()
    services.withdraw(sub, cast.creator, clock.now(), reason="  We joined another team.  ")
    db.session.commit()
    assert sub.state == "withdrawn" and sub.state_reason == "We joined another team."
    withdrawn = [m for m in outbox() if m.kind == "submission.withdrawn"]
    assert {m.to_email for m in withdrawn} == {cast.creator.email, cast.friend.email}
    second = draft(cast)
    services.withdraw(second, cast.creator, clock.now())
    db.session.commit()
    assert len([m for m in outbox() if m.kind == "submission.withdrawn"]) == 2


def test_at_most_five_files(cast, files, app):
    sub = draft(cast)
    for n in range(app.config["UPLOAD_MAX_FILES"]):
        services.add_attachment(sub, io.BytesIO(files.png), f"p{n}.png", cast.creator, clock.now())
    db.session.commit()
    with pytest.raises(FieldError, match="at most 5 files"):
        services.add_attachment(sub, io.BytesIO(files.png), "p6.png", cast.creator, clock.now())
    assert len(os.listdir(app.config["UPLOAD_FOLDER"])) == 5


def test_a_file_whose_row_is_rolled_back_leaves_the_disk(cast, files, app):
    sub = draft(cast)
    attachment = services.add_attachment(sub, io.BytesIO(files.pdf), "plan.pdf", cast.creator, clock.now())
    path = os.path.join(app.config["UPLOAD_FOLDER"], attachment.stored_name)
    assert os.path.exists(path)
    db.session.rollback()
    assert not os.path.exists(path)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_a_removed_file_leaves_the_disk_only_once_committed(cast, files, app):
    sub = draft(cast)
    attachment = services.add_attachment(sub, io.BytesIO(files.pdf), "plan.pdf", cast.creator, clock.now())
    db.session.commit()
    path = os.path.join(app.config["UPLOAD_FOLDER"], attachment.stored_name)
    services.remove_attachment(sub, attachment, cast.creator, clock.now())
    db.session.rollback()
    assert os.path.exists(path)
    services.remove_attachment(sub, db.session.get(Attachment, attachment.id), cast.creator, clock.now())
    assert os.path.exists(path)
    db.session.commit()
    assert not os.path.exists(path)


def test_a_file_of_another_submission_cannot_be_removed(cast, files):
    mine, theirs = draft(cast), draft(cast, owner=cast.other)
    attachment = services.add_attachment(theirs, io.BytesIO(files.pdf), "plan.pdf", cast.other, clock.now())
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.remove_attachment(mine, attachment, cast.creator, clock.now())


def test_only_a_broker_disqualifies_an_entered_solution_with_a_reason(cast, make_challenge, make_submission):
    sub = complete(joined(full_draft(cast, team_emails=cast.friend.email), cast.friend))
    db.session.commit()
    for who in (cast.creator, cast.seeker, cast.friend):
        with pytest.raises(NotAllowed):
            services.disqualify(sub, who, clock.now(), reason="No.")
    with pytest.raises(FieldError):
        services.disqualify(sub, cast.broker, clock.now(), reason="   ")
    services.disqualify(sub, cast.broker, clock.now(), reason="Not eligible: a public body.")
    db.session.commit()
    assert (sub.state, sub.state_reason) == ("disqualified", "Not eligible: a public body.")
    told = [m for m in outbox() if m.kind == "submission.disqualified"]
    assert {m.to_email for m in told} == {cast.creator.email, cast.friend.email}
    assert "Not eligible: a public body." in told[0].body
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "submission.disqualify")).one()
    assert (event.from_state, event.to_state, event.actor_id) == ("submitted", "disqualified", cast.broker.id)
    with pytest.raises(InvalidTransition, match="already been disqualified"):
        services.disqualify(sub, cast.broker, clock.now(), reason="Again.")
    for state, phase in (("draft", "open"), ("withdrawn", "closed"), ("submitted", "decided")):
        other = make_submission(make_challenge(cast.council, phase), cast.other, state)
        with pytest.raises(NotAllowed):
            services.disqualify(other, cast.broker, clock.now(), reason="Because.")

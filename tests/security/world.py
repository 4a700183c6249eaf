"""One world with every kind of object the URL map's parameters need, and the eight people the
security sweep signs in as.

Built straight from the packages' models and services (as their own test fixtures do), so one call
gives a challenge in judging with a panel and an open round, entries with an attachment, money,
a partnership with an introduction and impact, a library entry, a diagnosis and live tokens.
"""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app

from challenge import clock
from challenge.accounts.models import Invitation, Membership, PasswordResetToken
from challenge.challenges.entry_questions import EntryQuestion
from challenge.challenges.models import Question
from challenge.extensions import db
from challenge.judging.models import Assignment, PanelInvitation
from challenge.partnerships import services as partnerships
from challenge.partnerships.models import Diagnosis, ImpactRecord, Introduction, LibraryEntry
from challenge.payouts import funding
from challenge.payouts.models import Award, Payout
from challenge.submissions import storage
from challenge.submissions.answers import EntryAnswer
from challenge.submissions.models import Attachment, TeamInvitation

ROLES = ("anon", "creator", "other_creator", "seeker", "other_seeker", "judge", "other_judge", "broker")

TOKENS = SimpleNamespace(org_invitation="org-invite-token-0123456789abcdef", reset="reset-token-0123456789abcdef",
                         panel_invitation="panel-invite-token-0123456789abcdef",
                         intro_creator="intro-creator-token-0123456789abcdef",
                         intro_counterpart="intro-counterpart-token-0123456789abcdef",
                         team_invitation="team-invite-token-0123456789abcdef")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def build_world(make_user, make_org, make_challenge, make_submission, rubric_for, seat) -> SimpleNamespace:
    """The world, made with the suite's factories (passed in: they are fixtures)."""
    now = clock.now()
    seeker = make_user("Sally Seeker", "sally@riverside.example.org")
    other_seeker = make_user("Omar Other", "omar@hillside.example.org")
    creator = make_user("Cara Creator", "cara@example.org")
    other_creator = make_user("Ben Other", "ben@example.org")
    judge = make_user("Jude Judge", "jude@example.org")
    chair = make_user("Chris Chair", "chris@example.org")
    other_judge = make_user("Ona Judge", "ona@example.org")
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    council = make_org(name="Riverside Council", owner=seeker)
    other_council = make_org(name="Hillside Council", owner=other_seeker)
    colleague = make_user("Colin Colleague", "colin@riverside.example.org")
    db.session.add(Membership(user_id=colleague.id, organisation_id=council.id, role="member", created_at=now))

    # The challenge in judging: rubric, an open round, a chair and a judge assigned to the creator's entry.
    challenge = make_challenge(council, "judging", title="Tackling loneliness", author=seeker,
                               prizes=((1_000_000, 1),))
    [criterion], [round_] = rubric_for(challenge, criteria=(("Impact", 100),),
                                       rounds=({"name": "Assessment", "state": "open", "opened_at": now},))
    chair_seat, judge_seat = seat(challenge, chair, "chair"), seat(challenge, judge)
    sub = make_submission(challenge, creator, title="Phone befriending")
    other_sub = make_submission(challenge, other_creator, title="Walking groups")
    assignment = Assignment(round_id=round_.id, panel_member_id=judge_seat.id, submission_id=sub.id,
                            reference=sub.reference)
    db.session.add(assignment)
    stored = storage.store(io.BytesIO(PDF), "plan.pdf", current_app.config["UPLOAD_MAX_BYTES"])
    attachment = Attachment(submission_id=sub.id, original_name=stored.display_name, stored_name=stored.stored_name,
                            content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                            uploaded_at=now)
    db.session.add(attachment)
    # An entry question answered with a file (the editor's routes and the answer's downloads need one).
    entry_question = EntryQuestion(challenge_id=challenge.id, kind="file", label="Your budget", file_types=["pdf"],
                                   max_bytes=1024 * 1024)
    db.session.add(entry_question)
    db.session.flush()
    answer_file = storage.store(io.BytesIO(PDF), "budget.pdf", current_app.config["UPLOAD_MAX_BYTES"])
    db.session.add(EntryAnswer(submission_id=sub.id, question_id=entry_question.id, value="budget.pdf",
                               original_name="budget.pdf", stored_name=answer_file.stored_name,
                               content_type=answer_file.content_type, size=answer_file.size,
                               sha256=answer_file.sha256, updated_at=now))
    panel_invitation = PanelInvitation(challenge_id=challenge.id, email="newjudge@example.org", role="judge",
                                       token_hash=_sha(TOKENS.panel_invitation), invited_by_id=seeker.id,
                                       created_at=now)
    db.session.add(panel_invitation)

    # Money: the lead council funds the pool in full; an award and a payout to the creator.
    funding.set_funders(challenge, [(council, 10_000)], seeker, now)
    db.session.flush()
    funder = funding.funders_of(challenge)[0]
    invoice = funding.issue_invoice(funder, seeker, now)
    award = Award(challenge_id=challenge.id, submission_id=sub.id, prize_id=challenge.prizes[0].id, amount=1_000_000,
                  currency="GBP", created_by_id=seeker.id, created_at=now)
    db.session.add(award)
    db.session.flush()
    payout = Payout(award_id=award.id, user_id=creator.id, amount=1_000_000, currency="GBP", provider="manual",
                    created_at=now)
    db.session.add(payout)

    # Another council's open challenge, whose panel is the "judge not on it"'s only seat.
    db.session.commit()
    other_challenge = make_challenge(other_council, "open", title="Clean rivers", author=other_seeker)
    seat(other_challenge, other_judge)

    # Follow-on: a partnership between the creator and the other council, introduced, with impact.
    partnership = partnerships.create_partnership(broker, now, title="Befriending pilot", kind="pilot",
                                                  creator=creator, counterpart=other_council, origin=sub)
    partnership.stage = "introduced"
    db.session.flush()
    intro = Introduction(partnership_id=partnership.id, note="Meet Cara.", counterpart_contact_id=other_seeker.id,
                         creator_token_hash=_sha(TOKENS.intro_creator),
                         counterpart_token_hash=_sha(TOKENS.intro_counterpart), created_by_id=broker.id,
                         created_at=now)
    impact = ImpactRecord(partnership_id=partnership.id, outcome="Less lonely", quantity=40, proxy=50_000,
                          created_by_id=broker.id, created_at=now)
    entry = LibraryEntry(submission_id=sub.id, solution_summary="Volunteers phone lonely people weekly.",
                         consent_by_id=creator.id, consent_at=now, published_at=now)
    diagnosis = Diagnosis(organisation_id=council.id, title="Why are people lonely?", summary="Evidence first.",
                          created_by_id=seeker.id, created_at=now, updated_at=now)
    org_invitation = Invitation(organisation_id=council.id, email="newcomer@example.org", role="member",
                                token_hash=_sha(TOKENS.org_invitation), invited_by_id=seeker.id, created_at=now)
    reset = PasswordResetToken(user_id=creator.id, token_hash=_sha(TOKENS.reset),
                               expires_at=now + timedelta(hours=1))
    question = Question(challenge_id=challenge.id, asked_by_id=creator.id, body="Can a charity enter?", asked_at=now)
    team_invitation = TeamInvitation(submission_id=sub.id, email=other_creator.email, invited_by_id=creator.id,
                                     token_hash=_sha(TOKENS.team_invitation), created_at=now)
    db.session.add_all([intro, impact, entry, diagnosis, org_invitation, reset, question, team_invitation])
    db.session.commit()
    colleague_membership = db.session.scalar(db.select(Membership).where(Membership.user_id == colleague.id))
    return SimpleNamespace(
        anon=None, creator=creator, other_creator=other_creator, seeker=seeker, other_seeker=other_seeker,
        judge=judge, other_judge=other_judge, broker=broker, chair=chair, colleague=colleague,
        council=council, other_council=other_council, challenge=challenge, other_challenge=other_challenge,
        criterion=criterion, round=round_, judge_seat=judge_seat, chair_seat=chair_seat, sub=sub,
        other_sub=other_sub, assignment=assignment, attachment=attachment, funder=funder, invoice=invoice,
        award=award, payout=payout, partnership=partnership, intro=intro, impact=impact, entry=entry,
        diagnosis=diagnosis, org_invitation=org_invitation, question=question, colleague_membership=colleague_membership,
        entry_question=entry_question,
    )

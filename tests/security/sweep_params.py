"""URL parameters for the route sweep, filled from the security world, keyed on (endpoint, parameter)."""
from __future__ import annotations

from challenge.accounts import confirmation
from challenge.extensions import db
from challenge.judging.models import PanelInvitation
from challenge.privacy import consent
from challenge.submissions.models import TeamInvitation
from tests.security.world import TOKENS

TOKEN_BY_ENDPOINT = {
    "accounts.reset_password": TOKENS.reset,
    "organisations.invitation": TOKENS.org_invitation,
    "submissions.team_invitation": TOKENS.team_invitation,
    "judging.invitation": TOKENS.panel_invitation,
    "introductions.show": TOKENS.intro_creator,
    "introductions.answer": TOKENS.intro_creator,
}

# Endpoints whose <question_id> is an entry question's rather than a public Q&A question's.
ENTRY_QUESTION = ("challenges.change_entry_question", "challenges.delete_entry_question",
                  "challenges.move_entry_question", "submissions.answer_file", "judging.answer_file",
                  "judging.pair_answer_file")

# The invitations answered from the dashboard, by endpoint.
NOTIFICATIONS_IDS = {
    "notifications.join_panel": lambda w: db.session.scalar(db.select(db.func.min(PanelInvitation.id))),
    "notifications.join_team": lambda w: db.session.scalar(db.select(db.func.min(TeamInvitation.id))),
    "notifications.answer_introduction": lambda w: w.intro.id,
}

# Endpoints whose <slug> is an organisation's rather than a challenge's.
ORG_SLUG = ("organisations.", "api.organisation", "payouts.giving_funder", "webhooks.", "api.webhooks",
            "api.create_webhook")


def value_for(endpoint: str, name: str, w):
    """The world's object for one URL parameter of one endpoint."""
    if name == "slug":
        return w.council.slug if endpoint.startswith(ORG_SLUG) else w.challenge.slug
    if name == "token" and endpoint == "confirmation.confirm":
        return confirmation.token_for(w.creator)  # signed, not stored: made for the world's creator
    if name == "token" and endpoint.startswith("privacy.unsubscribe"):
        return consent.token_for(w.creator.email)  # signed, not stored: the creator's unsubscribe link
    if name == "token":
        return TOKEN_BY_ENDPOINT[endpoint]
    if name == "name":
        return "broker" if endpoint.startswith("dashboards.") else name
    if name == "question_id" and endpoint in ENTRY_QUESTION:
        return w.entry_question.id
    if name == "user_id" and endpoint.startswith("privacy."):
        return w.broker.id  # the broker's own data: a swept erasure is refused (own account: the account page)
    if name == "user_id":
        return w.other_creator.id
    if endpoint in NOTIFICATIONS_IDS:  # answering from the dashboard: the world's own invitations
        return NOTIFICATIONS_IDS[endpoint](w) if name != "answer" else "accept"
    simple = {
        "question_id": w.question.id, "org_id": w.other_council.id, "assignment_id": w.assignment.id, "number": 1,
        "criterion_id": w.criterion.id, "position": w.round.position, "reference": w.sub.reference,
        "member_id": w.judge_seat.id, "sid": w.sub.id, "submission_id": w.sub.id, "eid": w.entry.id, "invitation_id": w.org_invitation.id,
        "membership_id": w.colleague_membership.id, "pid": w.partnership.id, "rid": w.impact.id,
        "award_id": w.award.id, "funding_id": w.invoice.id, "funder_id": w.funder.id, "payout_id": w.payout.id,
        "ref": w.sub.reference, "attachment_id": w.attachment.id, "did": w.diagnosis.id, "dataset": "challenges-by-state",
        "document_id": 10**6,  # the world attaches no challenge document
        "story_id": 10**6,  # nor a service user's story
        "token_id": 10**6,  # nor an API token (tests/api/test_api_tokens.py revokes real ones)
        "hook_id": 10**6, "delivery_id": 10**6,  # nor a webhook endpoint (tests/webhooks/ make real ones)
    }
    return simple[name]


def url_for_rule(rule, w) -> str:
    values = {arg: value_for(rule.endpoint, arg, w) for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]

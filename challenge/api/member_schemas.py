"""Schemas of the authenticated API (a personal token): what a seeker drafts, and what a seeker, a creator and
a broker read. The draft's body is checked for its shape here; what it says is checked by the draft form's own
validation and the challenges service (api/drafting.py), so the page and the API refuse the same things."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from challenge.api.schemas import ChallengeDetail, Money, OrganisationRef
from challenge.challenges.models import SECTORS, ChallengeType, IPTerms
from challenge.money import CURRENCIES
from challenge.partnerships.states import MOVES, Stage
from challenge.webhooks.models import EVENTS

LONG = 20_000
MAX_TIERS = 5


class PrizeIn(Schema):
    name = fields.String(required=True, validate=validate.Length(max=120))
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**13),
                            metadata={"description": "For each winner, in minor units (pence)"})
    winners = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=100))


class DraftFields(Schema):
    """A draft's fields; in a PATCH every one is optional and those left out keep their value."""
    title = fields.String(validate=validate.Length(max=200))
    summary = fields.String(validate=validate.Length(max=500))
    problem = fields.String(validate=validate.Length(max=LONG), metadata={"description": "Markdown"})
    context = fields.String(validate=validate.Length(max=LONG))
    outcomes = fields.String(validate=validate.Length(max=LONG))
    eligibility = fields.String(validate=validate.Length(max=LONG))
    sector = fields.String(validate=validate.OneOf([k for k, _ in SECTORS]))
    tags = fields.String(validate=validate.Length(max=300), metadata={"description": "Comma-separated"})
    type = fields.String(validate=validate.OneOf([t.value for t in ChallengeType]))
    ip_terms = fields.String(validate=validate.OneOf([t.value for t in IPTerms]))
    currency = fields.String(validate=validate.OneOf(list(CURRENCIES)))
    opens_at = fields.AwareDateTime(metadata={"description": "ISO 8601 with a time zone"})
    closes_at = fields.AwareDateTime()
    blind_judging = fields.Boolean()
    feedback_to_entrants = fields.Boolean()
    prizes = fields.List(fields.Nested(PrizeIn), validate=validate.Length(min=1, max=MAX_TIERS))


class DraftIn(DraftFields):
    organisation = fields.String(required=True, validate=validate.Length(max=180),
                                 metadata={"description": "The slug of an organisation you belong to"})
    title = fields.String(required=True, validate=validate.Length(max=200))
    summary = fields.String(required=True, validate=validate.Length(max=500))
    problem = fields.String(required=True, validate=validate.Length(max=LONG))
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)
    prizes = fields.List(fields.Nested(PrizeIn), required=True, validate=validate.Length(min=1, max=MAX_TIERS))


class Draft(ChallengeDetail):
    state = fields.String(required=True, metadata={"description": "draft, in_review, published…"})
    tags = fields.String(required=True)
    ip_terms = fields.String(required=True)
    blind_judging = fields.Boolean(required=True)
    feedback_to_entrants = fields.Boolean(required=True)


class SubmissionRow(Schema):
    reference = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    summary = fields.String(required=True)
    owner = fields.String(required=True, metadata={"description": "The entrant's name"})
    organisation = fields.String(required=True, allow_none=True)
    team = fields.List(fields.String(), required=True)
    page = fields.String(required=True)


class SubmissionList(Schema):
    data = fields.List(fields.Nested(SubmissionRow), required=True)


class MySubmission(Schema):
    reference = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    challenge = fields.Nested(OrganisationRef, required=True, metadata={"description": "slug and title"})
    submitted_at = fields.DateTime(required=True, allow_none=True)
    page = fields.String(required=True)


class MySubmissionList(Schema):
    data = fields.List(fields.Nested(MySubmission), required=True)


class JudgeScore(Schema):
    judge = fields.String(required=True)
    service_user = fields.Boolean(required=True)
    score = fields.Float(required=True, allow_none=True, metadata={"description": "Weighted; null: not scored"})


class ResultRow(Schema):
    """What one row of the panel's CSV holds."""
    rank = fields.Integer(required=True, allow_none=True, metadata={"description": "By normalised score"})
    rank_raw = fields.Integer(required=True, allow_none=True)
    reference = fields.String(required=True)
    title = fields.String(required=True)
    normalised = fields.Float(required=True, allow_none=True)
    raw_mean = fields.Float(required=True, allow_none=True)
    complete = fields.Integer(required=True)
    required = fields.Integer(required=True)
    disputed = fields.Boolean(required=True)
    meets_threshold = fields.Boolean(required=True, allow_none=True)
    group = fields.Integer(required=True, allow_none=True, metadata={"description": "Ranks are within a group"})
    joint = fields.Float(required=True, allow_none=True, metadata={"description": "The joint model's score"})
    rank_joint = fields.Integer(required=True, allow_none=True)
    interval = fields.List(fields.Float(), required=True, allow_none=True, metadata={"description": "90 %"})
    too_close = fields.Boolean(required=True)
    judges = fields.List(fields.Nested(JudgeScore), required=True, metadata={"description": "Each judge's score"})


class Results(Schema):
    round = fields.Integer(required=True, metadata={"description": "The round's position"})
    data = fields.List(fields.Nested(ResultRow), required=True)


class ResultsQuery(Schema):
    round = fields.Integer(load_default=None, validate=validate.Range(min=1, max=50),
                           metadata={"description": "A round's position; the open or latest round without it"})


class Partnership(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    stage = fields.String(required=True, validate=validate.OneOf([s.value for s in Stage]))
    creator = fields.String(required=True)
    counterpart = fields.Nested(OrganisationRef, required=True)
    value = fields.Nested(Money, required=True)
    next_action = fields.String(required=True)
    next_action_due = fields.DateTime(required=True, allow_none=True)
    moves = fields.List(fields.String(), required=True, metadata={"description": "The moves its stage allows"})
    updated_at = fields.DateTime(required=True)
    page = fields.String(required=True)


class PartnershipList(Schema):
    data = fields.List(fields.Nested(Partnership), required=True)


class PartnershipMove(Schema):
    move = fields.String(required=True, validate=validate.OneOf(sorted(MOVES)),
                         metadata={"description": "A move from `moves`, as on the partnership's page"})
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "Needed to close as lost"})


class Payout(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    amount = fields.Nested(Money, required=True)
    payee = fields.String(required=True)
    prize = fields.String(required=True)
    challenge = fields.Nested(OrganisationRef, required=True)
    provider = fields.String(required=True)
    attempt = fields.Integer(required=True)
    paid_at = fields.DateTime(required=True, allow_none=True)


class PayoutList(Schema):
    data = fields.List(fields.Nested(Payout), required=True)


class WebhookIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=500),
                        metadata={"description": "An http(s) URL on a public address"})
    events = fields.List(fields.String(validate=validate.OneOf(sorted(EVENTS))), required=True,
                         validate=validate.Length(min=1, max=len(EVENTS)))


class Webhook(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    page = fields.String(required=True, metadata={"description": "The endpoint's page, with its delivery log"})


class WebhookCreated(Webhook):
    secret = fields.String(required=True, metadata={"description": "The signing secret: in this answer only"})


class WebhookList(Schema):
    data = fields.List(fields.Nested(Webhook), required=True)

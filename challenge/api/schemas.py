"""The API's schemas: they validate query parameters and shape answers, and the OpenAPI document is made
from them (one source for both)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from challenge.challenges.catalogue import SORTS, STATUSES
from challenge.challenges.models import SECTORS, ChallengeType

MAX_Q = 200


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"description": "A short machine-readable code, e.g. not_found"})
    message = fields.String(required=True)
    field_errors = fields.Dict(keys=fields.String(), values=fields.String(), required=True, data_key="fields",
                               metadata={"description": "Each refused query parameter and why"})


class Error(Schema):
    """Every error answer, for every status."""
    error = fields.Nested(ErrorBody, required=True)


class Links(Schema):
    self = fields.String(required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "The next page, or null"})


class Money(Schema):
    amount = fields.Integer(required=True, metadata={"description": "Minor units (pence)"})
    currency = fields.String(required=True, metadata={"description": "ISO 4217 code"})


class OrganisationRef(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class CursorQuery(Schema):
    cursor = fields.String(load_default="", validate=validate.Length(max=100),
                           metadata={"description": "Opaque: copy it from links.next"})


class ChallengeQuery(CursorQuery):
    q = fields.String(load_default="", validate=validate.Length(max=MAX_Q), metadata={"description": "Search words"})
    sector = fields.String(load_default="", validate=validate.OneOf([""] + [k for k, _ in SECTORS]))
    status = fields.String(load_default="", validate=validate.OneOf([""] + [k for k, _ in STATUSES]))
    type = fields.String(load_default="", validate=validate.OneOf([""] + [t.value for t in ChallengeType]))
    min_prize = fields.Integer(load_default=None, validate=validate.Range(min=0, max=10**12),
                               metadata={"description": "Minor units"})
    max_prize = fields.Integer(load_default=None, validate=validate.Range(min=0, max=10**12))
    organisation = fields.String(load_default="", validate=validate.Length(max=180),
                                 metadata={"description": "An organisation's slug"})
    sort = fields.String(load_default="closing", validate=validate.OneOf([k for k, _ in SORTS]))


class LibraryQuery(CursorQuery):
    q = fields.String(load_default="", validate=validate.Length(max=MAX_Q))
    sector = fields.String(load_default="", validate=validate.OneOf([""] + [k for k, _ in SECTORS]))


class ChallengeSummary(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    sector = fields.String(required=True)
    type = fields.String(required=True)
    phase = fields.String(required=True, metadata={"description": "upcoming, open, closed, judging, decided…"})
    organisation = fields.Nested(OrganisationRef, required=True)
    prize_pool = fields.Nested(Money, required=True)
    opens_at = fields.DateTime(required=True, allow_none=True)
    closes_at = fields.DateTime(required=True, allow_none=True)
    published_at = fields.DateTime(required=True, allow_none=True)
    url = fields.String(required=True, metadata={"description": "This challenge in the API"})
    page = fields.String(required=True, metadata={"description": "Its public page"})


class ChallengeList(Schema):
    data = fields.List(fields.Nested(ChallengeSummary), required=True)
    links = fields.Nested(Links, required=True)


class Prize(Schema):
    name = fields.String(required=True)
    amount = fields.Nested(Money, required=True)
    winners = fields.Integer(required=True, metadata={"description": "How many entries win it"})


class Criterion(Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    weight = fields.Integer(required=True)
    weight_percent = fields.Integer(required=True)


class Round(Schema):
    position = fields.Integer(required=True)
    name = fields.String(required=True)
    closes_at = fields.DateTime(required=True, allow_none=True)


class Timeline(Schema):
    published_at = fields.DateTime(required=True, allow_none=True)
    opens_at = fields.DateTime(required=True, allow_none=True)
    closes_at = fields.DateTime(required=True, allow_none=True)
    rounds = fields.List(fields.Nested(Round), required=True)


class Funder(Schema):
    organisation = fields.Nested(OrganisationRef, required=True)
    share_percent = fields.Float(required=True)


class EntryQuestion(Schema):
    label = fields.String(required=True)
    kind = fields.String(required=True)
    required = fields.Boolean(required=True)


class Winner(Schema):
    prize = fields.String(required=True)
    amount = fields.Nested(Money, required=True)
    title = fields.String(required=True, allow_none=True, metadata={"description": "null: not consented"})
    who = fields.String(required=True, allow_none=True)
    link = fields.String(required=True, allow_none=True)


class ChallengeDetail(ChallengeSummary):
    problem = fields.String(required=True)
    context = fields.String(required=True)
    outcomes = fields.String(required=True)
    eligibility = fields.String(required=True)
    prizes = fields.List(fields.Nested(Prize), required=True)
    criteria = fields.List(fields.Nested(Criterion), required=True)
    timeline = fields.Nested(Timeline, required=True)
    funders = fields.List(fields.Nested(Funder), required=True)
    entry_questions = fields.List(fields.Nested(EntryQuestion), required=True)
    winners = fields.String(required=True, allow_none=True,
                            metadata={"description": "The winners' URL once results are published, else null"})


class WinnerList(Schema):
    data = fields.List(fields.Nested(Winner), required=True)


class Organisation(OrganisationRef):
    kind = fields.String(required=True)
    description = fields.String(required=True)
    website = fields.String(required=True)
    verified = fields.Boolean(required=True)
    url = fields.String(required=True)
    page = fields.String(required=True)


class OrganisationDetail(Organisation):
    challenges = fields.List(fields.Nested(OrganisationRef), required=True,
                             metadata={"description": "Its published challenges (slug, title as name)"})


class OrganisationList(Schema):
    data = fields.List(fields.Nested(OrganisationRef), required=True)


class LibraryEntry(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    solution_summary = fields.String(required=True)
    challenge = fields.Nested(OrganisationRef, required=True, metadata={"description": "slug and title"})
    who = fields.String(required=True)
    published_at = fields.DateTime(required=True)
    page = fields.String(required=True)


class LibraryList(Schema):
    data = fields.List(fields.Nested(LibraryEntry), required=True)
    links = fields.Nested(Links, required=True)

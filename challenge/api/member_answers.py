"""What the authenticated API answers, built from the packages' own objects: plain dicts the member schemas
shape. The rows are those the pages show the same person (the queries and rules are the packages')."""
from __future__ import annotations

from flask import abort

from challenge.api.answers import challenge_detail
from challenge.judging import blueprint as judging
from challenge.judging.models import RoundState
from challenge.judging.rubric import rounds_of
from challenge.dates import local
from challenge.partnerships.states import moves_from
from challenge.platform.links import site_link


def _money(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


def draft(c) -> dict:
    return challenge_detail(c) | {"state": c.state, "tags": c.tags, "ip_terms": c.ip_terms,
                                  "blind_judging": c.blind_judging, "feedback_to_entrants": c.feedback_to_entrants}


def draft_fields(c) -> dict:
    """A challenge's draft as the API takes it (member_schemas.DraftFields): what a PATCH starts from."""
    return {"title": c.title, "summary": c.summary, "problem": c.problem, "context": c.context,
            "outcomes": c.outcomes, "eligibility": c.eligibility, "sector": c.sector, "tags": c.tags,
            "type": c.type, "ip_terms": c.ip_terms, "currency": c.currency, "opens_at": c.opens_at,
            "closes_at": c.closes_at, "blind_judging": c.blind_judging,
            "feedback_to_entrants": c.feedback_to_entrants,
            "prizes": [{"name": p.name, "amount": p.amount, "winners": p.winners} for p in c.prizes]}


def submission_row(s) -> dict:
    return {"reference": s.reference, "title": s.title, "state": s.state, "submitted_at": s.submitted_at,
            "summary": s.summary, "owner": s.owner.name,
            "organisation": s.organisation.name if s.organisation else None,
            "team": [m.user.name for m in s.team], "page": site_link("submissions.show", ref=s.reference)}


def my_submission(s) -> dict:
    return {"reference": s.reference, "title": s.title, "state": s.state,
            "challenge": {"slug": s.challenge.slug, "name": s.challenge.title}, "submitted_at": s.submitted_at,
            "page": site_link("submissions.show", ref=s.reference)}


def results(res) -> dict:
    """The panel CSV's rows (judging/export.panel_csv) as JSON."""
    return {"round": res.round.position, "data": [{
        "rank": e.rank, "rank_raw": e.rank_raw, "reference": e.reference, "title": e.title,
        "normalised": e.normalised, "raw_mean": e.raw_mean, "complete": e.complete, "required": e.required,
        "disputed": e.disputed, "meets_threshold": e.meets_threshold, "group": e.group, "joint": e.joint,
        "rank_joint": e.rank_joint, "interval": list(e.interval) if e.interval else None,
        "too_close": e.too_close,
        "judges": [{"judge": j.name, "service_user": j.service_user, "score": e.cells.get(j.id, ("", None))[1]}
                   for j in res.judges]} for e in res.entries]}


def partnership(p) -> dict:
    return {"id": p.id, "title": p.title, "kind": p.kind, "stage": p.stage, "creator": p.creator.name,
            "counterpart": {"slug": p.counterpart.slug, "name": p.counterpart.name},
            "value": _money(p.value, p.currency), "next_action": p.next_action,
            "next_action_due": p.next_action_due, "moves": [m.name for m in moves_from(p.stage)],
            "updated_at": p.updated_at, "page": site_link("partnerships.show", pid=p.id)}


def payout(p) -> dict:
    award = p.award
    return {"id": p.id, "state": p.state, "amount": _money(p.amount, p.currency), "payee": p.user.name,
            "prize": award.label, "challenge": {"slug": award.challenge.slug, "name": award.challenge.title},
            "provider": p.provider, "attempt": p.attempt, "paid_at": p.paid_at}


def local_form_time(dt) -> str:
    """A time as the draft form's `datetime-local` field takes it (the site's time zone)."""
    return local(dt).strftime("%Y-%m-%dT%H:%M:%S")


def round_or_404(challenge, position: int | None):
    """The round asked for, else the open round, else the latest that started (as the panel page picks it)."""
    if position is not None:
        return judging.round_or_404(challenge, str(position))
    started = [r for r in rounds_of(challenge) if r.state != RoundState.PENDING]
    chosen = next((r for r in started if r.state == RoundState.OPEN), started[-1] if started else None)
    if chosen is None:
        abort(404)
    return chosen


def webhook(endpoint) -> dict:
    return {"id": endpoint.id, "url": endpoint.url, "events": list(endpoint.events), "active": endpoint.active,
            "created_at": endpoint.created_at, "page": site_link("webhooks.show", hook_id=endpoint.id)}

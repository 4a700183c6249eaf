"""What the API answers, built from the packages' own services: plain dicts the schemas then shape."""
from __future__ import annotations

from flask import abort, url_for
from flask_login import AnonymousUserMixin

from challenge import clock
from challenge.challenges.entry_questions import questions_of
from challenge.challenges.states import phase_of
from challenge.judging import rubric
from challenge.judging.publication import DECIDED, published_placements
from challenge.library.services import public_credit
from challenge.payouts.pool import funders_of
from challenge.permissions import can
from challenge.platform.links import site_link


def ensure_public(action: str, thing) -> None:
    """404 unless an anonymous visitor may do `action`: cookies never widen what the API shows."""
    if not can(AnonymousUserMixin(), action, thing):
        abort(404)


def is_public(challenge) -> bool:
    """As the site shows it to an anonymous visitor (a cancelled one too, though the catalogue lists it no more)."""
    return can(AnonymousUserMixin(), "challenge.view", challenge)


def results_published(challenge) -> bool:
    return challenge.state in DECIDED and published_placements(challenge) is not None


def _money(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


def _ref(org) -> dict:
    return {"slug": org.slug, "name": org.name}


def challenge_summary(c) -> dict:
    return {"slug": c.slug, "title": c.title, "summary": c.summary, "sector": c.sector, "type": c.type,
            "phase": phase_of(c.state, c.opens_at, c.closes_at, clock.now()).value,
            "organisation": _ref(c.organisation), "prize_pool": _money(c.prize_pool, c.currency),
            "opens_at": c.opens_at, "closes_at": c.closes_at, "published_at": c.published_at,
            "url": url_for("api.challenge", slug=c.slug, _external=True),
            "page": site_link("challenges.show", slug=c.slug)}


def challenge_detail(c) -> dict:
    criteria = rubric.criteria_of(c)
    return challenge_summary(c) | {
        "problem": c.problem, "context": c.context, "outcomes": c.outcomes, "eligibility": c.eligibility,
        "prizes": [{"name": p.name, "amount": _money(p.amount, c.currency), "winners": p.winners} for p in c.prizes],
        "criteria": [{"name": cr.name, "description": cr.description, "weight": cr.weight,
                      "weight_percent": rubric.weight_percent(cr, criteria)} for cr in criteria],
        "timeline": {"published_at": c.published_at, "opens_at": c.opens_at, "closes_at": c.closes_at,
                     "rounds": [{"position": r.position, "name": r.name, "closes_at": r.closes_at}
                                for r in rubric.rounds_of(c)]},
        "funders": [{"organisation": _ref(f.organisation), "share_percent": f.share_bp / 100} for f in funders_of(c)],
        "entry_questions": [{"label": q.label, "kind": q.kind, "required": q.required} for q in questions_of(c)],
        "winners": url_for("api.winners", slug=c.slug, _external=True) if results_published(c) else None}


def winner(w, c) -> dict:
    return {"prize": w.prize.name, "amount": _money(w.prize.amount, c.currency), "title": w.title,
            "who": w.who, "link": w.link}


def organisation(org, challenges) -> dict:
    return {"slug": org.slug, "name": org.name, "kind": org.kind, "description": org.description,
            "website": org.website, "verified": org.verified,
            "url": url_for("api.organisation", slug=org.slug, _external=True),
            "page": site_link("organisations.show", slug=org.slug),
            "challenges": [{"slug": c.slug, "name": c.title} for c in challenges]}


def library_entry(entry) -> dict:
    sub = entry.submission
    who, page = public_credit(sub) or ("", site_link("library.show", eid=entry.id))
    return {"id": entry.id, "title": sub.title, "solution_summary": entry.solution_summary,
            "challenge": {"slug": sub.challenge.slug, "name": sub.challenge.title}, "who": who,
            "published_at": entry.published_at, "page": page}

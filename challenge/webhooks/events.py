"""The events' payloads, in one place (docs/api.md shows the same shapes): each `raise_*` is called by the
service that makes the change, in its transaction. Objects are named by id, slug and link, never by
anything personal: a payload leaves the platform."""
from __future__ import annotations

from datetime import datetime

from challenge.platform.links import site_link
from challenge.webhooks.services import raise_event


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at is not None else None


def challenge_ref(challenge) -> dict:
    return {"id": challenge.id, "slug": challenge.slug, "title": challenge.title,
            "url": site_link("challenges.show", slug=challenge.slug)}


def raise_challenge_closed(challenge, submissions: int, now: datetime) -> list:
    """`challenge.closed`, once per endpoint per challenge, with the entries submitted by the close."""
    return raise_event("challenge.closed", [challenge.organisation_id],
                       {"challenge": challenge_ref(challenge), "closed_at": _iso(challenge.closes_at),
                        "submissions": submissions},
                       now, event_key=f"challenge.closed:{challenge.id}", happened_at=challenge.closes_at)


def raise_decision_published(challenge, winners: int, now: datetime) -> list:
    """`decision.published`: the results took effect (judging/publication.publish)."""
    return raise_event("decision.published", [challenge.organisation_id],
                       {"challenge": challenge_ref(challenge), "published_at": _iso(now), "winners": winners,
                        "results_url": site_link("challenges.show", slug=challenge.slug)}, now)


def raise_partnership_stage_changed(partnership, before: str, after: str, now: datetime) -> list:
    """`partnership.stage_changed`: to the counterpart's and the creator organisation's endpoints."""
    return raise_event("partnership.stage_changed",
                       [partnership.counterpart_id, partnership.creator_organisation_id],
                       {"partnership": {"id": partnership.id, "title": partnership.title, "kind": partnership.kind},
                        "from": str(before), "to": str(after), "changed_at": _iso(now)}, now)

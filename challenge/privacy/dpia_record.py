"""A challenge's DPIA record: what its screening page, the challenge page's panel and the downloads show.

One dict (`record_of`) is the record; the page, the JSON and the Markdown download are three renderings of it,
so they never disagree.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_login import current_user

from challenge.challenges.models import Challenge, ServiceUserData
from challenge.challenges.states import UNPUBLISHED_STATES
from challenge.dates import format_dt
from challenge.permissions import can
from challenge.privacy import dpia


def _who(user) -> str | None:
    return user.name if user is not None else None


def _day(day: date) -> str:
    """`Fri 12 Dec 2026`, as dates.format_date writes a moment's day."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def record_of(challenge: Challenge) -> dict:
    """The challenge, its controller, the answers, the outcome and the DPO's sign-off, as plain data."""
    screening = dpia.screening_of(challenge)
    outcome = dpia.outcome_for(challenge, screening)
    answers = screening.answers if screening else {}
    said = {q.key: answers.get(q.key) or {} for q in dpia.QUESTIONS}
    return {
        "challenge": {"title": challenge.title, "slug": challenge.slug, "organisation": challenge.organisation.name,
                      "state": challenge.state},
        "controller": {"name": current_app.config["PRIVACY_CONTROLLER"],
                       "address": current_app.config["PRIVACY_CONTROLLER_ADDRESS"]},
        "service_user_data": {"value": challenge.service_user_data,
                              "label": ServiceUserData(challenge.service_user_data).label},
        "answers": [{"key": q.key, "question": q.text, "high_risk": q.high_risk,
                     "answer": said[q.key].get("answer"), "note": said[q.key].get("note", "")}
                    for q in dpia.QUESTIONS] if outcome.needed else [],
        "answered_by": _who(screening.answered_by) if screening else None,
        "answered_at": _when(screening.answered_at) if screening else None,
        "outcome": {"full_dpia_required": outcome.full_dpia, "complete": outcome.complete,
                    "headline": outcome.headline, "reasons": outcome.reasons},
        "sign_off": ({"signed_on": screening.dpo_signed_on.isoformat(),
                      "signed_on_words": _day(screening.dpo_signed_on), "reference": screening.dpo_reference,
                      "recorded_by": _who(screening.signed_off_by), "recorded_at": _when(screening.signed_off_at)}
                     if dpia.signed_off(screening) else None),
    }


def markdown_of(record: dict, now: datetime) -> str:
    """The record as a Markdown document, for the DPO's file."""
    ch, out = record["challenge"], record["outcome"]
    lines = [f"# DPIA screening record: {ch['title']}", "",
             f"- Challenge: {ch['title']} ({ch['slug']}), led by {ch['organisation']}; state: {ch['state']}",
             f"- Controller: {record['controller']['name']}"
             + (f", {record['controller']['address']}" if record["controller"]["address"] else ""),
             f"- Service users' data: {record['service_user_data']['label']}",
             f"- Answered by: {record['answered_by'] or 'nobody yet'}"
             + (f" at {record['answered_at']}" if record["answered_at"] else ""),
             "", "## Outcome", "", f"**{out['headline']}**", ""]
    lines += [f"- {reason}" for reason in out["reasons"]]
    if record["answers"]:
        lines += ["", "## Screening questions (ICO checklist)", ""]
        for a in record["answers"]:
            lines.append(f"- {a['question']} **{(a['answer'] or 'not answered').capitalize()}**"
                         + (f" — {a['note']}" if a["note"] else ""))
    so = record["sign_off"]
    lines += ["", "## DPO sign-off", "",
              (f"Signed off by the DPO on {so['signed_on_words']}, reference {so['reference']}; recorded by "
               f"{so['recorded_by']} at {so['recorded_at']}.") if so else "Not recorded.",
              "", f"Exported {format_dt(now, with_year=True)}.", ""]
    return "\n".join(lines)


def panel_of(challenge: Challenge) -> dict | None:
    """What the challenge page shows its seekers and brokers about the screening (None: nothing to show)."""
    if not can(current_user, "privacy.dpia_view", challenge):
        return None
    if challenge.service_user_data == ServiceUserData.NONE:
        return None
    record = record_of(challenge)
    return {"record": record, "answered": record["answered_at"] is not None,
            "open": challenge.state in UNPUBLISHED_STATES}

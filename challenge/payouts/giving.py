"""Prize awards and stage grants paid, as 360Giving data (https://standard.threesixtygiving.org).

A JSON package ``{"grants": [...]}`` and the same grants in the flat CSV form with 360Giving's column
titles. An award is a grant once it is paid: not cancelled, and every payout of it is paid (a team award
has one payout per member). Its fields:

- ``id``: ``<THREESIXTYGIVING_PREFIX>-<award id>``; the prefix (``360G-`` and the publisher's name) is issued
  by 360Giving when the publisher registers; the default ``360G-challengeexchange`` is a placeholder.
- ``currency`` (ISO 4217), ``amountAwarded`` in major units, converted exactly from integer minor units,
  ``awardDate`` (ISO 8601 date: the day the award was made).
- ``recipientOrganization`` (the entry's organisation, with its org-id: accounts/orgids.py) or
  ``recipientIndividual`` for an entry made by a person; in the public file a person's name is withheld
  and their id is per grant, so grants to the same person cannot be linked.
- ``fundingOrganization``: every organisation that accepted a share of the challenge's pool (co-funders).
- ``grantProgramme``: the challenge (slug and title); ``classifications``: its sector.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import selectinload

from challenge.accounts import orgids
from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.payouts.models import Award, Funder, Payout
from challenge.payouts.states import FunderState, PayoutState
from challenge.submissions.models import Submission

PREFIX_PATTERN = orgids.GIVING_PREFIX_PATTERN
SECTOR_VOCABULARY = "challengeexchange-sector"
WITHHELD_NAME = "Individual recipient"
DECIDED = (ChallengeState.DECIDED, ChallengeState.COMPLETED)
CSV_COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Ind:Identifier", "Recipient Ind:Name",
    "Funding Org:Identifier", "Funding Org:Name", "Grant Programme:Code", "Grant Programme:Title",
    "Classifications:Vocabulary", "Classifications:Code", "Classifications:Title",
)


def amount(minor: int) -> int | float:
    """Minor units as a JSON number of major units, exactly: 1000000 -> 10000, 12345 -> 123.45.

    The division is Decimal's; the float made from its two-decimal result prints as exactly that decimal."""
    value = Decimal(int(minor)).scaleb(-2)
    return int(value) if value == value.to_integral_value() else float(value)


def paid_awards(*, funder: Organisation | None = None, public: bool = False) -> list[Award]:
    """The awards paid in full, oldest first: all of them, those of challenges `funder` co-funds, or (public)
    those of decided challenges whose every funder opted in to publishing."""
    unpaid = db.select(Payout.id).where(Payout.award_id == Award.id, Payout.state != PayoutState.PAID)
    query = (db.select(Award).where(Award.cancelled_at.is_(None), Award.payouts.any(), ~unpaid.exists())
             .options(selectinload(Award.challenge), selectinload(Award.prize),
                      selectinload(Award.submission).selectinload(Submission.organisation),
                      selectinload(Award.submission).selectinload(Submission.owner))
             .order_by(Award.id))
    accepted = db.select(Funder.challenge_id).where(Funder.state == FunderState.ACCEPTED)
    if funder is not None:
        query = query.where(Award.challenge_id.in_(accepted.where(Funder.organisation_id == funder.id)))
    if public:
        holdouts = accepted.join(Organisation, Organisation.id == Funder.organisation_id).where(
            Organisation.publish_grants_open_data.is_(False))
        query = query.join(Challenge, Challenge.id == Award.challenge_id).where(
            Challenge.state.in_(DECIDED), Award.challenge_id.in_(accepted), Award.challenge_id.not_in(holdouts))
    return list(db.session.scalars(query))


def funders_by_challenge(challenge_ids) -> dict[int, list[Organisation]]:
    rows = db.session.execute(
        db.select(Funder.challenge_id, Organisation).join(Organisation, Organisation.id == Funder.organisation_id)
        .where(Funder.challenge_id.in_(set(challenge_ids)), Funder.state == FunderState.ACCEPTED)
        .order_by(Funder.challenge_id, Funder.share_bp.desc(), Funder.id))
    found: dict[int, list[Organisation]] = {}
    for challenge_id, org in rows:
        found.setdefault(challenge_id, []).append(org)
    return found


def grant(award: Award, funders: list[Organisation], prefix: str, *, public: bool) -> dict:
    """One award as a 360Giving grant."""
    ch, sub = award.challenge, award.submission
    entry = {
        "id": f"{prefix}-{award.id}",
        "title": f"{award.label}: {sub.title}",
        "description": f"{award.label} in the challenge prize “{ch.title}”, for the entry “{sub.title}”."
                       + (f" {sub.summary}" if sub.summary else ""),
        "currency": award.currency,
        "amountAwarded": amount(award.amount),
        "awardDate": award.created_at.date().isoformat(),
        "fundingOrganization": [{"id": orgids.org_id(org, prefix).identifier, "name": org.name} for org in funders],
        "grantProgramme": [{"code": ch.slug, "title": ch.title}],
        "classifications": [{"vocabulary": SECTOR_VOCABULARY, "code": ch.sector, "title": ch.sector_label}],
    }
    if sub.organisation is not None:
        entry["recipientOrganization"] = [{"id": orgids.org_id(sub.organisation, prefix).identifier,
                                           "name": sub.organisation.name}]
    else:
        entry["recipientIndividual"] = {"id": f"{prefix}-IND-{award.id}",
                                        "name": WITHHELD_NAME if public else sub.owner.name}
    return entry


def package(awards: list[Award], prefix: str, *, public: bool = False) -> dict:
    """The 360Giving JSON package for `awards`."""
    funders = funders_by_challenge(a.challenge_id for a in awards)
    return {"grants": [grant(a, funders.get(a.challenge_id, []), prefix, public=public) for a in awards]}


def csv_rows(document: dict) -> list[list]:
    """The package's grants in 360Giving's flat form (one row each; a co-funder beyond the first in numbered
    columns "Funding Org:1:Identifier", "Funding Org:1:Name", …, as the standard's flattening names them)."""
    extra = max((len(g["fundingOrganization"]) for g in document["grants"]), default=1) - 1
    header = list(CSV_COLUMNS) + [f"Funding Org:{n}:{part}" for n in range(1, extra + 1)
                                  for part in ("Identifier", "Name")]
    rows = [header]
    for g in document["grants"]:
        org = (g.get("recipientOrganization") or [{}])[0]
        person = g.get("recipientIndividual") or {}
        first, *more = g["fundingOrganization"] or [{}]
        programme, sector = g["grantProgramme"][0], g["classifications"][0]
        row = [g["id"], g["title"], g["description"], g["currency"], str(g["amountAwarded"]), g["awardDate"],
               org.get("id", ""), org.get("name", ""), person.get("id", ""), person.get("name", ""),
               first.get("id", ""), first.get("name", ""), programme["code"], programme["title"],
               sector["vocabulary"], sector["code"], sector["title"]]
        for n in range(extra):
            row += [more[n]["id"], more[n]["name"]] if n < len(more) else ["", ""]
        rows.append(row)
    return rows

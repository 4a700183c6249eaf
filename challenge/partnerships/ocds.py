"""The contract details notice as an Open Contracting Data Standard (OCDS) 1.1 release package.

The procurement panel's notice (``procurement.contract_details_fields``) is also offered as JSON a buyer can
load into its own systems or the Central Digital Platform's tools, which speak OCDS. One release, tagged
``["award", "contract"]``: the buyer and the supplier as parties with their roles, one award and one contract
with the value (VAT included, as the thresholds are compared; ``amountNet``/``amountGross`` beside it, as
the UK's OCDS data carry them) and the contract period; ``dateSigned`` when the buyer gives it.

Parties: each carries its org-id (https://org-id.guide, the organisation's recorded charity, company, local
authority or NHS code: accounts/orgids.py) as ``identifier.scheme`` and ``identifier.id`` beside
``identifier.legalName``, any further codes as ``additionalIdentifiers``, and its ``id`` is the org-id itself
(``GB-LAE-CON``), as the OCDS guidance on organisation identifiers suggests; a party with no recorded code
(a person, or an organisation that gave none) has the legal name only and the platform's own id
(``org-12``, ``person-7``). A buyer who is also the supplier is one party with both roles, so
``parties[].id`` stays unique in the release.

Identifiers: ``ocid`` is ``<OCDS_PREFIX>-cx-partnership-<id>``. A real prefix (``ocds-`` and six letters
or digits) is registered with the Open Contracting Partnership; the default ``ocds-xxxxxx`` is a
placeholder that says so. Dates are ISO 8601 date-times in UTC, currencies ISO 4217 codes, amounts in
major units (pounds, not pence).

Pure: standard library only. Bad input raises ``ProcurementInputError``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from challenge.partnerships.procurement import ProcurementInputError

PLACEHOLDER_PREFIX = "ocds-xxxxxx"
PREFIX_PATTERN = re.compile(r"^ocds-[a-z0-9]{6}$")
OCID_PATTERN = re.compile(r"^ocds-[a-z0-9]{6}-.+$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Party:
    """A buyer or supplier: its name, OCDS role and identifiers.

    `identifiers` are (org-id scheme, id within it) pairs, the preferred first, e.g. (("GB-LAE", "CON"),);
    `platform_id` (``org-12``) is the party's id when it has none."""

    platform_id: str
    name: str
    role: str  # "buyer" or "supplier"
    sme: bool | None = None  # suppliers: small or medium-sized, for details.scale
    identifiers: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        if self.identifiers:
            scheme, local = self.identifiers[0]
            return f"{scheme}-{local}"
        return self.platform_id


def check_prefix(prefix: object) -> str:
    if not isinstance(prefix, str) or not PREFIX_PATTERN.match(prefix):
        raise ProcurementInputError(f"OCDS_PREFIX must be 'ocds-' and six lower-case letters or digits, not {prefix!r}")
    return prefix


def ocid(prefix: str, partnership_id: int) -> str:
    return f"{check_prefix(prefix)}-cx-partnership-{int(partnership_id)}"


def iso(moment: date | datetime) -> str:
    """An ISO 8601 date-time in UTC (a date is its midnight): ``2027-04-01T00:00:00Z``."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0), UTC)
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def amount(minor: int) -> int | float:
    """Minor units as a JSON number of major units: 4800000 -> 48000, 12345 -> 123.45."""
    whole, part = divmod(int(minor), 100)
    return whole if part == 0 else round(minor / 100, 2)


def release_package(
    *, prefix: str, partnership_id: int, buyer: Party, supplier: Party, title: str, description: str,
    value_excl_minor: int, value_incl_minor: int, currency: str, start: date, end: date,
    published: datetime, uri: str, publisher: str, date_signed: date | None = None,
) -> dict:
    """The OCDS 1.1 release package for one contract details notice."""
    if not CURRENCY_PATTERN.match(currency or ""):
        raise ProcurementInputError(f"The currency must be an ISO 4217 code such as GBP, not {currency!r}")
    release_ocid = ocid(prefix, partnership_id)
    value = {"amount": amount(value_incl_minor), "currency": currency,
             "amountNet": amount(value_excl_minor), "amountGross": amount(value_incl_minor)}
    period = {"startDate": iso(start), "endDate": iso(end)}
    contract = {"id": f"{partnership_id}-contract", "awardID": f"{partnership_id}-award", "title": title,
                "description": description, "status": "active" if date_signed else "pending",
                "value": value, "period": period}
    if date_signed:
        contract["dateSigned"] = iso(date_signed)
    release = {
        "ocid": release_ocid, "id": f"{release_ocid}-contract-details-{published:%Y%m%dT%H%M%SZ}",
        "date": iso(published), "tag": ["award", "contract"], "initiationType": "tender", "language": "en",
        "parties": _parties(buyer, supplier),
        "buyer": {"id": buyer.id, "name": buyer.name},
        "awards": [{"id": f"{partnership_id}-award", "title": title, "status": "active", "value": value,
                    "suppliers": [{"id": supplier.id, "name": supplier.name}], "contractPeriod": period}],
        "contracts": [contract],
    }
    return {"uri": uri, "version": "1.1", "publishedDate": iso(published),
            "publisher": {"name": publisher}, "releases": [release]}


def _parties(*parties: Party) -> list[dict]:
    """One entry per party id, in the order given; a party named twice gets the roles of both."""
    entries: dict[str, dict] = {}
    for party in parties:
        if party.id in entries:
            entries[party.id]["roles"].append(party.role)
            if party.sme is not None:
                entries[party.id]["details"] = _details(party)
            continue
        entries[party.id] = _party(party)
    return list(entries.values())


def _party(party: Party) -> dict:
    identifier = {"legalName": party.name}
    if party.identifiers:
        scheme, local = party.identifiers[0]
        identifier = {"scheme": scheme, "id": local, **identifier}
    entry = {"id": party.id, "name": party.name, "identifier": identifier, "roles": [party.role]}
    if party.identifiers[1:]:
        entry["additionalIdentifiers"] = [{"scheme": scheme, "id": local} for scheme, local in party.identifiers[1:]]
    if party.sme is not None:
        entry["details"] = _details(party)
    return entry


def _details(party: Party) -> dict:
    return {"scale": "sme" if party.sme else "large"}

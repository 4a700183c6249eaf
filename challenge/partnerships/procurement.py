"""Which notices a follow-on purchase needs under the UK Procurement Act 2023.

A guide for the page that helps a buyer plan the purchase after a challenge,
not legal advice. Thresholds under the Act are compared INCLUDING VAT (20 %,
worked in whole pence, half up). For a public buyer:

* below the notice threshold: no notice is required;
* at or above it, below the full-procedure threshold: a contract details
  notice (a "notifiable below-threshold contract");
* at or above the full-procedure threshold: a full procurement under the Act
  (tender notice, contract award notice, standstill, contract details notice).

Thresholds are passed in (from app config) or default to DEFAULT_THRESHOLDS,
the goods-and-services figures for 2024–25. From 1 January 2026 (PPN 023) the
full-procedure figures are £207,720 (sub-central) and £135,018 (central): set
them in config. Works, light-touch and concession contracts have other
thresholds; those are out of scope here.

Pure: standard library and ``challenge.money`` only. Bad input raises
``ProcurementInputError`` (a ``ValueError``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from challenge.money import format_money

__all__ = [
    "BUYER_KINDS", "DEFAULT_THRESHOLDS", "VAT_RATE_PERCENT", "Band", "NoticeRequirement",
    "ProcurementInputError", "add_vat", "contract_details_fields", "notices_required", "remove_vat",
]

VAT_RATE_PERCENT = 20

#: Pence, VAT included. "notice": contract details notice from here; "full_procedure": the Act in full.
DEFAULT_THRESHOLDS: dict[str, dict[str, int]] = {
    "local_authority": {"notice": 3_000_000, "full_procedure": 21_490_400},  # £30,000 / £214,904
    "central_government": {"notice": 1_200_000, "full_procedure": 13_968_800},  # £12,000 / £139,688
    "nhs": {"notice": 1_200_000, "full_procedure": 13_968_800},  # NHS bodies count as central
}

#: Organisation kind -> threshold set; None means not a public buyer (no obligations here).
#: Schools and academy trusts are sub-central, like councils. Unknown kinds are refused.
BUYER_KINDS: dict[str, str | None] = {
    "local_authority": "local_authority",
    "council": "local_authority",
    "school": "local_authority",
    "school_trust": "local_authority",
    "academy_trust": "local_authority",
    "multi_academy_trust": "local_authority",
    "university": "local_authority",
    "central_government": "central_government",
    "government_department": "central_government",
    "nhs": "nhs",
    "nhs_trust": "nhs",
    "nhs_foundation_trust": "nhs",
    "integrated_care_board": "nhs",
    "charity": None,
    "social_enterprise": None,
    "business": None,
    "investor": None,
    "individual": None,
    "other": None,
}

CONTRACT_DETAILS_NOTICE = (
    "Contract details notice: publish it on the Central Digital Platform within 30 days "
    "of entering into the contract"
)
FULL_PROCUREMENT_NOTICES = (
    "Tender notice: publish it before inviting suppliers to bid",
    "Contract award notice: publish it before entering into the contract; it starts the standstill period",
    "Standstill period: wait at least 8 working days after the contract award notice before signing",
    CONTRACT_DETAILS_NOTICE,
)

_NOTES = {
    "university": "A university is a public buyer only if it is mostly publicly funded or controlled; "
    "if it is not, the Act's notices do not apply.",
    "nhs": "If the purchase is of health care services for patients, the Provider Selection Regime "
    "may apply instead of the Procurement Act.",
    "school": "The Act's below-threshold rules (Part 6) do not apply to some schools; check whether "
    "a contract details notice is legally needed below the full threshold.",
    "other": "Treated as not a public buyer. If this organisation is a public body, choose its kind.",
}
_SCHOOL_KINDS = frozenset({"school", "school_trust", "academy_trust", "multi_academy_trust"})
_DIRECT_AWARD_NOTE = (
    "If the contract is awarded directly without competition (only where the Act allows it), "
    "a transparency notice replaces the tender notice."
)


class ProcurementInputError(ValueError):
    """A procurement input that cannot be used: the message says which and why."""


class Band(enum.StrEnum):
    """How much of the Act applies, from none to all of it."""

    NOT_PUBLIC_BUYER = "not_public_buyer"
    NO_NOTICE = "no_notice"
    CONTRACT_DETAILS_NOTICE = "contract_details_notice"
    FULL_PROCUREMENT = "full_procurement"


@dataclass(frozen=True)
class NoticeRequirement:
    """What a purchase needs: band, notices to publish (in order) and the figures behind it."""

    buyer_kind: str
    threshold_set: str | None  # "local_authority", "central_government", "nhs" or None
    band: Band
    required_notices: list[str]
    value_excl_vat_pence: int
    value_incl_vat_pence: int  # the value compared with the thresholds
    thresholds: dict[str, int] | None  # {"notice": ..., "full_procedure": ...} used, or None
    notes: list[str] = field(default_factory=list)

    @property
    def is_public_buyer(self) -> bool:
        return self.threshold_set is not None


def add_vat(pence_excl_vat: int) -> int:
    """The price with 20 % VAT added, in whole pence (half up). Refuses negatives."""
    pence = _value(pence_excl_vat)
    return (pence * (100 + VAT_RATE_PERCENT) * 2 + 100) // 200


def remove_vat(pence_incl_vat: int) -> int:
    """The price before 20 % VAT, in whole pence (half up). Refuses negatives."""
    pence = _value(pence_incl_vat)
    divisor = 100 + VAT_RATE_PERCENT
    return (pence * 100 * 2 + divisor) // (2 * divisor)


def notices_required(
    value_pence: int,
    includes_vat: bool,
    buyer_kind: str,
    thresholds: Mapping[str, Mapping[str, int]] | None = None,
) -> NoticeRequirement:
    """The notices a purchase of ``value_pence`` by a ``buyer_kind`` needs.

    ``includes_vat`` says whether ``value_pence`` already includes VAT; the
    comparison always uses the VAT-inclusive value, "at or above" a threshold.
    ``thresholds`` replaces DEFAULT_THRESHOLDS entirely (keys as there).

    Refuses (ProcurementInputError): a negative or non-whole value; an unknown
    buyer kind; thresholds missing the buyer's set, negative, or with the
    notice threshold above the full-procedure one.
    """
    if not isinstance(includes_vat, bool):
        raise ProcurementInputError("includes_vat must be True or False")
    pence = _value(value_pence)
    excl, incl = (remove_vat(pence), pence) if includes_vat else (pence, add_vat(pence))
    kind = str(buyer_kind).strip().lower()
    if kind not in BUYER_KINDS:
        raise ProcurementInputError(f"Unknown kind of buyer: {buyer_kind!r}")
    threshold_set = BUYER_KINDS[kind]
    if threshold_set is None:
        notes = _notes(kind, None, Band.NOT_PUBLIC_BUYER)
        return NoticeRequirement(kind, None, Band.NOT_PUBLIC_BUYER, [], excl, incl, None, notes)

    used = _thresholds_for(threshold_set, DEFAULT_THRESHOLDS if thresholds is None else thresholds)
    if incl >= used["full_procedure"]:
        band, notices = Band.FULL_PROCUREMENT, list(FULL_PROCUREMENT_NOTICES)
    elif incl >= used["notice"]:
        band, notices = Band.CONTRACT_DETAILS_NOTICE, [CONTRACT_DETAILS_NOTICE]
    else:
        band, notices = Band.NO_NOTICE, []
    notes = _notes(kind, threshold_set, band)
    return NoticeRequirement(kind, threshold_set, band, notices, excl, incl, used, notes)


def contract_details_fields(
    *,
    buyer_name: str,
    supplier_name: str,
    title: str,
    description: str,
    value_pence: int,
    includes_vat: bool,
    start_date: date,
    end_date: date,
    procedure_type: str,
    supplier_is_sme: bool,
    supplier_is_vcse: bool,
    category: str = "",
    currency: str = "GBP",
) -> list[tuple[str, str]]:
    """Ordered (label, value) pairs for exporting a contract details notice.

    Money is shown as ``£12,345.67`` both excluding and including VAT, dates as
    ISO 8601 (``2025-04-01``), yes/no answers as ``Yes``/``No``.

    Refuses (ProcurementInputError): a blank buyer, supplier, title or
    procedure type; a negative value; dates that are not dates; an end date
    before the start date.
    """
    _check_notice({"buyer name": buyer_name, "supplier name": supplier_name, "contract title": title,
                   "procedure type": procedure_type}, includes_vat)
    pence = _value(value_pence)
    excl, incl = (remove_vat(pence), pence) if includes_vat else (pence, add_vat(pence))
    _check_dates(start_date, end_date)
    return [
        ("Buyer name", buyer_name.strip()),
        ("Supplier name", supplier_name.strip()),
        ("Contract title", title.strip()),
        ("Description", (description or "").strip()),
        ("Value excluding VAT", format_money(excl, currency)),
        ("Value including VAT", format_money(incl, currency)),
        ("Start date", start_date.isoformat()),
        ("End date", end_date.isoformat()),
        ("Procedure type", procedure_type.strip()),
        ("Supplier is an SME", _yes_no(supplier_is_sme)),
        ("Supplier is a VCSE", _yes_no(supplier_is_vcse)),
        ("Category", (category or "").strip()),
    ]


# --- helpers ----------------------------------------------------------------


def _check_notice(required: dict[str, object], includes_vat: object) -> None:
    for label, text in required.items():
        if not isinstance(text, str) or not text.strip():
            raise ProcurementInputError(f"The {label} is required")
    if not isinstance(includes_vat, bool):
        raise ProcurementInputError("includes_vat must be True or False")


def _check_dates(start_date: object, end_date: object) -> None:
    for label, day in (("start date", start_date), ("end date", end_date)):
        if not isinstance(day, date):
            raise ProcurementInputError(f"The {label} must be a date, not {day!r}")
    if end_date < start_date:
        raise ProcurementInputError("The end date cannot be before the start date")


def _value(pence: object) -> int:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise ProcurementInputError(f"The contract value must be a whole number of pence, not {pence!r}")
    if pence < 0:
        raise ProcurementInputError(f"The contract value cannot be negative (got {pence})")
    return pence


def _thresholds_for(threshold_set: str, table: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    if threshold_set not in table:
        raise ProcurementInputError(f"No thresholds are configured for {threshold_set!r}")
    entry = table[threshold_set]
    used = {}
    for key in ("notice", "full_procedure"):
        amount = entry.get(key) if isinstance(entry, Mapping) else None
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ProcurementInputError(f"Threshold {threshold_set}.{key} must be whole pence, 0 or more")
        used[key] = amount
    if used["notice"] > used["full_procedure"]:
        raise ProcurementInputError(f"The {threshold_set} notice threshold is above its full-procedure threshold")
    return used


def _notes(kind: str, threshold_set: str | None, band: Band) -> list[str]:
    """Caveats worth showing beside the answer, for this buyer and band."""
    notes = []
    if kind in {"university", "other"}:
        notes.append(_NOTES[kind])
    if threshold_set == "nhs":
        notes.append(_NOTES["nhs"])
    if kind in _SCHOOL_KINDS and band is Band.CONTRACT_DETAILS_NOTICE:
        notes.append(_NOTES["school"])
    if band is Band.FULL_PROCUREMENT:
        notes.append(_DIRECT_AWARD_NOTE)
    return notes


def _yes_no(answer: object) -> str:
    if not isinstance(answer, bool):
        raise ProcurementInputError(f"Expected True or False, not {answer!r}")
    return "Yes" if answer else "No"

"""Which notices a follow-on purchase needs under the UK Procurement Act 2023.

A guide for the page that helps a buyer plan the purchase after a challenge,
not legal advice. Thresholds under the Act are compared INCLUDING VAT (worked
in whole pence, half up), with the VAT treatment of the purchase an input:
standard-rated adds 20 %; zero-rated and exempt supplies carry no VAT, so the
value is not grossed up. For a public buyer buying goods or services:

* below the notifiable amount (£12,000 central government, £30,000 other
  contracting authorities, VAT included; Procurement Act 2023 s.87, "notifiable
  below-threshold contract"): no notice is required;
* at or above it, below the Schedule 1 threshold (a regulated below-threshold
  contract): a contract details notice "as soon as reasonably practicable"
  after entering into the contract (s.87), and a below-threshold tender notice
  before advertising, if the contract is advertised (s.86);
* at or above the Schedule 1 threshold: a full procurement under the Act
  (tender notice, contract award notice, standstill, contract details notice
  within 30 days, s.53).

The default thresholds are those in force from 1 January 2026 for goods and services: £135,018 for
central government authorities (NHS trusts count as central) and £207,720 for other contracting
authorities (councils, schools, universities), VAT included. They were set by The Procurement Act 2023
(Threshold Amounts) (Amendment) Regulations 2025, S.I. 2025/1200 (made 18 November 2025, in force
1 January 2026, amending Schedule 1 and s.85(3)), and published in Procurement Policy Note PPN 023
"2026 Threshold Amounts" (both checked against secondary sources quoting them, not the SI's own text).
The panel says whether it uses them or figures set in PROCUREMENT_THRESHOLDS.
The £12,000 / £30,000 notifiable amounts (Part 6) were not changed by it.
Works, light-touch, utilities and concession contracts: out of scope here.

Exempted contracts: contracts for research and development services are exempted contracts (Procurement
Act 2023, Schedule 2; the R&D exemption, which the brief places at paragraph 2, a paragraph number not
confirmed here) UNLESS both the benefits accrue exclusively to the contracting authority for use in the
conduct of its own affairs AND the services are wholly paid for by it. ``RD_EXEMPTION`` states the
condition; the panel offers it beside the band.

Thresholds are passed in (from app config ``PROCUREMENT_THRESHOLDS``, checked at start-up by
``check_thresholds``) or default to DEFAULT_THRESHOLDS.

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
    "BUYER_KINDS", "DEFAULT_THRESHOLDS", "RD_EXEMPTION", "VAT_RATE_PERCENT", "Band", "NoticeRequirement",
    "ProcurementInputError", "VatTreatment", "add_vat", "check_thresholds", "contract_details_fields",
    "notices_required", "remove_vat",
]

VAT_RATE_PERCENT = 20

#: Pence, VAT included. "notice": contract details notice from here; "full_procedure": the Act in full.
#: From 1 January 2026 (S.I. 2025/1200, PPN 023); the notice amounts from the Act's Part 6 (s.87).
DEFAULT_THRESHOLDS: dict[str, dict[str, int]] = {
    "local_authority": {"notice": 3_000_000, "full_procedure": 20_772_000},  # £30,000 / £207,720
    "central_government": {"notice": 1_200_000, "full_procedure": 13_501_800},  # £12,000 / £135,018
    "nhs": {"notice": 1_200_000, "full_procedure": 13_501_800},  # NHS bodies count as central
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
BELOW_THRESHOLD_TENDER_NOTICE = ("Below-threshold tender notice: the contract is advertised, so publish this "
                                 "notice on the Central Digital Platform before advertising it anywhere else")
BELOW_THRESHOLD_TENDER_NOTICE_IF = ("Below-threshold tender notice: if you advertise the contract, publish this "
                                    "notice on the Central Digital Platform before advertising it anywhere else")
BELOW_THRESHOLD_DETAILS_NOTICE = (
    "Contract details notice: publish it on the Central Digital Platform as soon as reasonably practicable "
    "after entering into the contract"
)
FULL_PROCUREMENT_NOTICES = (
    "Tender notice: publish it before inviting suppliers to bid",
    "Contract award notice: publish it before entering into the contract; it starts the standstill period",
    "Standstill period: wait at least 8 working days after the contract award notice before signing",
    CONTRACT_DETAILS_NOTICE,
)
RD_EXEMPTION = (
    "Research and development: a contract for research and development services is an exempted contract "
    "(Procurement Act 2023, Schedule 2), so the Act's procedures and notices do not apply, unless the benefits "
    "accrue exclusively to the buyer for use in the conduct of its own affairs and the buyer pays for the "
    "services wholly. Open only if the benefits are shared beyond the buyer or the buyer does not pay in full."
)


class VatTreatment(enum.StrEnum):
    """How VAT applies to the purchase: only standard-rated supplies are grossed up."""

    STANDARD = "standard"
    ZERO_RATED = "zero_rated"
    EXEMPT = "exempt"


VAT_TREATMENT_LABELS = {
    VatTreatment.STANDARD: "Standard-rated (20 % VAT)",
    VatTreatment.ZERO_RATED: "Zero-rated (0 % VAT)",
    VatTreatment.EXEMPT: "Exempt from VAT",
}

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
    vat: VatTreatment = VatTreatment.STANDARD
    exempted_routes: list[str] = field(default_factory=list)  # e.g. RD_EXEMPTION, with its condition

    @property
    def is_public_buyer(self) -> bool:
        return self.threshold_set is not None

    @property
    def thresholds_are_default(self) -> bool:
        return self.thresholds is not None and self.thresholds == DEFAULT_THRESHOLDS.get(self.threshold_set or "")


def add_vat(pence_excl_vat: int) -> int:
    """The price with 20 % VAT added, in whole pence (half up). Refuses negatives."""
    pence = _value(pence_excl_vat)
    return (pence * (100 + VAT_RATE_PERCENT) * 2 + 100) // 200


def remove_vat(pence_incl_vat: int) -> int:
    """The price before 20 % VAT, in whole pence (half up). Refuses negatives."""
    pence = _value(pence_incl_vat)
    divisor = 100 + VAT_RATE_PERCENT
    return (pence * 100 * 2 + divisor) // (2 * divisor)


def gross_value(pence: int, includes_vat: bool, vat: VatTreatment | str = VatTreatment.STANDARD) -> tuple[int, int]:
    """(excluding VAT, including VAT) for ``pence``: only a standard-rated supply is grossed up or netted."""
    if not isinstance(includes_vat, bool):
        raise ProcurementInputError("includes_vat must be True or False")
    pence, treatment = _value(pence), _vat(vat)
    if treatment is not VatTreatment.STANDARD:
        return pence, pence
    return (remove_vat(pence), pence) if includes_vat else (pence, add_vat(pence))


def notices_required(
    value_pence: int,
    includes_vat: bool,
    buyer_kind: str,
    thresholds: Mapping[str, Mapping[str, int]] | None = None,
    *,
    vat: VatTreatment | str = VatTreatment.STANDARD,
    advertised: bool | None = None,
) -> NoticeRequirement:
    """The notices a purchase of ``value_pence`` by a ``buyer_kind`` needs.

    ``includes_vat`` says whether ``value_pence`` already includes VAT; the
    comparison always uses the VAT-inclusive value, "at or above" a threshold.
    ``vat`` is the supply's VAT treatment (zero-rated and exempt: no VAT added).
    ``advertised``: True lists the below-threshold tender notice as required,
    False leaves it out, None (not decided) lists it with its condition.
    ``thresholds`` replaces DEFAULT_THRESHOLDS entirely (keys as there).

    Refuses (ProcurementInputError): a negative or non-whole value; an unknown
    buyer kind or VAT treatment; thresholds missing the buyer's set, negative,
    or with the notice threshold above the full-procedure one.
    """
    excl, incl = gross_value(value_pence, includes_vat, vat)
    treatment = _vat(vat)
    kind = str(buyer_kind).strip().lower()
    if kind not in BUYER_KINDS:
        raise ProcurementInputError(f"Unknown kind of buyer: {buyer_kind!r}")
    threshold_set = BUYER_KINDS[kind]
    if threshold_set is None:
        notes = _notes(kind, None, Band.NOT_PUBLIC_BUYER)
        return NoticeRequirement(kind, None, Band.NOT_PUBLIC_BUYER, [], excl, incl, None, notes, treatment)

    used = _thresholds_for(threshold_set, DEFAULT_THRESHOLDS if thresholds is None else thresholds)
    if incl >= used["full_procedure"]:
        band, notices = Band.FULL_PROCUREMENT, list(FULL_PROCUREMENT_NOTICES)
    elif incl >= used["notice"]:
        band, notices = Band.CONTRACT_DETAILS_NOTICE, _below_threshold_notices(advertised)
    else:
        band, notices = Band.NO_NOTICE, []
    notes = _notes(kind, threshold_set, band)
    routes = [RD_EXEMPTION] if band is not Band.NO_NOTICE else []
    return NoticeRequirement(kind, threshold_set, band, notices, excl, incl, used, notes, treatment, routes)


def check_thresholds(table: object) -> dict[str, dict[str, int]]:
    """The thresholds to use: DEFAULT_THRESHOLDS with ``table``'s sets laid over them (None: the defaults).

    For PROCUREMENT_THRESHOLDS at start-up. Refuses (ProcurementInputError,
    naming the fault): not a mapping of known threshold sets to
    ``{"notice": pence, "full_procedure": pence}``; unknown keys; values that
    are not whole pence, 0 or more; a notice threshold above the full one.
    """
    if table is None:
        return {name: dict(limits) for name, limits in DEFAULT_THRESHOLDS.items()}
    if not isinstance(table, Mapping):
        raise ProcurementInputError("it must be a JSON object of threshold sets")
    unknown = sorted(set(map(str, table)) - set(DEFAULT_THRESHOLDS))
    if unknown:
        raise ProcurementInputError(f"unknown threshold set(s): {', '.join(unknown)}; "
                                    f"use {', '.join(DEFAULT_THRESHOLDS)}")
    merged = {name: dict(limits) for name, limits in DEFAULT_THRESHOLDS.items()}
    for name, entry in table.items():
        extra = sorted(set(entry) - {"notice", "full_procedure"}) if isinstance(entry, Mapping) else ["(not an object)"]
        if extra:
            raise ProcurementInputError(f"{name} has unknown key(s): {', '.join(extra)}")
        merged[name] = _thresholds_for(name, {name: {**merged[name], **entry}})
    return merged


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
    vat: VatTreatment | str = VatTreatment.STANDARD,
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
    excl, incl = gross_value(value_pence, includes_vat, vat)
    _check_dates(start_date, end_date)
    return [
        ("Buyer name", buyer_name.strip()),
        ("Supplier name", supplier_name.strip()),
        ("Contract title", title.strip()),
        ("Description", (description or "").strip()),
        ("Value excluding VAT", format_money(excl, currency)),
        ("Value including VAT", format_money(incl, currency)),
        ("VAT treatment", VAT_TREATMENT_LABELS[_vat(vat)]),
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


def _vat(vat: object) -> VatTreatment:
    try:
        return VatTreatment(vat)
    except ValueError:
        raise ProcurementInputError(
            f"Unknown VAT treatment {vat!r}: use {', '.join(v.value for v in VatTreatment)}") from None


def _below_threshold_notices(advertised: bool | None) -> list[str]:
    if advertised is None:
        return [BELOW_THRESHOLD_TENDER_NOTICE_IF, BELOW_THRESHOLD_DETAILS_NOTICE]
    if not isinstance(advertised, bool):
        raise ProcurementInputError("advertised must be True, False or None")
    return [BELOW_THRESHOLD_TENDER_NOTICE, BELOW_THRESHOLD_DETAILS_NOTICE] if advertised else [
        BELOW_THRESHOLD_DETAILS_NOTICE]


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

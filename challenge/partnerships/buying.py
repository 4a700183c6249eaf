"""Follow-on procurement: which notices a public counterpart's purchase needs (see procurement.py)."""
from __future__ import annotations

from datetime import date

from flask import current_app

from challenge.accounts.models import OrganisationKind
from challenge.partnerships.models import Partnership
from challenge.partnerships.procurement import (
    NoticeRequirement,
    VatTreatment,
    contract_details_fields,
    notices_required,
)
from challenge.partnerships.states import PROCUREMENT_STAGES

PROCEDURES = [
    ("Below-threshold open procedure", "Below-threshold open procedure"),
    ("Open procedure", "Open procedure"),
    ("Competitive flexible procedure", "Competitive flexible procedure"),
    ("Direct award", "Direct award"),
    ("Call-off from a framework", "Call-off from a framework"),
]


def applies(p: Partnership) -> bool:
    """A public body buying, at pilot or later: the Procurement Act is in play."""
    kind = p.counterpart.kind
    public = kind in OrganisationKind.__members__.values() and OrganisationKind(kind).is_public_body
    return public and p.stage in PROCUREMENT_STAGES


def requirement(p: Partnership, vat: str = VatTreatment.STANDARD, advertised: bool | None = None
                ) -> NoticeRequirement | None:
    """The band and notices for the partnership's value (entered excluding VAT), or None."""
    if not applies(p):
        return None
    return notices_required(p.value, False, p.counterpart.kind, current_app.config.get("PROCUREMENT_THRESHOLDS"),
                            vat=vat, advertised=advertised)


def panel_choices(form) -> dict:
    """The VAT treatment and 'advertised' answer from the panel's form, each ignored when not a valid choice."""
    vat = form.vat.data if form.vat.data in set(VatTreatment) else VatTreatment.STANDARD
    return {"vat": vat, "advertised": {"yes": True, "no": False}.get(form.advertised.data)}


def contract_details(p: Partnership, *, start: date, end: date, procedure: str, sme: bool, vcse: bool,
                     description: str = "", vat: str = VatTreatment.STANDARD) -> list[tuple[str, str]]:
    """The fields of a contract details notice for this partnership (ProcurementInputError if bad)."""
    supplier = p.creator_organisation.name if p.creator_organisation else p.creator.name
    origin = p.origin_submission
    return contract_details_fields(
        buyer_name=p.counterpart.name, supplier_name=supplier, title=p.title,
        description=description or (origin.summary if origin else ""), value_pence=p.value, includes_vat=False,
        start_date=start, end_date=end, procedure_type=procedure, supplier_is_sme=sme, supplier_is_vcse=vcse,
        category=p.kind_label, currency=p.currency, vat=vat,
    )

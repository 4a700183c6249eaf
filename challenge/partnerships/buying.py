"""Follow-on procurement: which notices a public counterpart's purchase needs (see procurement.py)."""
from __future__ import annotations

from datetime import date

from flask import current_app, request

from challenge import clock
from challenge.accounts import orgids
from challenge.accounts.models import Organisation, OrganisationKind
from challenge.partnerships import ocds
from challenge.partnerships.models import Partnership
from challenge.partnerships.procurement import (
    Band,
    NoticeRequirement,
    ProcurementInputError,
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


def suggest_procedure(form, need: NoticeRequirement | None) -> None:
    """Before the buyer picks one, preselect a procedure that fits the band: the open procedure above the
    threshold (a below-threshold one would be wrong there), the below-threshold open procedure under it."""
    if need is None or form.procedure.raw_data:
        return
    above = need.band == Band.FULL_PROCUREMENT
    form.procedure.data = "Open procedure" if above else "Below-threshold open procedure"


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


def ocds_package(p: Partnership, *, start: date, end: date, sme: bool, signed: date | None = None,
                 vat: str = VatTreatment.STANDARD) -> dict:
    """The contract details notice as an OCDS 1.1 release package (see ocds.py)."""
    config = current_app.config
    need = notices_required(p.value, False, p.counterpart.kind, config.get("PROCUREMENT_THRESHOLDS"), vat=vat)
    if end < start:
        raise ProcurementInputError("The end date cannot be before the start date")
    supplier_org = p.creator_organisation
    if supplier_org:
        supplier = _ocds_party(supplier_org, "supplier", sme)
    else:
        supplier = ocds.Party(f"person-{p.creator.id}", p.creator.name, "supplier", sme)
    origin = p.origin_submission
    return ocds.release_package(
        prefix=config["OCDS_PREFIX"], partnership_id=p.id, title=p.title,
        buyer=_ocds_party(p.counterpart, "buyer"), supplier=supplier,
        description=origin.summary if origin else "", value_excl_minor=need.value_excl_vat_pence,
        value_incl_minor=need.value_incl_vat_pence, currency=p.currency, start=start, end=end,
        published=clock.now(), uri=request.url, publisher=config.get("BROKER_LEGAL_NAME") or config["SITE_NAME"],
        date_signed=signed)


def _ocds_party(org: Organisation, role: str, sme: bool | None = None) -> ocds.Party:
    """An organisation as an OCDS party, identified by the org-ids it has recorded (accounts/orgids.py)."""
    ids = tuple((found.scheme, found.local_id) for found in orgids.registered(org))
    return ocds.Party(f"org-{org.id}", org.name, role, sme, ids)

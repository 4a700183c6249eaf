"""Procurement Act 2023 notices for a follow-on purchase: bands, VAT, buyers, overrides, export."""

from datetime import date

import pytest

from challenge.partnerships.procurement import (
    BELOW_THRESHOLD_DETAILS_NOTICE,
    BELOW_THRESHOLD_TENDER_NOTICE,
    BELOW_THRESHOLD_TENDER_NOTICE_IF,
    CONTRACT_DETAILS_NOTICE,
    RD_EXEMPTION,
    DEFAULT_THRESHOLDS,
    FULL_PROCUREMENT_NOTICES,
    Band,
    ProcurementInputError,
    VatTreatment,
    add_vat,
    check_thresholds,
    contract_details_fields,
    notices_required,
    remove_vat,
)


def test_default_thresholds_are_the_figures_from_1_january_2026():
    # S.I. 2025/1200 and PPN 023: goods and services £135,018 central, £207,720 other authorities, VAT
    # included; the notifiable below-threshold amounts (£12,000 / £30,000) are unchanged.
    assert DEFAULT_THRESHOLDS == {
        "local_authority": {"notice": 3_000_000, "full_procedure": 20_772_000},  # £30,000 / £207,720
        "central_government": {"notice": 1_200_000, "full_procedure": 13_501_800},  # £12,000 / £135,018
        "nhs": {"notice": 1_200_000, "full_procedure": 13_501_800},
    }


# --- bands: just below, at and just above every threshold, for every buyer kind ---------------------

CASES = []
for kind, limits in DEFAULT_THRESHOLDS.items():
    notice, full = limits["notice"], limits["full_procedure"]
    CASES += [
        (kind, 0, Band.NO_NOTICE),
        (kind, notice - 1, Band.NO_NOTICE),
        (kind, notice, Band.CONTRACT_DETAILS_NOTICE),
        (kind, notice + 1, Band.CONTRACT_DETAILS_NOTICE),
        (kind, full - 1, Band.CONTRACT_DETAILS_NOTICE),
        (kind, full, Band.FULL_PROCUREMENT),
        (kind, full + 1, Band.FULL_PROCUREMENT),
    ]


@pytest.mark.parametrize(("kind", "value", "band"), CASES)
def test_band_at_each_threshold(kind, value, band):
    result = notices_required(value, True, kind)
    assert result.band is band
    assert result.value_incl_vat_pence == value
    assert result.thresholds == DEFAULT_THRESHOLDS[kind]
    assert result.threshold_set == kind and result.is_public_buyer
    expected = {
        Band.NO_NOTICE: [],
        Band.CONTRACT_DETAILS_NOTICE: [BELOW_THRESHOLD_TENDER_NOTICE_IF, BELOW_THRESHOLD_DETAILS_NOTICE],
        Band.FULL_PROCUREMENT: list(FULL_PROCUREMENT_NOTICES),
    }[band]
    assert result.required_notices == expected


def test_full_procurement_lists_every_notice_in_order():
    notices = notices_required(50_000_000, True, "local_authority").required_notices
    assert [n.split(":")[0] for n in notices] == [
        "Tender notice", "Contract award notice", "Standstill period", "Contract details notice"]
    assert "within 30 days" in notices[-1]


@pytest.mark.parametrize(
    ("kind", "threshold_set"),
    [("school_trust", "local_authority"), ("academy_trust", "local_authority"), ("council", "local_authority"),
     ("government_department", "central_government"), ("nhs_trust", "nhs"), ("NHS_Foundation_Trust ", "nhs")],
)
def test_organisation_kinds_map_to_threshold_sets(kind, threshold_set):
    assert notices_required(2_000_000, True, kind).threshold_set == threshold_set


def test_the_same_purchase_differs_by_buyer():
    # £20,000 incl. VAT: above the central notice threshold (£12,000), below the council one (£30,000)
    assert notices_required(2_000_000, True, "central_government").band is Band.CONTRACT_DETAILS_NOTICE
    assert notices_required(2_000_000, True, "nhs").band is Band.CONTRACT_DETAILS_NOTICE
    assert notices_required(2_000_000, True, "local_authority").band is Band.NO_NOTICE


# --- VAT --------------------------------------------------------------------------------------------


def test_vat_conversion_in_whole_pence():
    assert add_vat(2_500_000) == 3_000_000  # £25,000 + 20 % = £30,000
    assert add_vat(1) == 1  # 1.2p -> 1p
    assert add_vat(3) == 4  # 3.6p -> 4p
    assert remove_vat(3_000_000) == 2_500_000
    assert remove_vat(100) == 83  # 83.33p -> 83p
    assert remove_vat(3) == 3  # 2.5p -> 3p, half up
    assert add_vat(0) == remove_vat(0) == 0


def test_value_excluding_vat_is_compared_with_vat_added():
    # £25,000 excl. VAT is £30,000 incl.: exactly the council notice threshold
    at = notices_required(2_500_000, False, "local_authority")
    assert (at.band, at.value_excl_vat_pence, at.value_incl_vat_pence) == (
        Band.CONTRACT_DETAILS_NOTICE, 2_500_000, 3_000_000)
    # £24,999.99 excl. is £29,999.988 -> £29,999.99 incl.: below
    assert notices_required(2_499_999, False, "local_authority").band is Band.NO_NOTICE
    # £173,100.00 excl. is £207,720.00 incl.: the full threshold; a penny less is £207,719.99, below it
    assert notices_required(17_310_000, False, "local_authority").band is Band.FULL_PROCUREMENT
    assert notices_required(17_309_999, False, "local_authority").band is Band.CONTRACT_DETAILS_NOTICE


def test_value_including_vat_reports_the_net_figure_too():
    result = notices_required(3_000_000, True, "local_authority")
    assert (result.value_excl_vat_pence, result.value_incl_vat_pence) == (2_500_000, 3_000_000)


# --- buyers without obligations, overrides, notes ---------------------------------------------------


@pytest.mark.parametrize("kind", ["charity", "social_enterprise", "business", "investor", "other"])
def test_non_public_buyer_has_no_obligations(kind):
    result = notices_required(100_000_000, False, kind)
    assert result.band is Band.NOT_PUBLIC_BUYER
    assert result.required_notices == [] and result.thresholds is None
    assert not result.is_public_buyer
    assert result.value_incl_vat_pence == 120_000_000


def test_thresholds_overridden_by_argument():
    # e.g. the figures before 1 January 2026: £214,904 sub-central
    config = {"local_authority": {"notice": 3_000_000, "full_procedure": 21_490_400}}
    result = notices_required(21_000_000, True, "local_authority", thresholds=config)
    assert result.band is Band.CONTRACT_DETAILS_NOTICE and result.thresholds == config["local_authority"]
    assert notices_required(21_000_000, True, "local_authority").band is Band.FULL_PROCUREMENT
    tiny = {"nhs": {"notice": 100, "full_procedure": 200}}
    assert notices_required(99, True, "nhs", tiny).band is Band.NO_NOTICE
    assert notices_required(100, True, "nhs", tiny).band is Band.CONTRACT_DETAILS_NOTICE
    assert notices_required(200, True, "nhs", tiny).band is Band.FULL_PROCUREMENT


def test_notes_flag_the_known_caveats():
    assert any("Provider Selection Regime" in n for n in notices_required(1, True, "nhs_trust").notes)
    assert any("transparency notice" in n for n in notices_required(10**9, True, "local_authority").notes)
    assert any("schools" in n for n in notices_required(5_000_000, True, "school_trust").notes)
    assert not notices_required(1, True, "school_trust").notes
    assert any("publicly funded" in n for n in notices_required(1, True, "university").notes)
    assert notices_required(1, True, "local_authority").notes == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, True, "local_authority"), "cannot be negative"),
        ((-1, False, "charity"), "cannot be negative"),
        ((1.5, True, "local_authority"), "whole number of pence"),
        ((True, True, "local_authority"), "whole number of pence"),
        ((100, "yes", "local_authority"), "includes_vat"),
        ((100, True, "parish_pump"), "Unknown kind of buyer"),
        ((100, True, "nhs", {"local_authority": {"notice": 1, "full_procedure": 2}}), "No thresholds"),
        ((100, True, "nhs", {"nhs": {"notice": 1}}), "nhs.full_procedure"),
        ((100, True, "nhs", {"nhs": {"notice": -1, "full_procedure": 2}}), "nhs.notice"),
        ((100, True, "nhs", {"nhs": {"notice": 5, "full_procedure": 2}}), "above its full-procedure"),
    ],
)
def test_refusals(args, message):
    with pytest.raises(ProcurementInputError, match=message):
        notices_required(*args)
    assert issubclass(ProcurementInputError, ValueError)


# --- contract details notice export -----------------------------------------------------------------

FIELDS = dict(
    buyer_name="Anytown Council", supplier_name="Bright Ideas CIC", title="Pilot of the winning solution",
    description="A 12-month pilot in two wards.", value_pence=2_500_000, includes_vat=False,
    start_date=date(2025, 4, 1), end_date=date(2026, 3, 31), procedure_type="Below-threshold direct award",
    supplier_is_sme=True, supplier_is_vcse=False, category="Social work services",
)


def test_contract_details_fields_in_order():
    assert contract_details_fields(**FIELDS) == [
        ("Buyer name", "Anytown Council"),
        ("Supplier name", "Bright Ideas CIC"),
        ("Contract title", "Pilot of the winning solution"),
        ("Description", "A 12-month pilot in two wards."),
        ("Value excluding VAT", "£25,000"),
        ("Value including VAT", "£30,000"),
        ("VAT treatment", "Standard-rated (20 % VAT)"),
        ("Start date", "2025-04-01"),
        ("End date", "2026-03-31"),
        ("Procedure type", "Below-threshold direct award"),
        ("Supplier is an SME", "Yes"),
        ("Supplier is a VCSE", "No"),
        ("Category", "Social work services"),
    ]


def test_contract_details_fields_from_a_vat_inclusive_value():
    pairs = dict(contract_details_fields(**{**FIELDS, "value_pence": 100, "includes_vat": True}))
    assert (pairs["Value excluding VAT"], pairs["Value including VAT"]) == ("£0.83", "£1")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value_pence": -1}, "cannot be negative"),
        ({"end_date": date(2025, 3, 31)}, "end date cannot be before"),
        ({"start_date": "2025-04-01"}, "start date must be a date"),
        ({"buyer_name": " "}, "buyer name is required"),
        ({"supplier_name": ""}, "supplier name is required"),
        ({"title": None}, "contract title is required"),
        ({"supplier_is_sme": "yes"}, "True or False"),
    ],
)
def test_contract_details_refusals(changes, message):
    with pytest.raises(ProcurementInputError, match=message):
        contract_details_fields(**{**FIELDS, **changes})


# --- below-threshold notices, VAT treatment, the R&D exemption, configured thresholds -----------------


def test_below_threshold_contract_details_notice_is_due_as_soon_as_reasonably_practicable():
    notices = notices_required(5_000_000, True, "local_authority").required_notices
    assert notices[-1] == BELOW_THRESHOLD_DETAILS_NOTICE
    assert "as soon as reasonably practicable" in notices[-1] and "30 days" not in notices[-1]


@pytest.mark.parametrize(("advertised", "expected"), [
    (None, [BELOW_THRESHOLD_TENDER_NOTICE_IF, BELOW_THRESHOLD_DETAILS_NOTICE]),
    (True, [BELOW_THRESHOLD_TENDER_NOTICE, BELOW_THRESHOLD_DETAILS_NOTICE]),
    (False, [BELOW_THRESHOLD_DETAILS_NOTICE]),
])
def test_a_below_threshold_tender_notice_is_required_when_the_contract_is_advertised(advertised, expected):
    assert notices_required(5_000_000, True, "council", advertised=advertised).required_notices == expected
    assert "before advertising" in BELOW_THRESHOLD_TENDER_NOTICE
    # above the threshold the full procedure's notices apply whatever the answer
    full = notices_required(30_000_000, True, "council", advertised=advertised)
    assert full.required_notices == list(FULL_PROCUREMENT_NOTICES)


@pytest.mark.parametrize("vat", [VatTreatment.EXEMPT, VatTreatment.ZERO_RATED, "exempt", "zero_rated"])
def test_exempt_and_zero_rated_services_are_not_grossed_up(vat):
    # £180,000 excl. VAT: £216,000 standard-rated (full procedure), £180,000 exempt (below £207,720)
    assert notices_required(18_000_000, False, "local_authority").band is Band.FULL_PROCUREMENT
    result = notices_required(18_000_000, False, "local_authority", vat=vat)
    assert (result.band, result.value_excl_vat_pence, result.value_incl_vat_pence, result.vat) == (
        Band.CONTRACT_DETAILS_NOTICE, 18_000_000, 18_000_000, VatTreatment(vat))
    assert notices_required(18_000_000, True, "local_authority", vat=vat).value_excl_vat_pence == 18_000_000
    pairs = dict(contract_details_fields(**{**FIELDS, "vat": vat}))
    assert pairs["Value excluding VAT"] == pairs["Value including VAT"] == "£25,000"


def test_an_unknown_vat_treatment_is_refused():
    with pytest.raises(ProcurementInputError, match="Unknown VAT treatment"):
        notices_required(100, True, "nhs", vat="reduced")
    with pytest.raises(ProcurementInputError, match="advertised"):
        notices_required(5_000_000, True, "nhs", advertised="maybe")


def test_the_research_and_development_exemption_is_offered_with_its_condition():
    assert "Schedule 2" in RD_EXEMPTION and "exempted contract" in RD_EXEMPTION
    assert "exclusively" in RD_EXEMPTION and "own affairs" in RD_EXEMPTION and "wholly" in RD_EXEMPTION
    for value in (5_000_000, 50_000_000):
        assert notices_required(value, True, "local_authority").exempted_routes == [RD_EXEMPTION]
    assert notices_required(100, True, "local_authority").exempted_routes == []  # nothing to be exempted from
    assert notices_required(50_000_000, True, "charity").exempted_routes == []


def test_configured_thresholds_are_laid_over_the_defaults():
    assert check_thresholds(None) == DEFAULT_THRESHOLDS
    merged = check_thresholds({"nhs": {"notice": 500_000}})
    assert merged["nhs"] == {"notice": 500_000, "full_procedure": 13_501_800}
    assert merged["local_authority"] == DEFAULT_THRESHOLDS["local_authority"]
    check_thresholds({"nhs": {"notice": 1}})
    assert DEFAULT_THRESHOLDS["nhs"]["notice"] == 1_200_000  # the defaults are not changed


@pytest.mark.parametrize(("table", "message"), [
    ([1], "JSON object"), ({"parish": {}}, "unknown threshold set"), ({"nhs": {"notic": 1}}, "unknown key"),
    ({"nhs": 5}, "not an object"), ({"nhs": {"notice": "12000"}}, "whole pence"),
    ({"nhs": {"notice": -1}}, "whole pence"), ({"nhs": {"notice": 99_000_000}}, "above its full-procedure"),
])
def test_bad_configured_thresholds_are_refused(table, message):
    with pytest.raises(ProcurementInputError, match=message):
        check_thresholds(table)

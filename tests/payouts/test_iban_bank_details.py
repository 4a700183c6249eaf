"""Payees outside the UK give an IBAN and BIC, checked with schwifty (issue 11 point 13), with a clear message
on the field for each kind of mistake; the release's confirmation shows the IBAN masked."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.payouts import awards, payees
from challenge.payouts.gateways import ManualGateway

GOOD_IBAN, GOOD_BIC = "DE89 3704 0044 0532 0130 00", "COBADEFFXXX"


def _save(user, **kw):
    fields = {"holder": user.name, "sort_code": "", "account_number": "", **kw}
    return payees.save_bank_details(user, fields.pop("holder"), fields.pop("sort_code"), fields.pop("account_number"),
                                    ManualGateway(), clock.now(), **fields)


def test_an_iban_and_bic_are_saved_encrypted_and_masked(world):
    w = world(fund=False)
    account = _save(w.winner, iban=GOOD_IBAN.lower(), bic="cobadeffxxx")
    db.session.commit()
    assert payees.decrypt_bank_details(account) == {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    assert "DE89" not in account.bank_details_encrypted and account.last4 == "3000"
    assert payees.masked_account(account) == "IBAN •••• 3000, BIC COBADEFFXXX"
    assert ("IBAN", "DE89 3704 0044 0532 0130 00") in payees.transfer_details(account)


@pytest.mark.parametrize("iban,bic,field,said", [
    ("DE89 3704 0044 0532 0130 01", GOOD_BIC, "iban", "check digits do not match"),
    ("DE89 3704 0044 0532 0130 0", GOOD_BIC, "iban", "wrong number of characters"),
    ("XX89 3704 0044 0532 0130 00", GOOD_BIC, "iban", "two-letter country code"),
    ("DE89 3704 0044 0532 0130 0!", GOOD_BIC, "iban", "not a valid IBAN"),
    (GOOD_IBAN, "", "bic", "Enter your bank's BIC"),
    (GOOD_IBAN, "COBA", "bic", "8 or 11 characters"),
    (GOOD_IBAN, "COBAXXFF", "bic", "country code"),
    ("", GOOD_BIC, "iban", "Enter the IBAN that goes with the BIC"),
])
def test_a_bad_iban_or_bic_is_refused_on_its_field(world, iban, bic, field, said):
    w = world(fund=False)
    with pytest.raises(FieldError) as refused:
        _save(w.winner, iban=iban, bic=bic)
    assert refused.value.field == field and said in refused.value.message


def test_uk_details_and_an_iban_at_once_are_refused(world):
    w = world(fund=False)
    with pytest.raises(FieldError, match="not both"):
        _save(w.winner, sort_code="30-99-50", account_number="12345678", iban=GOOD_IBAN, bic=GOOD_BIC)


def test_no_account_at_all_says_both_ways(world):
    w = world(fund=False)
    with pytest.raises(FieldError, match="an IBAN and BIC") as refused:
        _save(w.winner)
    assert refused.value.field == "sort_code"


def test_the_form_shows_a_bad_checksum_on_the_iban_field(client, login, world):
    w = world(fund=False)
    login(w.winner)
    page = client.get("/my/payouts/bank-details").text
    assert "Or an account outside the UK" in page and 'name="iban"' in page and 'name="bic"' in page
    response = client.post("/my/payouts/bank-details", data={"holder": "Wyn Winner", "iban": "DE89370400440532013001",
                                                             "bic": GOOD_BIC})
    assert response.status_code == 400 and "check digits do not match" in response.text
    assert payees.account_for(w.winner, "manual") is None
    response = client.post("/my/payouts/bank-details", data={"holder": "Wyn Winner", "iban": GOOD_IBAN, "bic": GOOD_BIC})
    assert response.status_code == 302
    assert payees.account_for(w.winner, "manual").last4 == "3000"


def test_the_release_confirmation_masks_the_iban(client, login, world):
    w = world(state="decided")
    _save(w.winner, iban=GOOD_IBAN, bic=GOOD_BIC)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    login(w.broker)
    page = client.get(f"/admin/payouts/{award.payouts[0].id}/release").text
    assert "IBAN •••• 3000, BIC COBADEFFXXX" in page and "0532" not in page

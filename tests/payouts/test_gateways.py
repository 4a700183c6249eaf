"""The payment gateways: Stripe through the real `stripe` library against the fake server, and manual."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from challenge.payouts.gateways import (
    GATEWAYS,
    InvalidWebhook,
    ManualGateway,
    PaymentGateway,
    ProviderRejected,
    ProviderUnavailable,
    available_providers,
    get_gateway,
)

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def payee(stripe_gateway, fake_stripe):
    """A connected account that has finished onboarding."""
    account_id = stripe_gateway.create_payee_account(email="winner@example.org", idempotency_key="acct-1")
    fake_stripe.activate_transfers(account_id)
    return account_id


def pay(gateway, destination, key="payout-1-transfer", amount=125_000):
    return gateway.transfer(
        amount=amount, currency="GBP", destination=destination, idempotency_key=key,
        metadata={"payout_id": "1"},
    )


# ----- Stripe: checkout and accounts ----------------------------------------------------------


def test_checkout_session_is_one_line_payment_carrying_the_reference(stripe_gateway, fake_stripe):
    session = stripe_gateway.create_checkout_session(
        amount=250_000, currency="GBP", description="Prize pool: Cleaner rivers", reference="funding-7",
        success_url="https://cx.example/f/7/done", cancel_url="https://cx.example/f/7",
        idempotency_key="funding-7-checkout",
    )

    assert session.id.startswith("cs_test_")
    assert session.url.startswith("https://checkout.stripe.com/")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.idempotency_key == "funding-7-checkout"
    assert call.params["mode"] == "payment"
    assert call.params["line_items"] == [{"quantity": "1", "price_data": {
        "currency": "gbp", "unit_amount": "250000", "product_data": {"name": "Prize pool: Cleaner rivers"}}}]
    assert call.params["client_reference_id"] == "funding-7"
    assert call.params["metadata"] == {"reference": "funding-7"}
    assert call.params["payment_intent_data"] == {"metadata": {"reference": "funding-7"}}
    assert fake_stripe.checkout_sessions[session.id]["amount_total"] == 250_000


def test_payee_account_onboarding_and_status(stripe_gateway, fake_stripe):
    account_id = stripe_gateway.create_payee_account(
        email="winner@example.org", country="gb", idempotency_key="payee-3-account"
    )
    link = stripe_gateway.onboarding_link(
        account_id=account_id, return_url="https://cx.example/payee/done", refresh_url="https://cx.example/payee/again"
    )
    before = stripe_gateway.account_status(account_id)
    fake_stripe.activate_transfers(account_id)
    after = stripe_gateway.account_status(account_id)

    assert account_id.startswith("acct_")
    assert link.startswith("https://connect.stripe.com/")
    [create] = fake_stripe.calls("POST", "/v1/accounts")
    assert create.params == {"type": "express", "country": "GB", "email": "winner@example.org",
                             "capabilities": {"transfers": {"requested": "true"}}}
    assert fake_stripe.calls("POST", "/v1/account_links")[0].params["type"] == "account_onboarding"
    assert (before.transfers_active, before.details_submitted) == (False, False)
    assert (after.id, after.transfers_active, after.details_submitted) == (account_id, True, True)


def test_unknown_account_is_rejected(stripe_gateway):
    with pytest.raises(ProviderRejected) as caught:
        stripe_gateway.account_status("acct_missing")
    assert caught.value.status == 404
    assert caught.value.code == "resource_missing"


# ----- Stripe: transfers, idempotency and failures --------------------------------------------


def test_transfer(stripe_gateway, fake_stripe, payee):
    result = pay(stripe_gateway, payee)

    assert result.id.startswith("tr_")
    assert (result.amount, result.currency, result.destination) == (125_000, "GBP", payee)
    [call] = fake_stripe.calls("POST", "/v1/transfers")
    assert call.params == {"amount": "125000", "currency": "gbp", "destination": payee,
                           "metadata": {"payout_id": "1"}}
    assert call.idempotency_key == "payout-1-transfer"


def test_same_idempotency_key_twice_makes_one_transfer(stripe_gateway, fake_stripe, payee):
    first = pay(stripe_gateway, payee)
    second = pay(stripe_gateway, payee)

    assert second == first
    assert list(fake_stripe.transfers) == [first.id]
    assert [c.replayed for c in fake_stripe.calls("POST", "/v1/transfers")] == [False, True]


def test_same_key_with_other_params_is_rejected(stripe_gateway, fake_stripe, payee):
    pay(stripe_gateway, payee, amount=100)
    with pytest.raises(ProviderRejected) as caught:
        pay(stripe_gateway, payee, amount=200)
    assert "same parameters" in caught.value.message
    assert len(fake_stripe.transfers) == 1


def test_server_error_is_retryable_with_the_same_key(stripe_gateway, fake_stripe, payee):
    fake_stripe.fail_next("/v1/transfers", 500)
    with pytest.raises(ProviderUnavailable) as caught:
        pay(stripe_gateway, payee)
    assert caught.value.status == 500
    assert fake_stripe.transfers == {}

    result = pay(stripe_gateway, payee)

    assert list(fake_stripe.transfers) == [result.id]
    assert len(fake_stripe.calls("POST", "/v1/transfers")) == 2


def test_rate_limit_is_retryable(stripe_gateway, fake_stripe, payee):
    fake_stripe.fail_next("/v1/transfers", 429)
    with pytest.raises(ProviderUnavailable):
        pay(stripe_gateway, payee)


def test_client_error_is_rejected_with_the_providers_message(stripe_gateway, fake_stripe, payee):
    fake_stripe.fail_next("/v1/transfers", 400, message="Insufficient funds in Stripe account.",
                          code="balance_insufficient")
    with pytest.raises(ProviderRejected) as caught:
        pay(stripe_gateway, payee)
    assert caught.value.message == "Insufficient funds in Stripe account."
    assert caught.value.code == "balance_insufficient"
    assert caught.value.status == 400


def test_transfer_to_account_not_yet_onboarded_is_rejected(stripe_gateway, fake_stripe):
    account_id = stripe_gateway.create_payee_account(email="new@example.org", idempotency_key="acct-2")
    with pytest.raises(ProviderRejected) as caught:
        pay(stripe_gateway, account_id)
    assert caught.value.code == "insufficient_capabilities_for_transfer"
    assert fake_stripe.transfers == {}


def test_timeout_is_retryable_and_the_retry_finds_the_late_transfer(fake_stripe, payee):
    from challenge.payouts.gateways.stripe import StripeGateway

    impatient = StripeGateway("sk_test_fake_123", api_base=fake_stripe.url, timeout=0.3)
    fake_stripe.delay_next("/v1/transfers", 0.8)
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        pay(impatient, payee)
    assert time.monotonic() - started < 0.8
    with pytest.raises(ProviderUnavailable) as caught:  # the first is still being processed: 409
        pay(impatient, payee)
    assert caught.value.status == 409
    fake_stripe.wait_idle()  # Stripe went on to make the transfer after the client gave up

    retry = pay(impatient, payee)

    assert list(fake_stripe.transfers) == [retry.id]
    assert fake_stripe.calls("POST", "/v1/transfers")[-1].replayed


def test_wrong_api_key_is_rejected(fake_stripe):
    from challenge.payouts.gateways.stripe import StripeGateway

    live = StripeGateway("sk_live_not_for_tests", api_base=fake_stripe.url)
    assert live.livemode
    with pytest.raises(ProviderRejected) as caught:
        live.account_status("acct_1")
    assert caught.value.status == 401


def test_livemode_follows_the_key(stripe_gateway):
    assert stripe_gateway.livemode is False
    assert stripe_gateway.needs_network is True
    assert stripe_gateway.name == "stripe"


# ----- Stripe: reversals, refunds, reconciliation ---------------------------------------------


def test_reverse_part_then_the_rest_of_a_transfer(stripe_gateway, fake_stripe, payee):
    transfer = pay(stripe_gateway, payee, amount=10_000)

    partial = stripe_gateway.reverse_transfer(transfer_id=transfer.id, amount=4_000, idempotency_key="rev-1")
    rest = stripe_gateway.reverse_transfer(transfer_id=transfer.id, amount=None, idempotency_key="rev-2")

    assert partial.startswith("trr_") and rest.startswith("trr_") and partial != rest
    assert [r["amount"] for r in fake_stripe.reversals.values()] == [4_000, 6_000]
    assert fake_stripe.transfers[transfer.id]["reversed"] is True
    with pytest.raises(ProviderRejected):
        stripe_gateway.reverse_transfer(transfer_id=transfer.id, amount=None, idempotency_key="rev-3")


def test_refund_part_of_a_checkout_payment(stripe_gateway, fake_stripe):
    session = stripe_gateway.create_checkout_session(
        amount=50_000, currency="GBP", description="Pool", reference="funding-9",
        success_url="https://cx.example/ok", cancel_url="https://cx.example/no", idempotency_key="cs-9",
    )
    paid = fake_stripe.complete_checkout(session.id)

    refund = stripe_gateway.refund(payment_reference=paid["payment_intent"], amount=20_000, idempotency_key="re-9")

    assert refund.id.startswith("re_")
    assert (refund.amount, refund.status) == (20_000, "succeeded")
    assert fake_stripe.payment_intents[paid["payment_intent"]]["metadata"] == {"reference": "funding-9"}
    with pytest.raises(ProviderRejected):  # more than is left
        stripe_gateway.refund(payment_reference=paid["payment_intent"], amount=30_001, idempotency_key="re-10")


def test_get_transfer_for_reconciliation(stripe_gateway, payee):
    transfer = pay(stripe_gateway, payee)

    assert stripe_gateway.get_transfer(transfer.id) == transfer
    assert stripe_gateway.get_transfer("tr_never_made") is None


# ----- Stripe: webhooks -----------------------------------------------------------------------


@pytest.fixture
def event_body(fake_stripe):
    return fake_stripe.event_payload("transfer.created", {"id": "tr_1", "object": "transfer", "amount": 5})


def test_webhook_with_a_good_signature_becomes_a_plain_dict(stripe_gateway, fake_stripe, event_body):
    event = stripe_gateway.construct_event(event_body, fake_stripe.sign_webhook(event_body, WEBHOOK_SECRET),
                                           WEBHOOK_SECRET)

    assert type(event) is dict and type(event["data"]["object"]) is dict
    assert event["type"] == "transfer.created" and event["id"].startswith("evt_")
    assert event["livemode"] is False
    assert event["data"]["object"]["amount"] == 5


@pytest.mark.parametrize("case", ["wrong secret", "tampered body", "301 s old", "no header", "garbled header"])
def test_webhook_that_cannot_be_trusted_is_refused(stripe_gateway, fake_stripe, event_body, case):
    body, secret, when = event_body, WEBHOOK_SECRET, None
    if case == "wrong secret":
        secret = "whsec_someone_else"
    if case == "301 s old":
        when = int(time.time()) - 301
    header = fake_stripe.sign_webhook(body, secret, when)
    if case == "tampered body":
        body = body.replace(b'"amount": 5', b'"amount": 500')
    header = {"no header": "", "garbled header": "v1=abc,t=soon"}.get(case, header)

    with pytest.raises(InvalidWebhook):
        stripe_gateway.construct_event(body, header, WEBHOOK_SECRET)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", json.dumps({"id": "evt_1"}).encode(), b"\xff\xfe"])
def test_webhook_whose_body_is_not_an_event_is_refused(stripe_gateway, fake_stripe, body):
    with pytest.raises(InvalidWebhook):
        stripe_gateway.construct_event(body, fake_stripe.sign_webhook(body, WEBHOOK_SECRET), WEBHOOK_SECRET)


# ----- validation before any call -------------------------------------------------------------

BAD_AMOUNTS = [12.5, 100.0, 0, -100, True, "100", None]


def _money_calls(gateway, amount, currency="GBP"):
    return [
        lambda: gateway.transfer(amount=amount, currency=currency, destination="acct_1",
                                 idempotency_key="k", metadata={}),
        lambda: gateway.create_checkout_session(amount=amount, currency=currency, description="d", reference="r",
                                                success_url="https://a", cancel_url="https://b",
                                                idempotency_key="k"),
    ]


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_bad_amounts_are_refused_before_any_request(stripe_gateway, fake_stripe, amount):
    calls = _money_calls(stripe_gateway, amount) + [
        lambda: stripe_gateway.refund(payment_reference="pi_1", amount=amount, idempotency_key="k"),
    ]
    if amount is not None:
        calls.append(lambda: stripe_gateway.reverse_transfer(transfer_id="tr_1", amount=amount, idempotency_key="k"))
    for call in calls:
        with pytest.raises(ValueError):
            call()
    assert fake_stripe.requests == []


@pytest.mark.parametrize("currency", ["pounds", "", "G8P", None])
def test_bad_currencies_are_refused_before_any_request(stripe_gateway, fake_stripe, currency):
    for call in _money_calls(stripe_gateway, 100, currency):
        with pytest.raises(ValueError):
            call()
    assert fake_stripe.requests == []


def test_missing_idempotency_key_is_refused(stripe_gateway, fake_stripe):
    with pytest.raises(ValueError):
        stripe_gateway.transfer(amount=1, currency="GBP", destination="acct_1", idempotency_key="", metadata={})
    assert fake_stripe.requests == []


# ----- manual ---------------------------------------------------------------------------------


def test_manual_gateway_is_deterministic_and_offline():
    one, two = ManualGateway(), ManualGateway()
    first = pay(one, "manual-acct-1", key="payout-5-transfer")

    assert pay(two, "manual-acct-1", key="payout-5-transfer") == first
    assert pay(one, "manual-acct-1", key="payout-6-transfer").id != first.id
    assert first.id.startswith("manual-tr-")
    assert (first.amount, first.currency, first.destination) == (125_000, "GBP", "manual-acct-1")
    assert one.needs_network is False and one.name == "manual"
    assert one.create_payee_account(email="a@example.org", idempotency_key="p") == two.create_payee_account(
        email="a@example.org", idempotency_key="p")
    assert one.refund(payment_reference="inv-1", amount=10, idempotency_key="r") == two.refund(
        payment_reference="inv-1", amount=10, idempotency_key="r")
    assert one.reverse_transfer(transfer_id=first.id, amount=None, idempotency_key="v").startswith("manual-trr-")


def test_manual_checkout_points_at_the_invoice_page_and_accounts_are_ready_once_set():
    gateway = ManualGateway()
    session = gateway.create_checkout_session(
        amount=500, currency="gbp", description="Pool", reference="INV-7",
        success_url="https://cx.example/invoices/INV-7", cancel_url="https://cx.example/", idempotency_key="cs-7",
    )
    assert session.url == "https://cx.example/invoices/INV-7"
    assert session.id.startswith("manual-cs-")
    assert gateway.onboarding_link(account_id="manual-acct-1", return_url="https://cx.example/bank",
                                   refresh_url="https://cx.example/bank") == "https://cx.example/bank"
    assert gateway.account_status("manual-acct-1").transfers_active is True
    assert gateway.account_status("").transfers_active is False


@given(
    amount=st.integers(min_value=1, max_value=10**13),
    currency=st.sampled_from(["GBP", "eur", "Usd"]),
    destination=st.text(min_size=1).filter(str.strip),
    key=st.text(min_size=1).filter(str.strip),
)
def test_manual_get_transfer_rebuilds_any_transfer_it_made(amount, currency, destination, key):
    gateway = ManualGateway()
    made = gateway.transfer(amount=amount, currency=currency, destination=destination, idempotency_key=key,
                            metadata={})
    assert gateway.get_transfer(made.id) == made


@pytest.mark.parametrize("transfer_id", ["tr_123", "manual-tr-xyz", "manual-tr-0123456789abcdef-0-GBP-a", ""])
def test_manual_get_transfer_of_a_foreign_id_is_none(transfer_id):
    assert ManualGateway().get_transfer(transfer_id) is None


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_manual_refuses_bad_amounts(amount):
    for call in _money_calls(ManualGateway(), amount):
        with pytest.raises(ValueError):
            call()


# ----- registry -------------------------------------------------------------------------------


def test_registry_builds_each_provider(fake_stripe):
    config = {"STRIPE_SECRET_KEY": "sk_test_fake_123", "STRIPE_API_BASE": fake_stripe.url}

    assert set(GATEWAYS) == {"manual", "stripe"}
    assert get_gateway("manual", {}).name == "manual"
    stripe_gateway = get_gateway("stripe", config)
    assert stripe_gateway.name == "stripe"
    with pytest.raises(ProviderRejected):
        stripe_gateway.account_status("acct_missing")
    assert fake_stripe.calls("GET", "/v1/accounts/acct_missing")
    assert all(isinstance(g, PaymentGateway) for g in (get_gateway("manual", {}), stripe_gateway))


def test_registry_refuses_unknown_names_and_stripe_without_a_key():
    with pytest.raises(KeyError, match="paypal"):
        get_gateway("paypal", {})
    with pytest.raises(ValueError, match="STRIPE_SECRET_KEY"):
        get_gateway("stripe", {"STRIPE_SECRET_KEY": None})


def test_available_providers():
    assert available_providers({}) == ["manual"]
    assert available_providers({"STRIPE_SECRET_KEY": ""}) == ["manual"]
    assert available_providers({"STRIPE_SECRET_KEY": "sk_test_1"}) == ["manual", "stripe"]


def test_importing_the_gateways_does_not_import_stripe():
    code = "import challenge.payouts.gateways as g, sys; g.get_gateway('manual', {}); print('stripe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_only_the_stripe_gateway_module_imports_stripe():
    offenders = [
        str(path.relative_to(ROOT)) for path in (ROOT / "challenge").rglob("*.py")
        if path.name != "stripe.py" and any(
            line.strip().startswith(("import stripe", "from stripe")) for line in path.read_text().splitlines())
    ]
    assert offenders == []


def test_get_payment_reads_the_payment_intent(fake_stripe, stripe_gateway):
    pi = fake_stripe.create_payment_intent(5000)
    payment = stripe_gateway.get_payment(pi)
    assert (payment.id, payment.amount_received, payment.currency, payment.status) == (pi, 5000, "GBP", "succeeded")
    assert stripe_gateway.get_payment("pi_missing") is None


def test_the_manual_gateway_has_no_payments_to_look_up():
    from challenge.payouts.gateways.manual import ManualGateway

    assert ManualGateway().get_payment("anything") is None

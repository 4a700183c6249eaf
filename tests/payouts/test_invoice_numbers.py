"""Funders' invoices (issue 11 point 12): a gap-free number sequence, the purchase-order number asked for
when the invoice is requested and printed on the page and the PDF, the broker's legal details and VAT
treatment from configuration, issue and due dates, and who may see them."""
from __future__ import annotations

import io
from datetime import timedelta

import pikepdf
import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.payouts import funding
from challenge.payouts.models import Funder, Funding, InvoiceCounter
from challenge.platform.models import AuditEvent
from tests.races import ON_POSTGRES, SKIP_REASON, run_together

LEGAL = {"BROKER_LEGAL_NAME": "Riverside Innovation Brokers Ltd", "BROKER_ADDRESS": "1 Quay Street; Bristol BS1 4DJ",
         "BROKER_VAT_NUMBER": "GB123456789", "BROKER_BANK_SORT_CODE": "30-99-50",
         "BROKER_BANK_ACCOUNT_NUMBER": "12345678"}


@pytest.fixture
def legal(app):
    saved = {key: app.config[key] for key in LEGAL}
    app.config.update(LEGAL)
    yield app
    app.config.update(saved)


def _funders(w):
    council, trust = sorted(funding.funders_of(w.challenge), key=lambda f: f.share_bp, reverse=True)
    return council, trust


def _pdf_text(data: bytes) -> str:
    """The text the PDF draws: its pages' content streams, decompressed."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return b"".join(page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array) else
                        b"".join(part.read_bytes() for part in page.Contents) for page in pdf.pages).decode("latin-1")


def test_invoices_get_consecutive_numbers_and_due_dates(world, app):
    w = world(fund=False)
    council, trust = _funders(w)
    now = clock.now()
    first = funding.issue_invoice(council, w.seeker, now)
    second = funding.issue_invoice(trust, w.trust_member, now, po_number="PO-7781")
    db.session.commit()
    assert (first.invoice_number, second.invoice_number) == (1, 2)
    assert first.due_at == now + timedelta(days=30)
    assert (first.po_number, second.po_number) == ("", "PO-7781")
    # asking again returns the open invoice (no new number) and takes a purchase-order number given now
    again = funding.issue_invoice(council, w.seeker, now, po_number="  4500012345 ")
    db.session.commit()
    assert (again.id, again.invoice_number, again.po_number) == (first.id, 1, "4500012345")
    assert db.session.get(InvoiceCounter, 1).last_number == 2
    assert db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("funding.%"))
                              .order_by(AuditEvent.id)).all()[-3:] == [
        "funding.invoice", "funding.invoice", "funding.po_number"]


def test_a_rolled_back_invoice_gives_its_number_back(world):
    w = world(fund=False)
    council, trust = _funders(w)
    funding.issue_invoice(council, w.seeker, clock.now())
    db.session.rollback()
    invoice = funding.issue_invoice(trust, w.trust_member, clock.now())
    db.session.commit()
    assert invoice.invoice_number == 1


def test_the_payment_terms_are_configurable(world, app):
    w = world(fund=False)
    app.config["INVOICE_PAYMENT_TERMS_DAYS"] = 14
    now = clock.now()  # one moment: asked twice, the clock could pass a second in between (as it did in CI)
    try:
        invoice = funding.issue_invoice(_funders(w)[0], w.seeker, now)
    finally:
        app.config["INVOICE_PAYMENT_TERMS_DAYS"] = 30
    assert invoice.due_at == now + timedelta(days=14)


def test_the_po_number_is_asked_with_the_invoice_and_shown_on_the_page(client, login, world, legal):
    w = world(fund=False)
    _, trust = _funders(w)
    login(w.trust_member)
    page = client.get(f"/challenges/{w.challenge.slug}/funding").text
    assert "Purchase-order number (optional)" in page and "PO number" in page
    response = client.post(f"/funding/funders/{trust.id}/invoice", data={"po_number": "PO-2026-0042"})
    assert response.status_code == 302
    invoice = db.session.scalars(db.select(Funding).where(Funding.funder_id == trust.id)).one()
    assert invoice.po_number == "PO-2026-0042"
    page = client.get(f"/funding/{invoice.id}").text
    for text in ("Invoice CX-000001", "PO-2026-0042", "Riverside Innovation Brokers Ltd", "1 Quay Street",
                 "Bristol BS1 4DJ", "VAT number: GB123456789", "Outside the scope of VAT", "Riverside NHS Trust",
                 "30-99-50", "12345678", invoice.reference, "Download the invoice (PDF)"):
        assert text in page, text
    assert f"{invoice.due_at.day} " in page  # the due date is printed


def test_a_po_number_too_long_is_refused_and_nothing_is_invoiced(client, login, world):
    w = world(fund=False)
    _, trust = _funders(w)
    login(w.trust_member)
    response = client.post(f"/funding/funders/{trust.id}/invoice", data={"po_number": "P" * 61},
                           follow_redirects=True)
    assert response.status_code == 200 and "at most 60 characters" in response.text
    assert db.session.scalar(db.select(db.func.count(Funding.id)).where(Funding.funder_id == trust.id)) == 0


def test_the_pdf_is_a_pdf_with_the_number_po_and_broker(client, login, world, legal):
    w = world(fund=False)
    _, trust = _funders(w)
    invoice = funding.issue_invoice(trust, w.trust_member, clock.now(), po_number="PO-2026-0042")
    db.session.commit()
    login(w.trust_member)
    response = client.get(f"/funding/{invoice.id}/invoice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert 'filename="invoice-CX-000001.pdf"' in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    for expected in ("Invoice CX-000001", "PO-2026-0042", "Riverside Innovation Brokers Ltd", "GB123456789",
                     "Outside the scope of VAT", "Riverside NHS Trust", invoice.reference, "30-99-50"):
        assert expected in text, expected
    assert "\xa3" in text  # the pound sign, drawn by the core font


def test_a_configured_vat_rate_is_stated_on_the_invoice(client, login, world, app):
    w = world(fund=False)
    _, trust = _funders(w)
    invoice = funding.issue_invoice(trust, w.trust_member, clock.now())
    db.session.commit()
    app.config["INVOICE_VAT_RATE_PERCENT"] = 20
    try:
        login(w.broker)
        page = client.get(f"/funding/{invoice.id}").text
    finally:
        app.config["INVOICE_VAT_RATE_PERCENT"] = 0
    assert "Includes VAT at 20 %" in page and "Outside the scope" not in page


@pytest.mark.parametrize("role,status", [("seeker", 200), ("funder", 200), ("broker", 200), ("winner", 404),
                                         ("outsider", 404), ("judge", 404)])
def test_who_may_download_the_pdf(client, login, world, make_user, role, status):
    w = world(fund=False)
    _, trust = _funders(w)
    invoice = funding.issue_invoice(trust, w.trust_member, clock.now())
    db.session.commit()
    who = {"seeker": w.seeker, "funder": w.trust_member, "broker": w.broker, "winner": w.winner,
           "outsider": w.outsider, "judge": make_user("Jude Judge")}[role]
    login(who)
    assert client.get(f"/funding/{invoice.id}/invoice.pdf").status_code == status


def test_a_card_payment_has_no_invoice_pdf(client, login, world):
    w = world(fund=False)
    _, trust = _funders(w)
    card = Funding(provider="stripe", reference="CXF-card-1", amount=100, currency="GBP", state="pending",
                   created_at=clock.now())
    trust.fundings.append(card)
    db.session.commit()
    login(w.broker)
    assert client.get(f"/funding/{card.id}/invoice.pdf").status_code == 404


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
@pytest.mark.parametrize("attempt", range(3))
def test_two_invoices_at_once_get_different_consecutive_numbers(app, world, attempt):
    """Two funders ask for their invoices at the same moment (in two challenges, so no other lock orders
    them): the counter's lock gives them 1 and 2, never the same number, never a gap."""
    first, second = world(fund=False), world(fund=False)
    funder_ids = [_funders(first)[0].id, _funders(second)[0].id]
    seeker_ids = [first.seeker.id, second.seeker.id]
    db.session.commit()

    def ask(n):
        def work():
            invoice = funding.issue_invoice(db.session.get(Funder, funder_ids[n]), db.session.get(User, seeker_ids[n]),
                                            clock.now())
            number = invoice.invoice_number
            db.session.commit()
            return number
        return work

    results = run_together(app, [ask(0), ask(1)])
    assert sorted(results) == [1, 2], results
    db.session.expire_all()
    assert db.session.get(InvoiceCounter, 1).last_number == 2

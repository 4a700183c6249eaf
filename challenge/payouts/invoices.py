"""Funders' invoices: the broker's gap-free number sequence, what an invoice says (the broker's legal details,
VAT treatment, issue and due dates, the funder's purchase-order number) and its PDF.

Numbers come from the one-row `invoice_counters` table, locked while the next number is taken inside the
transaction that issues the invoice: two invoices at once wait for each other and get consecutive numbers,
and an invoice rolled back gives its number back, so the sequence has no gaps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy.exc import IntegrityError

from challenge.dates import format_date
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts.models import Funding, InvoiceCounter
from challenge.platform import tx

if TYPE_CHECKING:
    from fpdf import FPDF

COUNTER = 1  # the broker's sequence (one broker per installation)
PO_MAX = 60


def next_number() -> int:
    """Take the next invoice number under the counter's lock (the row is created on first use)."""
    counter = tx.lock(InvoiceCounter, COUNTER)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceCounter(id=COUNTER, last_number=0))
        except IntegrityError:
            pass  # another request created it first; its lock below makes us wait for its number
        counter = tx.lock(InvoiceCounter, COUNTER)
    counter.last_number += 1
    db.session.flush()
    return counter.last_number


def number_invoice(funding: Funding, po_number: str, now: datetime) -> None:
    """Give a newly issued invoice its number, due date and purchase-order number."""
    funding.invoice_number = next_number()
    funding.due_at = now + timedelta(days=int(current_app.config["INVOICE_PAYMENT_TERMS_DAYS"]))
    funding.po_number = po_number


def clean_po(po_number: str | None) -> str:
    return " ".join((po_number or "").split())[:PO_MAX]


def label(funding: Funding) -> str:
    """`CX-000042`: the number as printed (the prefix from INVOICE_NUMBER_PREFIX)."""
    if funding.invoice_number is None:
        return funding.reference
    return f"{current_app.config['INVOICE_NUMBER_PREFIX']}{funding.invoice_number:06d}"


@dataclass(frozen=True)
class Invoice:
    """Everything an invoice shows, for its page and its PDF alike."""

    number: str
    reference: str
    po_number: str
    issued: str
    due: str
    seller: list[str]
    vat_number: str
    buyer: str
    description: str
    amount: str
    vat_line: str
    bank: list[tuple[str, str]]
    paid: str


def _vat_line(amount: int, currency: str) -> str:
    rate = int(current_app.config["INVOICE_VAT_RATE_PERCENT"])
    if rate <= 0:
        return current_app.config["INVOICE_VAT_TREATMENT"]
    vat = amount * rate // (100 + rate)
    return f"Includes VAT at {rate} %: {format_money(vat, currency)}."


def invoice_of(funding: Funding) -> Invoice:
    config = current_app.config
    address = [line.strip() for line in config["BROKER_ADDRESS"].replace(";", "\n").splitlines() if line.strip()]
    funder, challenge = funding.funder, funding.funder.challenge
    return Invoice(
        number=label(funding), reference=funding.reference, po_number=funding.po_number,
        issued=format_date(funding.created_at), due=format_date(funding.due_at) if funding.due_at else "On receipt",
        seller=[config["BROKER_LEGAL_NAME"] or config["SITE_NAME"], *address],
        vat_number=config["BROKER_VAT_NUMBER"] or "Not registered for VAT", buyer=funder.organisation.name,
        description=f"{funder.share_bp / 100:g} % share of the prize pool of \u201c{challenge.title}\u201d",
        amount=format_money(funding.amount, funding.currency), vat_line=_vat_line(funding.amount, funding.currency),
        bank=[("Account name", config["BROKER_BANK_ACCOUNT_NAME"]), ("Sort code", config["BROKER_BANK_SORT_CODE"]),
              ("Account number", config["BROKER_BANK_ACCOUNT_NUMBER"]), ("Reference", funding.reference)],
        paid=format_date(funding.paid_at) if funding.paid_at else "",
    )


_PLAIN = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-",
                        "\u2022": "*", "\u00a0": " "})


def _text(value: str) -> str:
    """What the PDF's core fonts can draw (Latin-1: £ and accents are in it; curly quotes become straight)."""
    return value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _row(pdf: FPDF, name: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(45, 6, _text(name))
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")


def pdf_bytes(invoice: Invoice) -> bytes:
    """The invoice as an A4 PDF drawn with fpdf2's core fonts (nothing fetched over the network)."""
    # Imported here, not at the top: fpdf2 brings numpy, Pillow and fontTools (~50 MB per worker) and only
    # a funder downloading an invoice needs it (tests/test_memory.py).
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Invoice {invoice.number}"))
    pdf.set_author(_text(invoice.seller[0]))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _text(f"Invoice {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in invoice.seller:
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, _text(f"VAT number: {invoice.vat_number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for name, value in (("To", invoice.buyer), ("Purchase order", invoice.po_number or "None given"),
                        ("Issued", invoice.issued), ("Due", invoice.due), ("For", invoice.description),
                        ("Amount due", invoice.amount), ("VAT", invoice.vat_line)):
        _row(pdf, name, value)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "How to pay", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, "Pay by bank transfer to the broker's client account, quoting the reference exactly.",
                   new_x="LMARGIN", new_y="NEXT")
    for name, value in invoice.bank:
        _row(pdf, name, value)
    if invoice.paid:
        pdf.ln(4)
        _row(pdf, "Paid", invoice.paid)
    return bytes(pdf.output())

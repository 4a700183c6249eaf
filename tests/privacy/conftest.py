"""Fixtures for the privacy tests: the security suite's world (every kind of object a person can leave
data in), with the creator's payout settled so their account may be erased."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import funding
from tests.security.world import build_world


@pytest.fixture()
def world(app, make_user, make_org, make_challenge, make_submission, rubric_for, seat, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    w = build_world(make_user, make_org, make_challenge, make_submission, rubric_for, seat)
    # The pool is paid in, so the ledger has money in it for the erasure to leave alone.
    funding.record_bank_transfer(w.invoice, w.invoice.amount, w.invoice.currency, "BACS 42", w.broker, clock.now())
    db.session.commit()
    return w

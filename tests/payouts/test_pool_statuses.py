"""pool_statuses: every challenge's pool in one statement, the same answer as pool_status one by one and as the
ledger's balances account by account (issue 13)."""
from __future__ import annotations

import re

from challenge import clock
from challenge.extensions import db
from challenge.payouts import funding, ledger
from tests.factories import counted_statements


def test_pool_statuses_agree_with_pool_status(world, make_challenge):
    funded = world()  # paid in full by both funders
    partly = world(fund=False)
    invoice = funding.issue_invoice(partly.funders[0], partly.seeker, clock.now())
    funding.record_bank_transfer(invoice, invoice.amount, invoice.currency, "BACS 7", partly.broker, clock.now())
    unfunded = world(fund=False)
    no_pool = make_challenge(unfunded.council, "in_review", prizes=())
    db.session.commit()
    challenges = [funded.challenge, partly.challenge, unfunded.challenge, no_pool]
    for c in challenges:
        db.session.refresh(c)  # loaded before counting: only the pools' own queries are counted
    with counted_statements() as statements:
        together = funding.pool_statuses(challenges)
    assert len(statements) == 1
    for challenge in challenges:
        assert together[challenge.id] == funding.pool_status(challenge), challenge.title
        held = ledger.balance(ledger.escrow(challenge.id), challenge.currency)
        paid_in = -sum(ledger.balance(ledger.funder(f.id), f.currency) for f in funding.funders_of(challenge))
        assert (together[challenge.id].held, together[challenge.id].funded) == (held, paid_in), challenge.title
    assert together[funded.challenge.id].funded == together[funded.challenge.id].required > 0
    assert together[funded.challenge.id].held > 0
    assert 0 < together[partly.challenge.id].funded < together[partly.challenge.id].required
    summaries = funding.funding_summaries(challenges)
    assert summaries == {c.id: funding.funding_summary(c) for c in challenges}
    assert summaries[funded.challenge.id] == "Funded" and summaries[no_pool.id] == "No prize pool"
    assert "received" in summaries[partly.challenge.id] and not summaries[partly.challenge.id].startswith("£0")
    assert summaries[unfunded.challenge.id].startswith("£0 of")
    assert funding.pool_statuses([]) == {}


def test_the_review_queue_runs_the_same_number_of_queries_for_1_and_6_challenges(client, world, login,
                                                                                   make_challenge):
    w = world(fund=False)
    login(w.broker)
    counts = []
    for n in (1, 5):
        for _ in range(n):
            ch = make_challenge(w.council, "in_review")
            funding.set_funders(ch, [(w.council, 10000)], w.seeker, clock.now())
        db.session.commit()
        with counted_statements() as statements:
            page = client.get("/admin/review").get_data(as_text=True)
        counts.append(len(statements))
        assert page.count('name="note"') == {1: 1, 5: 6}[n]
    assert counts[0] == counts[1], counts
    # the user, the page (each challenge with its organisation, when it was sent, and the total) and the pools
    assert counts[0] == 3, counts


def test_the_review_queue_is_paged_longest_waiting_first(client, world, login, make_challenge, monkeypatch):
    from datetime import timedelta

    from challenge.admin.views import console
    from challenge.challenges.models import Challenge

    monkeypatch.setattr(console, "REVIEW_PER_PAGE", 2)
    w = world(fund=False)
    for days, title in ((1, "Newest"), (3, "Oldest"), (2, "Middle")):
        ch = make_challenge(w.council, "in_review", title=title)
        ch.updated_at = clock.now() - timedelta(days=days)  # no audit event: waiting since its last change
    db.session.commit()
    login(w.broker)
    first = client.get("/admin/review").get_data(as_text=True)
    assert first.index("Oldest") < first.index("Middle") and "Newest" not in first
    assert "3 challenges waiting; showing 1–2" in first and 'href="/admin/review?page=2"' in first
    second = client.get("/admin/review?page=2").get_data(as_text=True)
    assert "Newest" in second and "Oldest" not in second
    assert "past the end of the queue" in client.get("/admin/review?page=9").get_data(as_text=True)
    console_page = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'<p class="display-6 mb-1">3</p>', console_page)
    assert db.session.scalar(db.select(db.func.count(Challenge.id)).where(Challenge.state == "in_review")) == 3

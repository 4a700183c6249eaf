"""The payouts tests' world: a co-funded challenge, its funders, a broker and entrants. The fake Stripe
fixtures are the suite's (tests/stripe_support.py); the helpers are in payouts_helpers.py."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import funding
from tests.payouts.payouts_helpers import fund_all


@pytest.fixture
def world(app, make_user, make_org, make_challenge, make_submission):
    """A co-funded challenge: a council (60 %) leads, an NHS trust (40 %) co-funds; a broker; two entrants."""

    def build(state: str = "judging", prizes=((1_000_000, 1),), shares=(6000, 4000), fund: bool = True,
              fee_percent: int | None = None):
        broker = make_user("Brooke Broker", broker=True)
        seeker = make_user("Sam Seeker")
        trust_member = make_user("Tara Trust")
        council = make_org(owner=seeker, name="Riverside Council")
        trust = make_org(trust_member, name="Riverside NHS Trust", kind="nhs_trust")
        challenge = make_challenge(council, state, prizes=prizes, author=seeker)
        winner, runner_up, outsider = make_user("Wyn Winner"), make_user("Rae Runner"), make_user("Olly Outsider")
        sub_a = make_submission(challenge, winner)
        sub_b = make_submission(challenge, runner_up)
        now = clock.now()
        if fee_percent is not None:
            funding.finance_for(challenge, now).fee_bp = fee_percent * 100
        orgs = [council, trust][: len(shares)]
        funding.set_funders(challenge, list(zip(orgs, shares)), seeker, now)
        for funder in funding.funders_of(challenge, include_unaccepted=True):
            if funder.state == "pending":  # the trust, named by the council's seeker, accepts its share
                funding.accept_funding(funder.id, trust_member, now)
        db.session.commit()
        w = SimpleNamespace(broker=broker, seeker=seeker, trust_member=trust_member, council=council, trust=trust,
                            challenge=challenge, winner=winner, runner_up=runner_up, outsider=outsider,
                            sub_a=sub_a, sub_b=sub_b, funders=funding.funders_of(challenge))
        if fund:
            fund_all(w)
        return w

    return build

"""The challenge page (issue 11 point 15): the rubric's scale descriptors once, as one legend; the prize
pool and the amount held in escrow (the pool plus the broker's fee) explained side by side."""
from __future__ import annotations

import re
from html import unescape

from challenge import clock
from challenge.extensions import db
from challenge.judging.presets import SBRI_LEVELS
from challenge.payouts import funding
from tests.factories import pay_or_waive


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_scale_descriptors_are_shown_once_as_a_legend(client, world, make_challenge, rubric_for):
    challenge = make_challenge(world.org, "open")
    rubric_for(challenge, criteria=(("Innovation", 40), ("Impact", 40), ("Value for money", 20)))
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert page.count("What the scores mean") == 1
    for level in SBRI_LEVELS:
        assert page.count(level) == 1, level
    legend = text_of(page.split("What the scores mean")[1].split("</dl>")[0])
    assert "0 No response" in legend and "4 Good: the answer meets the requirement in full" in legend
    assert "Innovation" in page and "Value for money" in page and "Scored 0 to 4" not in page


def test_a_criterion_with_its_own_scale_shows_it_beside_it(client, world, make_challenge, rubric_for):
    challenge = make_challenge(world.org, "open")
    criteria, _ = rubric_for(challenge, criteria=(("Innovation", 50), ("Impact", 50)))
    criteria[1].scale_min, criteria[1].scale_max = 1, 5
    criteria[1].levels = ["Very weak", "Weak", "Adequate", "Strong", "Outstanding"]
    db.session.commit()
    page = text_of(client.get(f"/challenges/{challenge.slug}").get_data(as_text=True))
    assert page.count("What the scores mean") == 1 and page.count(SBRI_LEVELS[0]) == 1
    assert "Scored 1 to 5: 1 – Very weak 2 – Weak 3 – Adequate 4 – Strong 5 – Outstanding" in page


def test_pool_and_escrow_side_by_side(client, world, make_challenge):
    challenge = make_challenge(world.org, "open", prizes=((4_000_000, 1), (500_000, 2)))  # £50,000
    now = clock.now()
    funding.set_funders(challenge, [(world.org, 10000)], world.seeker, now)
    db.session.commit()
    page = text_of(client.get(f"/challenges/{challenge.slug}").get_data(as_text=True))
    assert "Prize pool £50,000 paid to winners To be held in escrow £52,500 the pool plus the broker’s 5% fee" in page
    assert "£0 received so far." in page

    pay_or_waive(challenge, funding.funders_of(challenge), world.seeker, world.broker, now, pay=True)
    db.session.commit()
    page = text_of(client.get(f"/challenges/{challenge.slug}").get_data(as_text=True))
    assert "Prize pool £50,000 paid to winners Held in escrow £52,500 the pool plus the broker’s 5% fee" in page
    assert "received so far" not in page


def test_no_fee_and_stage_grants_are_said(client, world, make_challenge):
    challenge = make_challenge(world.org, "open", prizes=((1_000_000, 1),))
    finance = funding.finance_for(challenge, clock.now())
    finance.fee_bp, finance.stage_grants_budget = 0, 200_000
    db.session.commit()
    page = text_of(client.get(f"/challenges/{challenge.slug}").get_data(as_text=True))
    assert "Prize pool £10,000 paid to winners To be held in escrow £12,000 the pool, £2,000 of stage grants; no broker’s fee" in page

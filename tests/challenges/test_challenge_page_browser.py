"""Issue 11 points 14 and 15 in Chromium at 1280 px, by visible labels: a seeker attaches the brief and a
data pack to a draft; once published, a visitor finds the challenge by its tag, reads one scale legend and
the pool beside what is held, and downloads the brief. axe finds nothing serious or critical on any page."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import funding
from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD, pay_or_waive
from tests.submissions.metadata_files import pdf

pytestmark = pytest.mark.browser


def check(page, name: str) -> None:
    page.shots(page, name)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_documents_search_legend_and_pool(page, world, make_challenge, rubric_for, tmp_path):
    challenge = make_challenge(world.org, "draft", title="Reaching lonely older residents",
                               tags="loneliness, older people", prizes=((4_000_000, 1), (500_000, 2)))
    rubric_for(challenge, criteria=(("Innovation", 40), ("Impact", 40), ("Value for money", 20)))
    funding.set_funders(challenge, [(world.org, 10000)], world.seeker, clock.now())
    db.session.commit()
    brief, pack = tmp_path / "Brief.pdf", tmp_path / "referrals.csv"
    brief.write_bytes(pdf())
    pack.write_text("area,referrals\nCamden Town,120\n")

    page.goto("/login")
    page.get_by_label("Email address").fill(world.seeker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.goto(f"/challenges/{challenge.slug}")
    page.get_by_role("link", name="Attach a brief or data pack").click()
    page.get_by_label("What is it?").select_option(label="Brief")
    page.get_by_label("Title (optional)").fill("The brief")
    page.get_by_label("File").set_input_files(str(brief))
    page.get_by_role("button", name="Attach the document").click()
    assert "“The brief” is attached." in page.content()
    page.get_by_label("What is it?").select_option(label="Data pack")
    page.get_by_label("File").set_input_files(str(pack))
    page.get_by_role("button", name="Attach the document").click()
    page.get_by_label("File").set_input_files(str(pack))
    page.get_by_role("button", name="Attach the document").click()  # a second click with the same file
    assert "This file is already attached, as “Data pack”." in page.locator(".error-summary").inner_text()
    check(page, "documents page")

    challenge.state = "published"
    pay_or_waive(challenge, funding.funders_of(challenge), world.seeker, world.broker, clock.now(), pay=True)
    db.session.commit()
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Search").fill("loneliness")
    page.get_by_role("button", name="Apply filters").click()
    assert "1 challenge matches your filters" in page.content()
    check(page, "search results")
    page.get_by_role("link", name="Reaching lonely older residents").click()
    assert page.get_by_text("What the scores mean").count() == 1
    assert page.get_by_text("No response: the question is not answered").count() == 1
    prize = " ".join(page.locator("aside").inner_text().split())
    assert "Prize pool £50,000 paid to winners Held in escrow £52,500 the pool plus the broker’s 5% fee" in prize
    assert page.get_by_role("link", name="Attach or remove documents").count() == 0
    check(page, "challenge page")
    with page.expect_download() as download:
        page.get_by_role("link", name="The brief").click()
    assert download.value.suggested_filename == "Brief.pdf"

"""In a real browser: a broker goes from the console to the list of every organisation's diagnoses, filters
it and opens one; the seeker's draft started from a diagnosis links back to it. Checked with axe at both widths; screenshots for a person to look at."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.diagnoses import services as diagnoses
from challenge.extensions import db
from tests.browser_support import check_both_widths, sign_in

pytestmark = pytest.mark.browser


def test_a_broker_finds_the_diagnoses_from_the_console(page, make_user, make_org):
    broker = make_user("Bea Broker", broker=True)
    seeker, other = make_user("Sam Seeker"), make_user("Olu Other")
    leeds, york = make_org(owner=seeker, name="Leeds City Council"), make_org(owner=other, name="York Council")
    titles = ("Older people feel lonely at home", "Carers burn out within two years", "Rivers smell in summer")
    for n, title in enumerate(titles):
        org, author = (leeds, seeker) if n < 2 else (york, other)
        d = diagnoses.create(org, author, clock.now() - timedelta(days=30 * (3 - n)), title=title,
                             summary="What we found so far.")
    rivers = diagnoses.start_challenge(d, other, clock.now())
    db.session.commit()

    sign_in(page, broker)
    page.goto("/admin/")
    page.get_by_role("link", name="Problem diagnoses").click()
    page.get_by_role("heading", name="Problem diagnoses").wait_for()
    check_both_widths(page, "diagnoses-list")
    page.get_by_label("State").select_option("no_challenge")
    page.get_by_role("button", name="Filter").click()
    assert "Rivers smell in summer" not in page.locator("main").inner_text()
    page.shots(page, "diagnoses-list-no-challenge")
    page.get_by_role("link", name="Older people feel lonely at home").click()
    page.get_by_text("this view is recorded in the audit log").wait_for()

    # The draft the seeker started refers to the diagnosis and carries no one's words.
    page.context.clear_cookies()
    sign_in(page, other)
    page.goto(f"/challenges/{rivers.slug}")
    page.get_by_role("link", name=f"diagnosis D-{d.id}").wait_for()
    page.shots(page, "draft-from-a-diagnosis")

"""In a real browser (issue 14 point 7): the seeker answers the DPIA screening of a health-data draft, the
broker is refused publication until they record the DPO's sign-off, then publishes. Each page is checked at
1280 and 390 px with axe."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts.funding import waive_funding
from challenge.privacy import dpia
from tests.browser_support import check_both_widths, sign_in
from tests.factories import PUBLISHABLE

pytestmark = pytest.mark.browser


def test_a_health_data_challenge_is_screened_signed_off_and_published(page, make_user, make_org, make_challenge,
                                                                      rubric_for):
    seeker = make_user("Priya Seeker", "priya@trust.example.org")
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    org = make_org(seeker, name="Riverside Trust")
    draft = make_challenge(org, "draft", title="Fewer missed appointments", outcomes="Fewer missed",
                           eligibility="Anyone", service_user_data="special")
    rubric_for(draft, criteria=PUBLISHABLE, rounds=())

    sign_in(page, seeker)
    page.goto(f"/challenges/{draft.slug}/edit")
    page.get_by_role("link", name="Answer the DPIA screening questions").click()
    check_both_widths(page, "dpia-screening-empty")
    for q in dpia.QUESTIONS:
        group = page.get_by_role("group", name=q.text)
        group.get_by_label("Yes" if q.key == "vulnerable" else "No", exact=True).check()
    page.get_by_label("Note on vulnerable people (optional)").fill("Outpatients, many of them older people.")
    page.get_by_role("button", name="Save the screening").click()
    page.get_by_text("Your screening answers are saved").wait_for()
    assert page.get_by_role("heading", name=dpia.FULL_DPIA).is_visible()
    check_both_widths(page, "dpia-screening-answered")

    page.goto(f"/challenges/{draft.slug}")
    page.locator("main").get_by_role("button", name="Send for review").click()
    page.get_by_text("Sent for review").wait_for()
    waive_funding(draft, "Funding agreed in writing", broker, clock.now())
    db.session.commit()

    sign_in(page, broker)
    page.goto(f"/challenges/{draft.slug}")
    assert page.get_by_role("heading", name="DPIA screening").is_visible()
    page.locator("main").get_by_role("button", name="Publish").click()
    page.get_by_text("A full DPIA is required before the challenge opens: tick").wait_for()
    check_both_widths(page, "dpia-review-refused", reload=False)
    page.get_by_role("link", name="Record the DPO's sign-off").click()
    page.get_by_label("DPIA completed and signed off by the DPO").check()
    page.get_by_label("Date the DPO signed it off").fill(clock.now().date().isoformat())
    page.get_by_label("DPIA reference").fill("RIV-DPIA-7")
    check_both_widths(page, "dpia-sign-off", reload=False)
    page.get_by_role("button", name="Record the sign-off").click()
    page.get_by_text("The DPO's sign-off is recorded").wait_for()
    page.locator("main").get_by_role("button", name="Publish").click()
    page.get_by_text("Published.").wait_for()

    page.goto(f"/challenges/{draft.slug}/dpia/record")
    assert page.get_by_text("RIV-DPIA-7").first.is_visible()
    check_both_widths(page, "dpia-record")
    db.session.expire_all()
    assert draft.state == "published"

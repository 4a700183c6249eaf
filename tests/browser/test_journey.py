"""The whole story in headless Chromium, through the UI only: a council drafts and funds a challenge,
a broker publishes it, two creators enter, judges score, the chair decides, the prize is paid and a
partnership is recorded. Each page is screenshotted and checked with axe (no serious or critical
WCAG 2.2 AA violations)."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest

from challenge import clock
from challenge.dates import local
from tests.browser_support import axe_violations, describe
from challenge.extensions import db
from tests.challenges.challenge_helpers import local_input, mails
from tests.factories import PASSWORD, second_factor_code

pytestmark = pytest.mark.browser

GOOD_PASSWORD = "a walk along the canal at dusk"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def check(page, name: str) -> None:
    """Screenshot the page, then assert axe finds nothing serious or critical on it."""
    page.shots(page, name)
    violations = axe_violations(page)
    assert not violations, f"{name}: {describe(violations)}"


def flash(page) -> str:
    # A button's click returns once the answer starts to load: read the banner when the page has loaded (on a
    # busy machine the next page's DOM may not hold it yet).
    page.wait_for_load_state()
    return " ".join(page.locator(".alert").all_inner_texts())


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def sign_up(page, name: str, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert f"Welcome, {name}" in page.content()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in with the password, then the code from the authenticator app when the account has one (a
    broker), or set the app up when the account's role needs one and has none yet (a paying council's owner)."""
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # wait for the answer: content() read mid-navigation is empty
        page.locator("main").get_by_role("button", name="Sign in").click()
    if urlsplit(page.url).path == "/login/code":
        check(page, "sign-in-code")
        page.get_by_label("Code", exact=True).fill(second_factor_code(_user_id(email)))
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="Sign in").click()
    elif urlsplit(page.url).path == "/account/two-factor":
        check(page, "sign-in-codes-setup")
        secret = page.locator("#secret").inner_text().strip()
        page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(clock.now()))
        with page.expect_navigation():  # the answer redirects to the page that shows the codes once
            page.get_by_role("button", name="Turn on sign-in codes").click()
        assert "Save your recovery codes now" in page.content()
        check(page, "sign-in-codes-recovery")
        return
    assert "You are signed in" in page.content()


def _user_id(email: str) -> int:
    from challenge.accounts.models import User

    db.session.rollback()
    return db.session.scalar(db.select(User.id).where(User.email == email))


def invitation_link(email: str) -> str:
    """The link in the latest email to `email` (a person would click it in their inbox)."""
    db.session.rollback()
    body = mails(email)[-1].body
    # Links use SITE_URL; the test server listens elsewhere, so keep the path.
    return urlsplit(re.search(r"https?://\S+", body).group(0)).path


def test_the_whole_journey(page, make_user):
    broker = make_user(email="broker@example.org", name="Bea Broker", broker=True)

    # A council commissioner signs up and creates the council's organisation.
    sign_up(page, "Sam Seeker", "sam@leeds.example.gov.uk")
    check(page, "seeker-dashboard")
    page.goto("/organisations/new")
    check(page, "new-organisation")
    page.get_by_label("Name of the organisation").fill("Leeds City Council")
    page.get_by_label("Kind of organisation").select_option(label="Local authority")
    page.get_by_role("button", name="Create organisation").click()
    assert "Leeds City Council" in h1(page)
    check(page, "organisation-members")

    # ... drafts a challenge with two prize tiers and dates.
    page.goto("/challenges/new")
    check(page, "new-challenge")
    page.fill("#title", "Warmer homes for older renters")
    page.fill("#summary", "Cold, damp rented homes make older people ill.")
    page.fill("#problem", "Many private renters over 70 live in **cold** homes.")
    page.fill("#outcomes", "Fewer cold homes")
    page.fill("#eligibility", "Anyone in the UK")
    page.select_option("#sector", "housing")
    page.fill("#opens_at", local_input(1, 9))
    page.fill("#closes_at", local_input(30))
    page.fill("#prizes-0-name", "First prize")
    page.fill("#prizes-0-amount", "10,000")
    page.fill("#prizes-0-winners", "1")
    page.fill("#prizes-1-name", "Runner-up")
    page.fill("#prizes-1-amount", "2,000")
    page.fill("#prizes-1-winners", "1")
    page.get_by_role("button", name="Save the draft").click()
    assert h1(page) == "Warmer homes for older renters"
    assert "£10,000" in page.content() and "£2,000" in page.content()
    check(page, "draft-challenge")
    challenge_url = page.url
    slug = challenge_url.rsplit("/", 1)[-1]

    # ... sets the rubric from the SBRI-style preset and gives the first criterion less weight.
    page.goto(challenge_url + "/rubric")
    check(page, "rubric-empty")
    page.get_by_role("button", name="Add the SBRI-style criteria").click()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 3
    first = rows.first.locator("th").inner_text().splitlines()[0].strip()
    rows.first.get_by_role("link", name="Edit").click()
    page.get_by_label("Weight").fill("20")
    page.get_by_role("button", name="Save changes").click()
    assert "There is a problem" not in page.content(), page.locator(".error-summary").inner_text()
    assert re.search(r"\b20\b", page.locator("table tbody tr").filter(has_text=first).locator("td").first.inner_text())
    check(page, "rubric-set")

    # ... says who funds the pool, gets an invoice, and sends the draft for review.
    page.goto(challenge_url + "/funding")
    check(page, "funding")
    page.get_by_label("Funder 1", exact=True).select_option(label="Leeds City Council")
    page.get_by_label("Funder 1's share (%)").fill("100")
    page.get_by_role("button", name="Save funders").click()
    check(page, "funders-set")
    page.get_by_role("button", name="Get an invoice").click()
    assert "Invoice" in h1(page)
    check(page, "invoice")
    invoice_url = page.url
    page.goto(challenge_url)
    page.get_by_role("button", name="Send for review").click()
    assert "Sent for review" in flash(page)
    check(page, "sent-for-review")

    # The broker records the council's bank transfer, so the pool is held in full, and publishes.
    sign_in(page, broker.email)
    page.goto(invoice_url)
    amount = page.locator("dd").filter(has_text="£").first.inner_text().strip()
    page.get_by_label("Amount received").fill(amount.lstrip("£"))
    page.get_by_label("Bank statement reference").fill("BACS LEEDS CC 0042")
    page.get_by_role("button", name="Record transfer received").click()
    check(page, "transfer-recorded")
    page.goto(challenge_url + "/funding")
    assert "fully funded" in page.content().lower()
    page.goto(challenge_url)
    page.get_by_role("button", name="Publish").click()
    assert "Published" in flash(page)
    check(page, "published")

    # A day later the challenge is open; anyone can find it in the catalogue.
    clock.travel(timedelta(days=2))
    page.context.clear_cookies()
    page.goto("/?q=renters")
    assert "Warmer homes for older renters" in page.locator(".card-title").all_inner_texts()
    check(page, "catalogue")
    page.goto(challenge_url)
    check(page, "challenge-page")

    # Two creators sign up and submit; the first attaches a PDF.
    references = []
    for name, email, title, attach in [
        ("Cara Creator", "cara@example.org", "Heat-pump loans via the landlord", True),
        ("Dev Designer", "dev@example.org", "Draught-proofing volunteers", False),
    ]:
        page.context.clear_cookies()
        sign_up(page, name, email)
        page.goto(challenge_url)
        page.get_by_role("link", name="Submit a solution").click()
        check(page, f"start-submission-{email}")
        page.get_by_label("Title of your solution").fill(title)
        page.get_by_label("Summary").fill(f"{title}: a short summary.")
        page.get_by_label("Your solution in full").fill(f"{title}, in full: who, how, what it costs.")
        page.get_by_role("button", name="Save draft").click()
        assert title in h1(page)
        if attach:
            page.get_by_label("Add a file").set_input_files(files=[{
                "name": "costings.pdf", "mimeType": "application/pdf", "buffer": PDF}])
            page.get_by_role("button", name="Upload file").click()
            assert page.get_by_role("link", name="costings.pdf").is_visible()
        check(page, f"draft-submission-{email}")
        page.get_by_label("I confirm that I (and my team) meet").check()
        page.get_by_label("I accept the challenge’s terms").check()
        page.get_by_role("button", name="Submit solution").click()
        assert "Submitted" in page.locator("main").inner_text()
        check(page, f"submitted-{email}")
        references.append(page.url.rsplit("/", 1)[-1])

    # The deadline passes (the clock is moved); the commissioner starts judging and invites two judges.
    clock.travel(timedelta(days=30))
    sign_in(page, "sam@leeds.example.gov.uk", GOOD_PASSWORD)
    page.goto(challenge_url)
    page.get_by_role("button", name="Start judging").click()
    check(page, "judging-started")
    page.goto(f"/judging/{slug}/")
    assert h1(page) == "Judging “Warmer homes for older renters”"
    check(page, "judging-setup")
    for email, role in [("jo@example.org", "Chair of the panel"), ("kit@example.org", "Judge")]:
        page.get_by_label("Email address").fill(email)
        page.get_by_label(role, exact=True).check()
        page.get_by_role("button", name="Send invitation").click()
        assert email in page.locator("main").inner_text()
    check(page, "judges-invited")

    # The judges join through the links in their invitations, creating their accounts on the way.
    for name, email in [("Jo Chair", "jo@example.org"), ("Kit Judge", "kit@example.org")]:
        link = invitation_link(email)
        page.context.clear_cookies()
        page.goto(link)
        check(page, f"invitation-{email}")
        page.locator("main").get_by_role("link", name="Create an account").click()
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(GOOD_PASSWORD)
        page.get_by_role("button", name="Create account").click()
        assert "Join the judging panel" in h1(page)
        page.get_by_role("button", name="Join the panel").click()
        assert "You have joined the panel" in flash(page)
        check(page, f"joined-{email}")

    # The commissioner opens the round.
    sign_in(page, "sam@leeds.example.gov.uk", GOOD_PASSWORD)
    page.goto(f"/judging/{slug}/")
    assert "Jo Chair" in page.locator("main").inner_text()
    page.get_by_role("button", name="Open Assessment").click()
    check(page, "round-open")

    # Jo (the chair) has no conflicts and scores both entries; Kit knows the second entrant.
    for email, conflict_with in [("jo@example.org", None), ("kit@example.org", "Draught-proofing volunteers")]:
        sign_in(page, email, GOOD_PASSWORD)
        page.goto(f"/judging/{slug}/queue")
        assert h1(page) == "Your entries to score"
        check(page, f"queue-{email}")
        for title, level in [("Heat-pump loans via the landlord", -1), ("Draught-proofing volunteers", 1)]:
            page.goto(f"/judging/{slug}/queue")
            page.locator("tr").filter(has_text=title).get_by_role("link").click()
            check(page, f"declare-{email}-{level}")
            if title == conflict_with:
                page.get_by_label("Yes, I have a conflict of interest").check()
                page.get_by_label("If yes, what is the conflict?").fill("I volunteer with this charity.")
                page.get_by_role("button", name="Confirm my declaration").click()
                assert "conflict" in flash(page).lower()
                check(page, f"conflict-{email}")
                continue
            page.get_by_label("No, I have no conflict of interest").check()
            page.get_by_role("button", name="Confirm my declaration").click()
            assert h1(page) == title
            names = page.evaluate("[...new Set([...document.querySelectorAll('input[name^=score-]')].map(i => i.name))]")
            assert len(names) >= 3
            for n in names:
                page.locator(f"input[name='{n}']").nth(level).check()
            page.get_by_label("Comment for the entrant and the panel").fill(f"Clear plan for {title}.")
            check(page, f"scoring-{email}-{level}")
            page.get_by_role("button", name="Submit scores").click()
            assert "submitted" in flash(page).lower()
    page.goto(f"/judging/{slug}/queue")
    check(page, "queue-done")

    # The chair sees the panel's results and records the decision: Cara wins the first prize.
    sign_in(page, "jo@example.org", GOOD_PASSWORD)
    page.goto(f"/judging/{slug}/panel?round=1")
    assert "3 of 3 score sheets submitted" in page.locator("main").inner_text()
    assert "Heat-pump loans via the landlord" in page.locator("table tbody tr").first.inner_text()
    check(page, "panel-view")
    page.goto(f"/judging/{slug}/")
    page.get_by_role("button", name="Close Assessment").click()
    check(page, "round-closed")
    page.goto(f"/judging/{slug}/rounds/1/decide")
    assert h1(page) == "Decide the winners of “Warmer homes for older renters”"
    check(page, "decide")
    assert "Heat-pump loans" in page.get_by_label("First prize (£10,000)").locator("option:checked").inner_text()
    # Only one entry met the bar: the runner-up place stays empty and its money goes back to the council.
    page.get_by_label("Runner-up (£2,000)").select_option("")
    page.get_by_label("Reason for leaving a prize place empty").fill("The panel agreed only one entry is ready.")
    page.get_by_role("button", name="Review the decision").click()
    check(page, "decide-review")
    page.get_by_role("button", name="Record the decision").click()
    assert "The decision is recorded" in flash(page)
    page.get_by_role("button", name="Publish the results").click()
    page.locator(".alert", has_text="The results are published").wait_for()
    page.goto(challenge_url)
    assert "Awarded" in page.locator("main").inner_text()
    check(page, "decided")

    # Cara, the winner, sees her award and gives her bank details (the manual provider).
    sign_in(page, "cara@example.org", GOOD_PASSWORD)
    page.goto("/my/payouts")
    assert "£10,000" in page.locator("main").inner_text()
    check(page, "my-payouts")
    page.get_by_role("link", name="Add bank details").click()
    check(page, "bank-details")
    page.get_by_label("Name on the account").fill("Cara Creator")
    page.get_by_label("Sort code").fill("12-34-56")
    page.get_by_label("Account number").fill("12345678")
    page.get_by_role("button", name="Save bank details").click()
    check(page, "bank-details-saved")

    # The broker releases the payout; it is paid; the unawarded £2,000 is refunded to the council.
    sign_in(page, broker.email)
    page.goto("/admin/payouts")
    check(page, "payout-queue")
    # Releasing asks for confirmation with the account masked; the transfer is then recorded with the bank's
    # own reference and date (the manual provider: two steps).
    page.get_by_role("link", name=re.compile(r"^Release")).first.click()
    assert "sort code ••-••-" in page.locator("main").inner_text()
    check(page, "payout-confirm-release")
    page.get_by_role("button", name=re.compile(r"^Release £")).click()
    assert "released" in flash(page).lower(), flash(page)
    check(page, "payout-released")
    page.get_by_role("link", name=re.compile(r"^Record as paid")).first.click()
    page.get_by_label("Bank reference").fill("FP-LEEDS-0042")
    page.get_by_label("Date of the transfer").fill(local(clock.now()).date().isoformat())
    page.get_by_role("button", name="Record as paid").click()
    assert "bank reference FP-LEEDS-0042" in flash(page), flash(page)
    check(page, "payout-recorded")
    page.goto(f"/admin/payouts/challenges/{slug}")
    assert "Paid" in page.locator("main").inner_text()
    check(page, "challenge-money")
    # Left empty, the refund returns everything not awarded (the unawarded prize and its share of the fee).
    page.get_by_role("button", name="Refund funders").click()
    assert "refund(s) made to the funders" in flash(page)
    money = page.locator("main dl, main").first.inner_text()
    assert re.search(r"Held in escrow\s+£0\b", money), money
    assert re.search(r"Paid to winners\s+£10,000", money), money
    check(page, "refunded")
    page.goto("/finance")
    assert "Warmer homes for older renters" in page.locator("main").inner_text()
    check(page, "finance")

    # The broker records a partnership arising from the winning solution.
    page.goto("/library/manage")
    check(page, "library-manage")
    page.get_by_role("link", name="Start a partnership from Heat-pump loans via the landlord").click()
    check(page, "new-partnership")
    page.get_by_role("button", name="Record as a lead").click()
    assert "recorded as a lead" in flash(page)
    assert "Leeds City Council" in page.locator("main").inner_text()
    check(page, "partnership")
    page.goto("/partnerships/")
    assert "Heat-pump loans" in page.locator("main").inner_text()
    check(page, "partnership-board")

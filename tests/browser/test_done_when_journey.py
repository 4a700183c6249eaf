"""Issue 11's "Done when", walked in headless Chromium by visible labels, roles and texts only: a council
drafts a challenge with entry questions and a rubric with a social value criterion, funds it with an invoice
quoting its purchase order and sends it for review; the broker records the bank transfer and publishes it; two
creators answer the questions (one is first stopped by the eligibility question) and submit; a judge who
already has an account accepts the panel invitation on the dashboard, declares for all entries on one page
and scores with next-entry navigation; the chair closes the round with a sheet outstanding, decides with the
prefilled places, reviews, records and publishes; every entrant is told by email and on the dashboard; the
winner gives bank details; the broker releases the payout and records it paid with the bank's reference.

No CSS selectors and no typed URLs beyond each person's first page (sign-in, sign-up) and the links read
from emails. Every page visited is checked at 1280 px and at 390 px: axe at zero serious or critical, and
nothing scrolls sideways at 390 px (tests/browser_support.check_both_widths)."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest

from challenge import clock
from challenge.dates import local
from challenge.extensions import db
from tests.browser_support import check_both_widths
from tests.challenges.challenge_helpers import local_input
from tests.factories import PASSWORD, mails, second_factor_code

pytestmark = pytest.mark.browser

GOOD_PASSWORD = "a walk along the canal at dusk"
TITLE = "Warmer homes for older renters"
CHARITY = "Are you a registered charity, CIC or company with fewer than 250 staff?"
STOP = "This challenge is open only to registered charities, CICs and companies with fewer than 250 staff."
REACH = "Who will your idea reach first?"
ENTRIES = [("Cara Creator", "cara@example.org", "Heat-pump loans via the landlord"),
           ("Dev Designer", "dev@example.org", "Draught-proofing volunteers")]

check = check_both_widths


def flash(page) -> str:
    page.wait_for_load_state()  # as in test_journey: the banner once the answer has loaded
    return " ".join(page.get_by_role("alert").all_inner_texts() + page.get_by_role("status").all_inner_texts())


def main(page) -> str:
    return page.get_by_role("main").inner_text()


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def _user_id(email: str) -> int:
    from challenge.accounts.models import User

    db.session.rollback()
    return db.session.scalar(db.select(User.id).where(User.email == email))


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """A person's first page: the sign-in form, then the code from their authenticator app when they have
    one (a broker), or setting one up when their role needs it (a paying council's owner)."""
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    follow(page, page.get_by_role("main").get_by_role("button", name="Sign in"))
    if urlsplit(page.url).path == "/login/code":
        page.get_by_label("Code", exact=True).fill(second_factor_code(_user_id(email)))
        follow(page, page.get_by_role("main").get_by_role("button", name="Sign in"))
    elif urlsplit(page.url).path == "/account/two-factor":
        secret = page.get_by_text(re.compile(r"^[A-Z2-7]{16,}$")).inner_text().strip()
        page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(clock.now()))
        submit(page, "Turn on sign-in codes")
        assert "Save your recovery codes now" in page.content()
        return
    assert "You are signed in" in page.content()


def sign_up(page, name: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/signup")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(GOOD_PASSWORD)
    submit(page, "Create account")
    assert f"Welcome, {name}" in page.content()


def submit(page, name) -> None:
    """Press a button that sends a form, and wait for the page that answers it."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def follow(page, link) -> None:
    """Follow a link (or press a button), and wait for the page it leads to."""
    with page.expect_navigation():
        link.click()


def nav(page, name: str) -> None:
    follow(page, page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True))


def open_challenge_from_dashboard(page) -> None:
    nav(page, "Dashboard")
    mine = page.get_by_role("region", name="Your organisations’ challenges")
    follow(page, mine.get_by_role("link", name=TITLE))
    assert h1(page) == TITLE


def add_question(page, label, kind, **fill):
    page.get_by_label("Question", exact=True).fill(label)
    page.get_by_label("Kind of answer").select_option(label=kind)
    for name, value in fill.items():
        if value is True:
            page.get_by_label(name).check()
        else:
            page.get_by_label(name).fill(value)
    submit(page, "Add question")
    assert f"“{label}” is saved." in flash(page)


def add_criterion(page, name, weight, social=False):
    page.get_by_label("Criterion", exact=True).fill(name)
    page.get_by_label("What judges look for").fill(f"How well the idea does on {name.lower()}.")
    page.get_by_label("Weight").fill(str(weight))
    if social:
        page.get_by_label("This is a social value criterion").check()
    submit(page, "Add criterion")
    assert "There is a problem" not in page.content(), main(page)


def score_this_entry(page, level: int, comment: str) -> None:
    """The same score (0 to 4) on every criterion's radio group of the score sheet."""
    groups = page.get_by_role("main").get_by_role("radiogroup").all() or \
        page.get_by_role("main").get_by_role("group").filter(has=page.get_by_role("radio")).all()
    assert len(groups) == 3, [g.inner_text()[:40] for g in groups]
    for group in groups:
        group.get_by_role("radio").nth(level).check()
    page.get_by_label("Comment for the entrant and the panel").fill(comment)


def test_done_when_the_whole_journey_by_visible_labels(page, make_user):
    broker = make_user(email="broker@example.org", name="Bea Broker", broker=True)
    # The judges already have accounts (confirmed addresses), as people who judged before.
    make_user(email="jo@example.org", name="Jo Chair")
    make_user(email="kit@example.org", name="Kit Judge")

    # 1. The council's commissioner signs up, creates the organisation and drafts the challenge.
    sign_up(page, "Sam Seeker", "sam@leeds.example.gov.uk")
    check(page, "seeker-dashboard")
    follow(page, page.get_by_role("link", name="Create an organisation"))
    check(page, "new-organisation")
    page.get_by_label("Name of the organisation").fill("Leeds City Council")
    page.get_by_label("Kind of organisation").select_option(label="Local authority")
    submit(page, "Create organisation")
    assert "Leeds City Council" in h1(page)
    check(page, "organisation")
    nav(page, "Dashboard")
    follow(page, page.get_by_role("link", name="Draft a challenge"))
    check(page, "new-challenge")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Summary").fill("Cold, damp rented homes make older people ill.")
    page.get_by_label("Problem statement").fill("Many private renters over 70 live in **cold** homes.")
    page.get_by_label("Desired outcomes").fill("Fewer cold homes")
    page.get_by_label("Who can enter").fill("Charities, CICs and small companies in the UK")
    page.get_by_label("Sector").select_option(label="Housing")
    page.get_by_label("Opens").fill(local_input(1, 9))
    page.get_by_label("Closes").fill(local_input(30))
    for n, (name, amount) in enumerate([("First prize", "10,000"), ("Runner-up", "2,000")], start=1):
        page.get_by_label(f"Tier {n} name").fill(name)
        page.get_by_label(f"Tier {n} amount for each winner").fill(amount)
        page.get_by_label(f"Tier {n} number of winners").fill("1")
    submit(page, "Save the draft")
    assert h1(page) == TITLE and "£10,000" in main(page)
    check(page, "draft-challenge")

    # ... asks two entry questions: an eligibility yes/no and a long text with a word limit.
    follow(page, page.get_by_role("link", name="Edit the entry questions"))
    check(page, "entry-questions-empty")
    add_question(page, CHARITY, "Yes or no", **{
        "Eligibility question: asked before an entry is written; the answers below stop the entry": True,
        "Eligibility: answers that make an entry ineligible, one per line": "No",
        "Eligibility: what an ineligible entrant is told": STOP})
    add_question(page, REACH, "Long text", **{
        "Long text: word limit": "80", "Required: an entry cannot be submitted without an answer": True})
    assert "Answering No stops the entry" in main(page) and "Up to 80 words." in main(page)
    check(page, "entry-questions")
    follow(page, page.get_by_role("link", name="Back to the challenge"))

    # ... sets the rubric: two criteria and a social value criterion at 10 % (PPN 002, which a council needs).
    follow(page, page.get_by_role("link", name="Edit the rubric"))
    check(page, "rubric-empty")
    add_criterion(page, "Reach", 50)
    add_criterion(page, "Feasibility", 40)
    add_criterion(page, "Local jobs and skills", 10, social=True)
    assert re.search(r"Local jobs and skills.*10\s*%", main(page), re.S), main(page)
    check(page, "rubric-set")
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE))

    # ... says who funds the pool and gets an invoice quoting the council's purchase order; sends for review.
    follow(page, page.get_by_role("link", name="Manage funding"))
    check(page, "funding")
    page.get_by_label("Funder 1", exact=True).select_option(label="Leeds City Council")
    page.get_by_label("Funder 1's share (%)").fill("100")
    submit(page, "Save funders")
    check(page, "funders-set")
    page.get_by_label("Purchase-order number (optional)").fill("PO-LCC-55120")
    submit(page, "Get an invoice for Leeds City Council")
    assert re.search(r"Invoice CX-\d{6}", h1(page)) and "PO-LCC-55120" in main(page), main(page)
    invoice_number = re.search(r"CX-\d{6}", h1(page)).group(0)
    check(page, "invoice")
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE))
    submit(page, "Send for review")
    assert "Sent for review" in flash(page)
    check(page, "sent-for-review")

    # The broker records the council's bank transfer against the invoice and publishes the challenge.
    sign_in(page, broker.email)
    nav(page, "Dashboard")
    follow(page, page.get_by_role("region", name="Waiting for your review").get_by_role("link", name=TITLE))
    check(page, "broker-review")
    follow(page, page.get_by_role("link", name="Manage funding"))
    check(page, "broker-funding")
    follow(page, page.get_by_role("link", name=f"Invoice {invoice_number}"))
    check(page, "broker-invoice")
    amount = page.get_by_role("definition").filter(has_text="£").first.inner_text().strip()
    page.get_by_label("Amount received").fill(amount.lstrip("£"))
    page.get_by_label("Bank statement reference").fill("BACS LEEDS CC PO-LCC-55120")
    submit(page, "Record transfer received")
    assert "Bank transfer recorded" in flash(page), flash(page)
    check(page, "transfer-recorded")
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE))
    submit(page, "Publish")
    assert "Published" in flash(page)
    check(page, "published")

    # 2. The challenge opens; two creators find it, answer the questions and submit.
    clock.travel(timedelta(days=2))
    for n, (name, email, idea) in enumerate(ENTRIES):
        sign_up(page, name, email)
        nav(page, "Challenges")
        follow(page, page.get_by_role("main").get_by_role("link", name=TITLE).first)
        if n == 0:
            check(page, "challenge-page")
        follow(page, page.get_by_role("link", name="Submit a solution"))
        check(page, f"entry-form-{n}")
        eligible = page.get_by_role("group", name=CHARITY)
        if n == 0:  # Cara first answers No and is stopped before anything is kept; then answers truthfully.
            eligible.get_by_label("No").check()
            page.get_by_label("Title of your solution").fill(idea)
            submit(page, "Save draft")
            assert "You cannot enter this challenge" in main(page) and STOP in main(page)
            check(page, "entry-ineligible", reload=False)
        eligible.get_by_label("Yes").check()
        page.get_by_label("Title of your solution").fill(idea)
        page.get_by_label("Summary").fill(f"{idea}: a short summary.")
        page.get_by_label("Your solution in full").fill(f"{idea}, in full: who, how, what it costs.")
        page.get_by_label(REACH).fill(f"Renters over 70 in Harehills, through {idea.lower()}.")
        submit(page, "Save draft")
        assert "Your draft is saved" in page.content()
        check(page, f"entry-draft-{n}")
        page.get_by_label("I confirm that I (and my team) meet").check()
        page.get_by_label("I accept the challenge’s terms").check()
        submit(page, "Submit solution")
        assert "Your solution is submitted" in page.content()
        check(page, f"entry-submitted-{n}")

    # 3. The deadline passes; the commissioner starts judging and invites two people who have accounts.
    clock.travel(timedelta(days=30))
    sign_in(page, "sam@leeds.example.gov.uk", GOOD_PASSWORD)
    open_challenge_from_dashboard(page)
    submit(page, "Start judging")
    check(page, "judging-started")
    follow(page, page.get_by_role("link", name="Judging and panel"))
    check(page, "judging-setup")
    for email, role in [("jo@example.org", "Chair of the panel"), ("kit@example.org", "Judge")]:
        page.get_by_label("Email address").fill(email)
        page.get_by_label(role, exact=True).check()
        submit(page, "Send invitation")
        assert email in main(page)
    check(page, "judges-invited")

    # Each judge accepts in the app, on the dashboard, under "Waiting for your answer".
    for email in ("jo@example.org", "kit@example.org"):
        sign_in(page, email)
        nav(page, "Dashboard")
        waiting = page.get_by_role("region", name="Waiting for your answer")
        assert f"Join the judging panel of “{TITLE}”" in waiting.inner_text()
        check(page, f"dashboard-invitation-{email}")
        submit(page, f"Accept: Join the judging panel of “{TITLE}”")
        assert f"You have joined the judging panel of “{TITLE}”." in flash(page)

    sign_in(page, "sam@leeds.example.gov.uk", GOOD_PASSWORD)
    open_challenge_from_dashboard(page)
    follow(page, page.get_by_role("link", name="Judging and panel"))
    assert "Jo Chair" in main(page) and "Kit Judge" in main(page)
    submit(page, "Open Assessment")
    check(page, "round-open")

    # Each judge declares for all their entries on one page, then scores; "Submit scores" leads on to the next
    # entry. Jo scores both; Kit scores the first and leaves the second outstanding.
    for email, levels in [("jo@example.org", [4, 2]), ("kit@example.org", [3])]:
        sign_in(page, email)
        nav(page, "Judging")
        check(page, f"my-panels-{email}")
        follow(page, page.get_by_role("link", name="Your judging queue").or_(page.get_by_role("link", name=TITLE)).first)
        check(page, f"queue-{email}")
        follow(page, page.get_by_role("link", name="Declare any conflicts for all your entries on one page"))
        for _, _, idea in ENTRIES:  # when judging is not blind the page says who entered
            assert idea in main(page)
        assert "Entered by" in main(page)
        check(page, f"declare-all-{email}")
        for radio in page.get_by_role("radio", name=re.compile(r"^No conflict")).all():
            radio.check()
        submit(page, "Record my declarations")
        assert "declaration" in flash(page).lower(), flash(page)
        follow(page, page.get_by_role("link", name=re.compile(r"^Score")).first)
        for n, level in enumerate(levels):
            first_title = h1(page)
            score_this_entry(page, level, f"Clear plan for {first_title}.")
            if n == 0:
                check(page, f"score-sheet-{email}", reload=False)
                answers = main(page)
                assert "Answers to the entry questions" in answers and REACH in answers
            submit(page, "Submit scores")
            if n == 0:
                assert "Here is your next entry." in flash(page), flash(page)
                assert h1(page) != first_title
            check(page, f"after-submit-{email}-{n}")
    check(page, "kit-leaves-one-outstanding")

    # 4. The chair closes the round with the warning, decides with the prefilled places, records, publishes.
    sign_in(page, "jo@example.org")
    nav(page, "Judging")
    follow(page, page.get_by_role("link", name="Run the panel").first)
    check(page, "chair-setup")
    submit(page, "Close Assessment")
    assert "1 is outstanding" in main(page), main(page)
    check(page, "close-warning", reload=False)
    submit(page, "Close with 1 sheet outstanding")
    check(page, "round-closed")
    assert "3 of 4 score sheets submitted" in main(page)  # closing leads to the panel's results
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Judging"))
    follow(page, page.get_by_role("link", name="Decide the winners"))
    assert h1(page) == f"Decide the winners of “{TITLE}”"
    first = page.get_by_label("First prize (£10,000)")
    runner_up = page.get_by_label("Runner-up (£2,000)")
    assert ENTRIES[0][2] in first.get_by_role("option", selected=True).inner_text()  # prefilled from the ranking
    assert ENTRIES[1][2] in runner_up.get_by_role("option", selected=True).inner_text()
    check(page, "decide")
    # Kit's outstanding sheet leaves the runner-up incomplete: the chair must say why they decide anyway.
    assert "(incomplete)" in runner_up.get_by_role("option", selected=True).inner_text()
    submit(page, "Review the decision")
    assert "has fewer complete scores than required: give a reason to decide anyway" in main(page)
    check(page, "decide-refused", reload=False)
    page.get_by_label("Reason for deciding entries without enough complete scores").fill(
        "Kit declared late that they could not finish; Jo's sheet and Kit's first are enough to place it.")
    submit(page, "Review the decision")
    assert "Record the decision" in main(page)
    check(page, "decide-review", reload=False)
    submit(page, "Record the decision")
    assert "The decision is recorded" in flash(page)
    check(page, "decision-recorded")
    submit(page, "Publish the results")
    page.get_by_text("The results are published").first.wait_for()
    check(page, "results-published")

    # Every entrant is told: an email in the outbox and a line on their dashboard.
    db.session.rollback()
    for (name, email, idea), prize in zip(ENTRIES, ["First prize", "Runner-up"]):
        told = [m for m in mails(email) if TITLE in m.subject and "result" in (m.subject + m.body).lower()]
        assert len(told) == 1 and prize in told[0].body, [(m.subject, m.body) for m in mails(email)]
        sign_in(page, email, GOOD_PASSWORD)
        nav(page, "Dashboard")
        notices = page.get_by_role("region", name=re.compile("^Notifications")).inner_text()
        assert f"The results of “{TITLE}” are published" in notices and "won a prize" in notices, notices
        check(page, f"entrant-told-{email}")

    # 5. Cara, the winner, gives her bank details; the broker releases the payout and records it paid.
    sign_in(page, ENTRIES[0][1], GOOD_PASSWORD)
    nav(page, "Dashboard")
    follow(page, page.get_by_role("link", name="Your prizes and payouts"))
    assert "£10,000" in main(page)
    check(page, "my-payouts")
    follow(page, page.get_by_role("link", name="Add bank details"))
    check(page, "bank-details")
    page.get_by_label("Name on the account").fill("Cara Creator")
    page.get_by_label("Sort code").fill("12-34-56")
    page.get_by_label("Account number").fill("12345678")
    submit(page, "Save bank details")
    check(page, "bank-details-saved")

    sign_in(page, broker.email)
    nav(page, "Broker console")
    follow(page, page.get_by_role("link", name="Payouts to release"))
    check(page, "payout-queue")
    follow(page, page.get_by_role("link", name=re.compile(r"^Release payout")).first)
    assert "•••• 5678, sort code ••-••-56" in main(page), main(page)
    assert "12345678" not in main(page)
    check(page, "payout-confirm-release")
    submit(page, "Release £10,000 to Cara Creator")
    assert "Released: now transfer £10,000 to Cara Creator" in flash(page), flash(page)
    check(page, "payout-released")
    follow(page, page.get_by_role("link", name=re.compile(r"^Record as paid")).first)
    check(page, "record-as-paid")
    page.get_by_label("Bank reference").fill("FP-LEEDS-0042-CARA")
    page.get_by_label("Date of the transfer").fill(local(clock.now()).date().isoformat())
    submit(page, "Record as paid")
    assert "Recorded: Cara Creator was paid" in flash(page) and "FP-LEEDS-0042-CARA" in flash(page), flash(page)
    assert "Bank ref. FP-LEEDS-0042-CARA" in main(page)
    check(page, "payout-recorded")

    sign_in(page, ENTRIES[0][1], GOOD_PASSWORD)
    nav(page, "Dashboard")
    follow(page, page.get_by_role("link", name="Your prizes and payouts"))
    assert "Paid" in main(page) and "£10,000" in main(page)
    check(page, "winner-sees-paid")

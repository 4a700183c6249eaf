"""Issue 11 point 8 in a real browser: a seeker asks three questions (one decides eligibility), an ineligible
creator is stopped, then answers and submits, and a judge reads the answers on the score sheet."""
from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.submissions.models import Submission
from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD
from tests.judging.judging_helpers import open_round

pytestmark = pytest.mark.browser

CHARITY = "Are you a registered charity, CIC or company with fewer than 250 staff?"
STOP = "This challenge is open only to registered charities, CICs and companies with fewer than 250 staff."


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def add_question(page, label, kind, **fill):
    page.get_by_label("Question", exact=True).fill(label)
    page.get_by_label("Kind of answer").select_option(label=kind)
    for name, value in fill.items():
        if value is True:
            page.get_by_label(name).check()
        else:
            page.get_by_label(name).fill(value)
    page.get_by_role("button", name="Add question").click()
    assert f"“{label}” is saved." in page.locator("main").inner_text()


def no_serious_axe(page):
    found = axe_violations(page)
    assert not found, describe(found)


def test_questions_from_editor_to_score_sheet(page, make_user, make_org, make_challenge, rubric_for, seat):
    seeker = make_user("Sita Seeker", "sita@riverside.example.org")
    council = make_org(seeker, name="Riverside Council")
    challenge = make_challenge(council, "draft", title="Loneliness in later life")
    creator = make_user("Cleo Creator", "cleo@example.org")

    sign_in(page, seeker)
    page.goto(f"/challenges/{challenge.slug}")
    page.get_by_role("link", name="Edit the entry questions").click()
    add_question(page, CHARITY, "Yes or no", **{
        "Eligibility question: asked before an entry is written; the answers below stop the entry": True,
        "Eligibility: answers that make an entry ineligible, one per line": "No",
        "Eligibility: what an ineligible entrant is told": STOP})
    add_question(page, "Who will your service reach first?", "Long text",
                 **{"Long text: word limit": "50", "Required: an entry cannot be submitted without an answer": True})
    add_question(page, "How many volunteers do you have?", "Number",
                 **{"Number: smallest allowed (optional)": "0", "Number: largest allowed (optional)": "5000"})
    main = page.locator("main").inner_text()
    assert "Answering No stops the entry" in main and "Up to 50 words." in main
    no_serious_axe(page)
    page.shots(page, "seeker-questions")

    challenge.state, challenge.published_at = "published", clock.now()  # the broker publishes it
    db.session.commit()
    page.reload()
    assert "The entry questions are frozen" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Add question").count() == 0
    page.shots(page, "frozen")

    sign_in(page, creator)
    page.goto(f"/challenges/{challenge.slug}")
    asked = page.get_by_role("region", name="What you will be asked")
    assert CHARITY in asked.inner_text() and "Up to 50 words." in asked.inner_text()
    no_serious_axe(page)
    page.shots(page, "public-page")
    page.get_by_role("link", name="Submit a solution").click()
    page.get_by_role("group", name=CHARITY).get_by_label("No").check()
    page.get_by_label("Title of your solution").fill("Tea and talk")
    page.get_by_role("button", name="Save draft").click()
    assert "You cannot enter this challenge" in page.locator("main").inner_text() and STOP in page.content()
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 0
    no_serious_axe(page)
    page.shots(page, "ineligible")

    page.get_by_role("group", name=CHARITY).get_by_label("Yes").check()
    page.get_by_label("Title of your solution").fill("Tea and talk")
    page.get_by_label("Summary").fill("Weekly tea for people living alone.")
    page.get_by_label("Your solution in full").fill("Volunteers host a weekly tea in the library.")
    page.get_by_label("Who will your service reach first?").fill("Older people living alone in Riverside.")
    page.get_by_label("How many volunteers do you have? (optional)").fill("twelve")
    page.get_by_role("button", name="Save draft").click()
    assert "Enter a whole number, like 250" in page.locator("main").inner_text()
    page.get_by_label("How many volunteers do you have? (optional)").fill("12")
    page.get_by_role("button", name="Save draft").click()
    assert "Your draft is saved" in page.content()
    assert "Older people living alone in Riverside." in page.locator("main").inner_text()
    page.get_by_label("I confirm that I (and my team) meet the challenge’s eligibility criteria").check()
    page.get_by_label("I accept the challenge’s terms, including its terms on intellectual property").check()
    page.get_by_role("button", name="Submit solution").click()
    assert "Your solution is submitted" in page.content()
    page.shots(page, "submitted")

    judges = [make_user("Jude Judge", "jude@example.org"), make_user("Jo Second", "jo@example.org")]
    challenge.state, challenge.closes_at = "judging", clock.now() - timedelta(minutes=1)
    _, rounds = rubric_for(challenge, rounds=({"name": "Assessment"},))
    seat(challenge, judges[0], "chair")
    seat(challenge, judges[1])
    db.session.commit()
    open_round(type("World", (), {"rounds": rounds, "chair": judges[0]}))
    sign_in(page, judges[1])
    page.goto(f"/judging/{challenge.slug}/queue")
    page.get_by_role("link", name="Start").first.click()
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Confirm my declaration").click()
    main = page.locator("main").inner_text()
    assert "Answers to the entry questions" in main and "Older people living alone in Riverside." in main
    assert "How many volunteers do you have?" in main and "12" in main
    no_serious_axe(page)
    page.shots(page, "score-sheet")


def test_the_entry_form_with_questions_fits_a_phone(page, make_user, make_org, make_challenge):
    from tests.submissions.test_entry_questions_answers import ask

    seeker = make_user("Sita Seeker", "sita@riverside.example.org")
    challenge = make_challenge(make_org(seeker, name="Riverside Council"), "open", title="Loneliness in later life")
    ask(challenge, CHARITY, "yes_no", required=True, eligibility=True, ineligible_answers=["no"],
        ineligible_message=STOP)
    ask(challenge, "Where will you work?", "choice", options=["North Riverside", "South Riverside", "Both"])
    ask(challenge, "Your budget", "file", file_types=["pdf", "xlsx"], max_bytes=5 * 1024 * 1024)
    sign_in(page, make_user("Cleo Creator", "cleo@example.org"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/challenges/{challenge.slug}/submit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_label("Your budget (optional)").is_visible()
    no_serious_axe(page)
    page.shots(page, "entry-form-390")

"""A first visit: the catalogue, creating an account, signing out and in again, with the keyboard."""
import pytest

from tests.browser_support import axe_violations, describe

pytestmark = pytest.mark.browser


def test_a_new_user_signs_up_and_signs_in(page):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Challenges"
    page.shots(page, "catalogue")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Create account").click()
    # A common password is refused with the GOV.UK-style summary that links to the field.
    assert page.title().startswith("Error:")
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    page.shots(page, "signup-error")
    page.get_by_label("Password").fill("a walk along the canal at dusk")
    page.get_by_role("button", name="Create account").click()
    assert "Welcome, Priya Shah" in page.content()
    page.shots(page, "dashboard")
    page.get_by_role("button", name="Sign out").click()
    assert "You are signed out" in page.content()
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill("PRIYA@example.org")
    page.get_by_label("Password").fill("a walk along the canal at dusk")
    page.get_by_role("button", name="Sign in").click()
    assert "You are signed in" in page.content()


def test_sign_in_works_with_the_keyboard_alone(page, make_user):
    from tests.factories import PASSWORD

    make_user(email="keys@example.org")
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_label("Email address").focus()
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You are signed in" in page.content()


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/accessibility", "/privacy"])
def test_public_pages_have_no_serious_accessibility_violations(page, path):
    page.goto(path)
    violations = axe_violations(page)
    assert not violations, describe(violations)

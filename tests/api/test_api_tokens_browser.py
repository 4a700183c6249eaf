"""A new user's API token in a browser: created on the account page (the token shown once), the section at
both widths (axe clean, nothing sideways at 390 px), the token read with as a client would, then revoked."""
import pytest

from tests.browser_support import check_both_widths

pytestmark = pytest.mark.browser


def test_a_new_user_creates_uses_and_revokes_a_token(page, live_server):
    page.goto("/signup")
    page.get_by_label("Full name").fill("Tess Token")
    page.get_by_label("Email address").fill("tess@example.org")
    page.get_by_label("Password").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    page.goto("/account")
    assert page.get_by_role("heading", name="API tokens").is_visible()
    page.get_by_label("Token name").fill("My script")
    page.get_by_label("Read: see your drafts, entries, partnerships and payouts").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("cx_")
    check_both_widths(page, "api-tokens", reload=False)
    page.reload()  # post, redirect, get: a refresh asks nothing, creates nothing, and no longer shows the token
    assert page.get_by_label("Your new token").count() == 0 and secret not in page.content()
    assert page.get_by_role("button", name="Revoke the token My script").count() == 1
    client = page.context.request
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/my/submissions", headers=headers).json() == {"data": []}
    page.goto("/account")
    assert secret not in page.content() and "Never used" not in page.content()
    page.get_by_role("button", name="Revoke the token My script").click()
    assert "is revoked" in page.content()
    assert client.get("/api/v1/my/submissions", headers=headers).status == 401

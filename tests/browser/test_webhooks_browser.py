"""Webhooks in a real browser, by visible labels: a council's owner registers an endpoint from the
organisation's page, copies the secret shown once, sends a test ping and sees it delivered in the log. Each
page is checked at both widths with axe."""
from __future__ import annotations

import pytest

from tests.browser_support import check_both_widths, sign_in
from tests.webhooks.conftest import hook, receiver, receiver_server, seekers  # noqa: F401  (the webhooks tests' world)

pytestmark = pytest.mark.browser


def test_register_an_endpoint_ping_it_and_read_the_delivery_log(page, seekers, receiver):
    sign_in(page, seekers.owner)
    page.goto(f"/organisations/{seekers.council.slug}")
    page.locator("main").get_by_role("link", name="Webhooks").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Webhooks")
    assert "No endpoints yet" in page.content()
    check_both_widths(page, "webhooks-empty")

    page.get_by_role("button", name="Register endpoint").click()  # nothing filled in
    assert "Enter the URL" in page.locator("main").inner_text()
    page.get_by_label("Payload URL").fill(receiver.url)
    page.get_by_label("decision.published").check()
    page.get_by_label("partnership.stage_changed").check()
    page.get_by_role("button", name="Register endpoint").click()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_")
    check_both_widths(page, "webhooks-secret-shown-once", reload=False)

    page.get_by_role("link", name="Send it a test ping").click()
    assert "Nothing sent yet" in page.content()
    page.get_by_role("button", name="Send a test ping").click()
    assert "test ping was sent" in page.locator(".alert").first.inner_text()
    row = page.locator("tbody tr").first
    assert "ping" in row.inner_text() and "Delivered" in row.inner_text() and "HTTP 200" in row.inner_text()
    assert len(receiver.got) == 1 and receiver.got[0].headers["X-Cx-Event"] == "ping"
    check_both_widths(page, "webhooks-delivery-log")

    page.get_by_role("button", name="Redeliver").click()
    assert page.locator("tbody tr").count() == 2 and len(receiver.got) == 2
    page.get_by_role("link", name="Webhooks").last.click()
    assert secret not in page.content()

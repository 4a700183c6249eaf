"""The API's documentation page in a browser: at both widths, axe clean, nothing sideways at 390 px, and the
JSON it links to opens."""
import pytest

from tests.browser_support import check_both_widths

pytestmark = pytest.mark.browser


def test_the_api_documentation_page_reads_well(page):
    page.goto("/developers/api")
    assert page.get_by_role("heading", level=1).inner_text() == "Challenge Exchange public API"
    assert page.get_by_role("heading", name="GET /api/v1/challenges", exact=True).is_visible()
    check_both_widths(page, "api-docs")
    page.get_by_role("link", name="/api/v1/openapi.json").click()
    assert '"openapi": "3.1.0"' in page.content().replace('"openapi":"3.1.0"', '"openapi": "3.1.0"')

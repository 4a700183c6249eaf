"""Plain pages and the headers every response carries."""


def test_accessibility_statement_has_the_parts_the_regulations_require(client):
    page = client.get("/accessibility").get_data(as_text=True)
    for part in ("Compliance status", "Non-accessible content", "Reporting accessibility problems",
                 "Enforcement procedure", "last reviewed on"):
        assert part in page


def test_every_response_carries_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_not_found_is_a_friendly_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)

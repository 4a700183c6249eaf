"""CSP with frame-ancestors and nosniff on every kind of answer; the login rate limit answers 429."""
from __future__ import annotations


def _check(response, what):
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors" in csp or "default-src 'none'" in csp, (what, csp)


def test_every_kind_of_answer_carries_csp_and_nosniff(app, client, sec_world, login):
    w = sec_world
    login(w.broker)
    answers = {
        "HTML page": client.get("/"),
        "404 page": client.get("/no-such-page"),
        "405 page": client.get("/logout"),
        "CSV": client.get("/admin/audit.csv"),
        "finance CSV": client.get("/finance.csv"),
        "attachment": client.get(f"/submissions/{w.sub.reference}/attachments/{w.attachment.id}"),
        "health check": client.get("/healthz"),
        "webhook answer": client.post("/webhooks/stripe", data=b"{}", content_type="application/json"),
    }
    for what, response in answers.items():
        _check(response, what)
    assert "frame-ancestors 'none'" in answers["HTML page"].headers["Content-Security-Policy"] or \
        "frame-ancestors 'self'" in answers["HTML page"].headers["Content-Security-Policy"]
    assert "text/csv" in answers["CSV"].headers["Content-Type"]
    assert answers["attachment"].headers["Content-Disposition"].startswith("attachment;")
    assert "script-src 'self'" in answers["HTML page"].headers["Content-Security-Policy"] or \
        "default-src 'self'" in answers["HTML page"].headers["Content-Security-Policy"]


def test_the_login_rate_limit_answers_429(app, strict_app):
    limited = strict_app(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    codes = [client.post("/login", data={"email": "nobody@example.org", "password": "wrong guess here"}).status_code
             for _ in range(12)]
    assert 429 in codes and codes[0] == 400  # the refused sign-in form, with its message
    refused = client.post("/login", data={"email": "nobody@example.org", "password": "x"})
    assert refused.status_code == 429
    _check(refused, "429 page")
    assert "Traceback" not in refused.get_data(as_text=True)

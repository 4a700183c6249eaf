"""Cookies, headers and error pages as production serves them."""
from challenge import create_app
from challenge.config import TestConfig
from tests.factories import PASSWORD


def _production_app(database_url, tmp_path):
    config = type("ProdLike", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": database_url, "PRODUCTION": True, "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True, "TESTING": False, "PROPAGATE_EXCEPTIONS": False,
        "MAIL_FOLDER": str(tmp_path / "mail"), "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        # production refuses to start without real bank and legal details (config.check_production)
        "BROKER_LEGAL_NAME": "Riverside Innovation Brokers Ltd", "BROKER_ADDRESS": "1 Quay Street, Bristol",
        "BROKER_VAT_NUMBER": "GB123456789", "BROKER_BANK_SORT_CODE": "30-99-50",
        "BROKER_BANK_ACCOUNT_NUMBER": "12345678",
    })
    return create_app(config)


def test_session_and_remember_cookies_are_httponly_lax_and_secure_in_production(app, database_url, tmp_path,
                                                                                 make_user):
    make_user(email="cookie@example.org")
    prod = _production_app(database_url, tmp_path)
    client = prod.test_client()
    response = client.post("/login", data={"email": "cookie@example.org", "password": PASSWORD, "remember": "y"},
                           base_url="https://localhost")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "signing in sets cookies"
    for cookie in cookies:
        lowered = cookie.lower()
        assert "httponly" in lowered and "samesite=lax" in lowered and "secure" in lowered, cookie
    assert any(c.startswith("remember_token=") for c in cookies)


def test_hsts_only_in_production(app, client, database_url, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/").headers
    prod = _production_app(database_url, tmp_path)
    assert "max-age=" in prod.test_client().get("/").headers["Strict-Transport-Security"]


def test_an_unexpected_error_shows_no_stack_trace(app, database_url, tmp_path):
    prod = _production_app(database_url, tmp_path)

    @prod.get("/explode-for-test")
    def explode():
        raise RuntimeError("secret internals: /srv/app/challenge/payouts.py line 42")

    response = prod.test_client().get("/explode-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "there is a problem with the service" in body.lower()
    assert "Traceback" not in body and "secret internals" not in body and "RuntimeError" not in body


def test_a_post_without_its_csrf_token_is_refused(app, database_url, tmp_path):
    prod = _production_app(database_url, tmp_path)
    prod.config["WTF_CSRF_ENABLED"] = True
    response = prod.test_client().post("/login", data={"email": "a@example.org", "password": "whatever it is"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True) or "session" in response.get_data(as_text=True).lower()

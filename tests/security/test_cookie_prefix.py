"""Production cookies carry the `__Host-` prefix, with what the prefix demands: Secure, Path=/, no Domain."""
import subprocess
import sys

from challenge import create_app
from challenge.config import ProductionConfig, TestConfig
from tests.factories import PASSWORD


def test_production_session_and_remember_cookies_are_host_prefixed(app, database_url, tmp_path, make_user):
    make_user(email="host-cookie@example.org")
    config = type("ProdCookies", (ProductionConfig, TestConfig), {
        "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False, "MAIL_FOLDER": str(tmp_path / "mail"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        # production refuses to start without real bank and legal details (config.check_production)
        "BROKER_LEGAL_NAME": "Riverside Innovation Brokers Ltd", "BROKER_ADDRESS": "1 Quay Street, Bristol",
        "BROKER_VAT_NUMBER": "GB123456789", "BROKER_BANK_SORT_CODE": "30-99-50",
        "BROKER_BANK_ACCOUNT_NUMBER": "12345678",
    })
    client = create_app(config).test_client()
    response = client.post("/login", data={"email": "host-cookie@example.org", "password": PASSWORD,
                                           "remember": "y"}, base_url="https://localhost")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"__Host-session", "__Host-remember_token"} <= names
    for cookie in cookies:
        lowered = cookie.lower()
        assert cookie.startswith("__Host-"), cookie
        assert "; secure" in lowered and "; path=/" in lowered and "domain=" not in lowered, cookie
    # Signed in through the prefixed cookies: the next page knows who it is.
    assert "Sign out" in client.get("/account", base_url="https://localhost").text


def test_the_production_switch_names_the_cookies_too():
    code = "from challenge.config import Config as C; print(C.SESSION_COOKIE_NAME, C.REMEMBER_COOKIE_NAME, C.SESSION_COOKIE_SECURE)"
    out = subprocess.run([sys.executable, "-c", code], env={"PRODUCTION": "1", "PATH": ""}, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["__Host-session", "__Host-remember_token", "True"]

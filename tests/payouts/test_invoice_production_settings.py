"""Production refuses to start while invoices would send funders' money to the placeholder bank account, or
lack the broker's legal details (issue 11 point 12); development and the test-suite start as before."""
from __future__ import annotations

import pytest

from challenge import create_app
from challenge.config import ProductionSettingsMissing, TestConfig

GOOD = {"PRODUCTION": True, "TESTING": False, "SECRET_KEY": "a-real-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "BROKER_LEGAL_NAME": "Riverside Innovation Brokers Ltd", "BROKER_ADDRESS": "1 Quay Street, Bristol",
        "BROKER_VAT_NUMBER": "GB123456789", "BROKER_BANK_ACCOUNT_NAME": "Riverside Client Account",
        "BROKER_BANK_SORT_CODE": "30-99-50", "BROKER_BANK_ACCOUNT_NUMBER": "12345678"}


def _production(**changes):
    config = type("Production", (TestConfig,), {**GOOD, **changes})
    return create_app(config)


def test_production_starts_with_real_details():
    assert _production().config["PRODUCTION"] is True


@pytest.mark.parametrize("changes,said", [
    ({"BROKER_BANK_SORT_CODE": "00-00-00"}, "BROKER_BANK_SORT_CODE is the placeholder 00-00-00"),
    ({"BROKER_BANK_ACCOUNT_NUMBER": "00000000"}, "BROKER_BANK_ACCOUNT_NUMBER is the placeholder 00000000"),
    ({"BROKER_BANK_ACCOUNT_NUMBER": ""}, "BROKER_BANK_ACCOUNT_NUMBER is not set"),
    ({"BROKER_LEGAL_NAME": ""}, "BROKER_LEGAL_NAME is not set"),
    ({"BROKER_ADDRESS": "  "}, "BROKER_ADDRESS is not set"),
    ({"BROKER_VAT_NUMBER": ""}, "BROKER_VAT_NUMBER is not set"),
])
def test_production_refuses_placeholders_and_missing_legal_details(changes, said):
    with pytest.raises(ProductionSettingsMissing) as refused:
        _production(**changes)
    assert said in str(refused.value) and "will not start in production" in str(refused.value)


def test_every_problem_is_named_at_once():
    with pytest.raises(ProductionSettingsMissing) as refused:
        _production(BROKER_BANK_SORT_CODE="00-00-00", BROKER_BANK_ACCOUNT_NUMBER="00000000", BROKER_LEGAL_NAME="")
    message = str(refused.value)
    assert all(name in message for name in ("BROKER_BANK_SORT_CODE", "BROKER_BANK_ACCOUNT_NUMBER", "BROKER_LEGAL_NAME"))


def test_development_and_tests_start_with_the_placeholders():
    app = create_app(type("Dev", (TestConfig,), {"PRODUCTION": False, "TESTING": False}))
    assert app.config["BROKER_BANK_SORT_CODE"] == "00-00-00"
    assert create_app(TestConfig).config["BROKER_BANK_ACCOUNT_NUMBER"] == "00000000"

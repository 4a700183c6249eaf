"""Configuration from environment variables.

`Config` is what `gunicorn wsgi:app` and `make run` use; `TestConfig` is what the test-suite uses.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'challenge.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SITE_NAME = "Challenge Exchange"
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    SITE_TIMEZONE = os.environ.get("SITE_TIMEZONE", "Europe/London")
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    WTF_CSRF_TIME_LIMIT = None
    # Production turns these on (PRODUCTION=1): Secure, __Host- cookies and HSTS.
    PRODUCTION = _bool("PRODUCTION")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # In production the `__Host-` prefix makes browsers accept these cookies only when Secure, for Path=/
    # and with no Domain, so a sibling subdomain or a plain-HTTP page cannot plant or shadow them.
    SESSION_COOKIE_NAME = "__Host-session" if PRODUCTION else "session"
    REMEMBER_COOKIE_NAME = "__Host-remember_token" if PRODUCTION else "remember_token"
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = PRODUCTION
    SESSION_COOKIE_PATH = REMEMBER_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = REMEMBER_COOKIE_DOMAIN = None
    # Uploads: 5 files of 20 MB each, plus the form fields.
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    UPLOAD_MAX_FILES = 5
    MAX_CONTENT_LENGTH = 5 * UPLOAD_MAX_BYTES + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    # Where uploads live (platform/filestore.py): unset, the folder above; s3://bucket/prefix, a bucket, with
    # the AWS_* variables and STORAGE_ENDPOINT_URL for MinIO, Ceph or another S3-compatible server.
    # Downloads stream through the app, or redirect to a presigned URL living this many seconds when > 0.
    STORAGE_URL = os.environ.get("STORAGE_URL", "")
    STORAGE_ENDPOINT_URL = os.environ.get("STORAGE_ENDPOINT_URL")
    STORAGE_REGION = os.environ.get("STORAGE_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    STORAGE_PRESIGNED_SECONDS = int(os.environ.get("STORAGE_PRESIGNED_SECONDS", "0"))
    # Rate limits: memory by default, Redis when RATELIMIT_STORAGE_URI is set.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    RATELIMIT_AUTH = os.environ.get("RATELIMIT_AUTH", "10 per minute")
    # Several deployments (or a benchmark cluster) may share one Redis: each keeps its keys under a prefix.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    # Anonymous visitors' copies of public pages (platform/pagecache.py): kept per worker in memory, or in
    # Redis with CACHE_TYPE=RedisCache and CACHE_REDIS_URL; never longer than PAGE_CACHE_SECONDS (0: off).
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "flask_cache_")
    CACHE_THRESHOLD = 300
    # Mail: SMTP when MAIL_SERVER is set, otherwise .eml files under instance/mail/.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Challenge Exchange <noreply@example.org>")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE / "mail"))
    # A sender holding an outbox message longer than this is taken to have died; another run takes it over.
    OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "300"))
    # Background jobs (challenge/jobs): a Celery broker (redis://…, amqp://…); unset, they run inline from
    # the `flask` commands (cron) and nothing else is needed.
    JOBS_BROKER_URL = os.environ.get("JOBS_BROKER_URL")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "challenge")
    # Outgoing webhooks (challenge/webhooks): private, loopback and link-local addresses are refused (SSRF)
    # unless this is on (a receiver on the same network in development); a sender holding a delivery
    # longer than WEBHOOKS_CLAIM_SECONDS is taken to have died.
    WEBHOOKS_ALLOW_PRIVATE = _bool("WEBHOOKS_ALLOW_PRIVATE", False)
    WEBHOOKS_CLAIM_SECONDS = int(os.environ.get("WEBHOOKS_CLAIM_SECONDS", "60"))
    # Money.
    DEFAULT_CURRENCY = "GBP"
    BROKER_FEE_PERCENT = int(os.environ.get("BROKER_FEE_PERCENT", "5"))
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "manual")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    # Where funders send invoice payments (shown on invoice pages).
    BROKER_BANK_ACCOUNT_NAME = os.environ.get("BROKER_BANK_ACCOUNT_NAME", "Challenge Exchange Client Account")
    BROKER_BANK_SORT_CODE = os.environ.get("BROKER_BANK_SORT_CODE", "00-00-00")
    BROKER_BANK_ACCOUNT_NUMBER = os.environ.get("BROKER_BANK_ACCOUNT_NUMBER", "00000000")
    # The broker as invoices name it. Production refuses to start while any is empty (see check_production).
    BROKER_LEGAL_NAME = os.environ.get("BROKER_LEGAL_NAME", "")
    BROKER_ADDRESS = os.environ.get("BROKER_ADDRESS", "")  # lines separated by "\n" or ";"
    BROKER_VAT_NUMBER = os.environ.get("BROKER_VAT_NUMBER", "")  # e.g. GB123456789; "none" if not registered
    # What the invoice says about VAT: prize funds held for distribution are outside its scope unless a rate
    # is configured (INVOICE_VAT_RATE_PERCENT, e.g. 20, then added to the amount and shown as VAT).
    INVOICE_VAT_TREATMENT = os.environ.get(
        "INVOICE_VAT_TREATMENT", "Outside the scope of VAT: prize funds held for distribution to winners.")
    INVOICE_VAT_RATE_PERCENT = int(os.environ.get("INVOICE_VAT_RATE_PERCENT", "0"))
    INVOICE_PAYMENT_TERMS_DAYS = int(os.environ.get("INVOICE_PAYMENT_TERMS_DAYS", "30"))
    INVOICE_NUMBER_PREFIX = os.environ.get("INVOICE_NUMBER_PREFIX", "CX-")
    # `flask payouts retry` retries a payout left processing after this many seconds, with the same key.
    PAYOUTS_RETRY_AFTER_SECONDS = int(os.environ.get("PAYOUTS_RETRY_AFTER_SECONDS", "300"))
    # After a payee changes their bank details or payout email, their payouts wait this long before release.
    PAYOUT_DETAILS_COOLING_OFF_HOURS = int(os.environ.get("PAYOUT_DETAILS_COOLING_OFF_HOURS", "24"))
    # Impact and procurement.
    DISCOUNT_RATE_PERCENT = os.environ.get("DISCOUNT_RATE_PERCENT", "3.5")
    # JSON, pence with VAT, laid over the defaults in partnerships/procurement.py (checked at start-up), e.g.
    # {"local_authority": {"notice": 3000000, "full_procedure": 20772000}}. Unset: the defaults (2026 figures).
    PROCUREMENT_THRESHOLDS: dict | str | None = os.environ.get("PROCUREMENT_THRESHOLDS") or None
    # The OCDS prefix for contract notices' ocids, registered with the Open Contracting Partnership. The default
    # is a placeholder: set the real one before a buyer publishes what the panel exports.
    OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "ocds-xxxxxx")
    # The 360Giving identifier prefix for grant ids (payouts/giving.py), issued by 360Giving when a publisher
    # registers. The default is a placeholder: set the real one before the 360Giving file is published.
    THREESIXTYGIVING_PREFIX = os.environ.get("THREESIXTYGIVING_PREFIX", "360G-challengeexchange")
    # Pages.
    PER_PAGE = 12  # cards in the public catalogue and the library
    TABLE_PER_PAGE = 50  # rows in the staff's and seekers' long tables (users, audit log, submissions)
    # Data protection: the controller named in the privacy notice (/privacy) and the register of processing.
    PRIVACY_CONTROLLER = os.environ.get("PRIVACY_CONTROLLER", os.environ.get("BROKER_LEGAL_NAME", "Challenge Exchange"))
    PRIVACY_CONTROLLER_ADDRESS = os.environ.get("PRIVACY_CONTROLLER_ADDRESS", "")
    PRIVACY_DPO_NAME = os.environ.get("PRIVACY_DPO_NAME", "Data Protection Officer")
    PRIVACY_DPO_EMAIL = os.environ.get("PRIVACY_DPO_EMAIL", "dpo@example.org")
    PRIVACY_ICO_REGISTRATION = os.environ.get("PRIVACY_ICO_REGISTRATION", "")  # the controller's ICO fee number
    # The retention schedule `flask privacy retention` applies (challenge/privacy/retention.py): each data
    # class's period, counted from the decision, the invitation, the token's expiry, the event, the sending, the
    # last payout or a diagnosis's last change; the Article 30 register states the same periods (processing.py).
    # Override one with RETENTION_<CLASS>=<n> (in the same unit). The ledger is never purged.
    RETENTION = {
        name: {unit: int(os.environ.get(f"RETENTION_{name.upper()}", default))}
        for name, unit, default in (
            ("unsuccessful_entries", "years", 2), ("judges_comments", "years", 2),
            ("invitations_unanswered", "days", 90), ("reset_tokens", "days", 7), ("audit_ip", "days", 365),
            ("outbox_sent", "days", 90), ("payee_bank_details", "days", 365), ("ledger", "years", 6),
            ("diagnoses", "years", 2),
        )
    }
    # Diagnostics for the benchmark: an X-Query-Count header on every response (challenge/diagnostics.py).
    QUERY_COUNT_HEADER = _bool("QUERY_COUNT_HEADER")
    # A worker freezes its long-lived objects out of the garbage collector's reach after these requests
    # (challenge/platform/heap.py); "" turns it off.
    GC_FREEZE_AFTER = tuple(int(n) for n in os.environ.get("GC_FREEZE_AFTER", "1,200").split(",") if n.strip())


PLACEHOLDER_BANK = {"BROKER_BANK_SORT_CODE": "00-00-00", "BROKER_BANK_ACCOUNT_NUMBER": "00000000"}
LEGAL_DETAILS = ("BROKER_LEGAL_NAME", "BROKER_ADDRESS", "BROKER_VAT_NUMBER", "BROKER_BANK_ACCOUNT_NAME")


class ProductionSettingsMissing(RuntimeError):
    """Production cannot start: invoices would send funders' money to a placeholder account."""


def check_production(config) -> None:
    """Refuse to start in production (PRODUCTION=1) with the placeholder bank details or without the legal
    details invoices need, naming every setting to fix. Development and the test-suite (TESTING, which tries
    production's cookies and headers) start with the placeholders."""
    if not config.get("PRODUCTION") or config.get("TESTING"):
        return
    bank = {name: str(config.get(name) or "").strip() for name in PLACEHOLDER_BANK}
    wrong = [f"{name} is the placeholder {PLACEHOLDER_BANK[name]}" if value else f"{name} is not set"
             for name, value in bank.items() if value.replace("-", "").replace(" ", "").strip("0") == ""]
    wrong += [f"{name} is not set" for name in LEGAL_DETAILS if not str(config.get(name) or "").strip()]
    if wrong:
        raise ProductionSettingsMissing(
            "Challenge Exchange will not start in production: " + "; ".join(wrong) + ". Set them in the "
            "environment (docs/operations.md, 'Invoices and the broker's bank account').")


class SettingInvalid(RuntimeError):
    """A setting from the environment cannot be used: the message names it and says why."""


def check_procurement(config) -> None:
    """Turn PROCUREMENT_THRESHOLDS (JSON text, a dict or None) into the full, checked table, or refuse to
    start naming the fault: a bad value must not surface later as a wrong answer on the procurement panel."""
    from challenge.partnerships.ocds import check_prefix
    from challenge.partnerships.procurement import ProcurementInputError, check_thresholds

    raw = config.get("PROCUREMENT_THRESHOLDS")
    try:
        table = json.loads(raw) if isinstance(raw, str) else raw
        config["PROCUREMENT_THRESHOLDS"] = check_thresholds(table)
        check_prefix(config.get("OCDS_PREFIX"))
    except json.JSONDecodeError as exc:
        raise SettingInvalid(f"PROCUREMENT_THRESHOLDS is not valid JSON ({exc}). See docs/operations.md.") from None
    except ProcurementInputError as exc:
        name = "" if str(exc).startswith("OCDS_PREFIX") else "PROCUREMENT_THRESHOLDS: "
        raise SettingInvalid(f"{name}{exc}. See docs/operations.md, 'Procurement thresholds'.") from None


def check_open_data(config) -> None:
    """Refuse to start with a THREESIXTYGIVING_PREFIX that cannot begin a 360Giving grant id."""
    from challenge.accounts.orgids import GIVING_PREFIX_PATTERN as PREFIX_PATTERN

    prefix = config.get("THREESIXTYGIVING_PREFIX")
    if not isinstance(prefix, str) or not PREFIX_PATTERN.match(prefix):
        raise SettingInvalid(f"THREESIXTYGIVING_PREFIX must be '360G-' and the publisher's name (letters, digits, "
                             f"hyphens), not {prefix!r}. See docs/open-data.md.")


class ProductionConfig(Config):
    ENV_NAME = "production"
    PRODUCTION = True
    SESSION_COOKIE_NAME, REMEMBER_COOKIE_NAME = "__Host-session", "__Host-remember_token"
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    WEBHOOKS_ALLOW_PRIVATE = True  # tests receive webhooks on 127.0.0.1 (the SSRF tests turn it off)
    STORAGE_URL = ""  # the local folder, whatever the environment says; the bucket's tests set their own
    SERVER_NAME = None
    MAIL_SERVER = None
    GC_FREEZE_AFTER = ()  # a test process builds hundreds of apps: nothing of theirs is kept for good

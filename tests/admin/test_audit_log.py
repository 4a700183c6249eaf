import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from challenge.extensions import db
from challenge.platform import audit
from challenge.platform.models import AuditEvent


def _event(actor, action, obj, at, **kw):
    event = audit.record(actor, action, obj, at, **kw)
    db.session.commit()
    return event


@pytest.fixture()
def log(broker, make_user, make_org, make_challenge):
    """Four events over three days (times in UTC; London is UTC+0 in November)."""
    owner = make_user("Olu Owner", "olu@example.org")
    org = make_org(owner=owner, name="Hull Council")
    challenge = make_challenge(org, "draft", title="Warm homes")
    day = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
    _event(owner, "challenge.submit_for_review", challenge, day, from_state="draft", to_state="in_review")
    _event(broker, "challenge.request_changes", challenge, day + timedelta(days=1), from_state="in_review",
           to_state="draft", reason="Add the eligibility rules")
    _event(broker, "organisation.verify", org, day + timedelta(days=2))
    _event(None, "user.make_broker", owner, day + timedelta(days=2, hours=1))
    return owner, org, challenge


def _rows(page: str, marker="<code>"):
    return page.count(marker)


def test_newest_first_with_who_what_when_and_why(client, log):
    page = client.get("/admin/audit").get_data(as_text=True)
    order = [page.index(f"<code>{a}</code>") for a in ("user.make_broker", "organisation.verify",
                                                       "challenge.request_changes", "challenge.submit_for_review")]
    assert order == sorted(order)
    assert "Add the eligibility rules" in page and "in_review → draft" in page
    assert "Olu Owner" in page and "System" in page
    assert "Wed 11 Nov 2026, 09:00" in page
    assert '<a href="/challenges/' in page and "Warm homes" in page and "Hull Council" in page


@pytest.mark.parametrize("query, expected", [
    ("object_type=challenge", 2),
    ("action=organisation.verify", 1),
    ("actor=olu", 1),
    ("actor=BROOKE%40example.org", 2),
    ("actor=system", 1),
    ("date_from=2026-11-11", 3),
    ("date_to=2026-11-11", 2),
    ("date_from=2026-11-11&date_to=2026-11-11", 1),
    ("object_type=challenge&actor=brooke", 1),
    ("date_from=2026-12-01", 0),
])
def test_filters(client, log, query, expected):
    page = client.get(f"/admin/audit?{query}").get_data(as_text=True)
    assert _rows(page) == expected, query


@pytest.mark.parametrize("query, message", [
    ("date_from=31/12/2026", "Enter a real date, like 2026-11-30"),
    ("date_to=2026-02-30", "Enter a real date, like 2026-11-30"),
    ("date_from=2026-11-12&date_to=2026-11-10", "must be the same as or after"),
    ("object_type=spaceship", "Not a valid choice"),
])
def test_bad_filters_are_explained(client, log, query, message):
    response = client.get(f"/admin/audit?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page and message in page
    assert "<title>Error:" in page


def test_a_bad_filter_leaves_the_others_working(client, log):
    page = client.get("/admin/audit?date_from=nonsense&object_type=challenge").get_data(as_text=True)
    assert "Enter a real date" in page and _rows(page) == 2


def test_dates_are_whole_days_in_site_time(app, client, broker, make_user):
    user = make_user()
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    _event(broker, "user.make_broker", user, datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert _rows(client.get("/admin/audit?date_from=2026-07-01&date_to=2026-07-01").get_data(as_text=True)) == 1
    assert _rows(client.get("/admin/audit?date_to=2026-06-30").get_data(as_text=True)) == 0


def test_paginated_with_filters_kept(client, broker, make_user):
    user = make_user()
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for n in range(60):
        audit.record(broker, "user.make_broker", user, start + timedelta(minutes=n))
    db.session.commit()
    page = client.get("/admin/audit?object_type=user").get_data(as_text=True)
    assert _rows(page) == 50 and "Page 1 of 2" in page
    assert "/admin/audit?page=2&amp;object_type=user" in page
    assert _rows(client.get("/admin/audit?object_type=user&page=2").get_data(as_text=True)) == 10


def test_csv_export_follows_the_filters(client, log):
    response = client.get("/admin/audit.csv?object_type=challenge")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["challenge.request_changes", "challenge.submit_for_review"]
    assert rows[0]["reason"] == "Add the eligibility rules" and rows[0]["actor_email"] == "brooke@example.org"
    assert rows[0]["at_utc"] == "2026-11-11T09:00:00+00:00"


def test_csv_cells_cannot_become_formulas(client, broker, make_user):
    _event(broker, "user.make_broker", make_user(), datetime(2026, 1, 1, tzinfo=timezone.utc),
           reason="=HYPERLINK(\"http://evil.example\")")
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    [row] = [r for r in rows if r["action"] == "user.make_broker"]  # the download itself is logged too
    assert row["reason"].startswith("'=")


def test_an_empty_log_says_so(client, broker):
    assert "No event matches these filters" in client.get("/admin/audit").get_data(as_text=True)


def test_rows_cannot_be_updated_or_deleted(app, log):
    event = db.session.scalar(db.select(AuditEvent).limit(1))
    event.reason = "rewritten history"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalar(db.select(AuditEvent).limit(1))
    db.session.delete(event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    for statement in (db.update(AuditEvent).values(reason="bulk rewrite"), db.delete(AuditEvent)):
        with pytest.raises((RuntimeError, SQLAlchemyError), match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 4
    assert "rewritten history" not in [e.reason for e in db.session.scalars(db.select(AuditEvent))]


def test_the_database_refuses_raw_rewrites(app, log):
    """A trigger from migration 0002_accounts (narrowed by 0026_privacy): a raw UPDATE of who did what to which
    object, and when, fails everywhere, raw DELETE on PostgreSQL too. Only the personal details retention and
    erasure must clear (IP address, browser, reason, data) may be rewritten."""
    statements = ["UPDATE audit_events SET action = 'raw rewrite'", "UPDATE audit_events SET actor_id = NULL",
                  "UPDATE audit_events SET at = at + 1" if db.engine.dialect.name == "sqlite"
                  else "UPDATE audit_events SET at = at + interval '1 day'"]
    if db.engine.dialect.name == "postgresql":
        statements.append("DELETE FROM audit_events")
    for sql in statements:
        with pytest.raises(SQLAlchemyError, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()
    db.session.execute(text("UPDATE audit_events SET ip = '', user_agent = ''"))  # retention may clear these
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 4

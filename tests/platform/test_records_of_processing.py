"""Issue 14 points 1–2: a privacy notice built from configuration and the register, and records of
processing (Article 30) generated from declarations beside the models, which no table can escape."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from challenge.extensions import db
from challenge.platform import processing


def test_every_table_and_every_personal_looking_column_is_declared(app):
    assert processing.undeclared(db.metadata) == []


def test_a_new_table_with_personal_data_is_caught(app):
    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    Table("pets", metadata, Column("id", Integer, primary_key=True), Column("owner_id", ForeignKey("users.id")),
          Column("nickname", String(40)))
    assert processing.undeclared(metadata) == ["pets: no declaration in any personal_data.py"]


def test_a_new_personal_column_on_a_declared_table_is_caught(app):
    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["organisations"].append_column(Column("contact_phone", String(20)))
    assert processing.undeclared(metadata) == ["organisations.contact_phone: looks personal but is not declared"]


def test_a_declaration_must_say_why_how_long_and_who_sees_it():
    with pytest.raises(ValueError, match="needs its data, subjects, purpose, basis, retention and recipients"):
        processing.declare("scratch", "Test", columns=("email",), data="Email", subjects="Someone")


def test_the_register_covers_the_special_category_and_the_books(app):
    rows = {r.table: r for r in processing.register()}
    assert rows["diagnoses"].special_category and rows["diagnoses"].basis == processing.Basis.CONSENT
    assert rows["payouts"].basis == processing.Basis.LEGAL_OBLIGATION and "Six years" in rows["payouts"].retention
    assert "organisations" not in rows and "users" in rows


def test_the_broker_downloads_the_register_as_csv_and_json(client, login, make_user):
    login(make_user("Brooke Broker", "brooke@example.org", broker=True))
    response = client.get("/admin/records-of-processing.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["table"] for r in rows} == {r.table for r in processing.register()}
    users = next(r for r in rows if r["table"] == "users")
    assert "email" in users["columns"] and users["basis"].startswith("Contract") and users["retention"]
    body = json.loads(client.get("/admin/records-of-processing.json").get_data(as_text=True))
    assert body["controller"]["dpo"]["email"] == "dpo@example.org" and len(body["records"]) == len(rows)


@pytest.mark.parametrize("who", [None, "creator"])
def test_nobody_else_downloads_it(client, login, make_user, who):
    login(make_user("Cara Creator", "cara@example.net") if who else None)
    for path in ("/admin/records-of-processing.csv", "/admin/records-of-processing.json"):
        assert client.get(path).status_code in (302, 404)


def test_the_privacy_notice_is_built_from_configuration_and_the_register(app, client):
    app.config.update(PRIVACY_CONTROLLER="Camden Innovation Exchange Ltd", PRIVACY_DPO_EMAIL="dpo@camden.example",
                      PRIVACY_ICO_REGISTRATION="ZA123456")
    page = client.get("/privacy").get_data(as_text=True)
    assert "Camden Innovation Exchange Ltd" in page and "mailto:dpo@camden.example" in page and "ZA123456" in page
    for record in processing.register():
        assert record.purpose.replace("'", "&#39;") in page
    assert "ico.org.uk/make-a-complaint" in page and "0303 123 1113" in page
    assert app.config["SESSION_COOKIE_NAME"] in page and app.config["REMEMBER_COOKIE_NAME"] in page
    assert "Stripe" in page and "May include health data" in page


def test_every_page_and_the_forms_that_collect_personal_data_link_to_it(client):
    assert 'href="/privacy"' in client.get("/accessibility").get_data(as_text=True)
    signup = client.get("/signup").get_data(as_text=True)
    assert signup.count('href="/privacy"') == 2  # the footer and the note beside the form


def test_only_strictly_necessary_cookies_are_set(client, make_user):
    make_user("Cara Creator", "cara@example.net")
    client.get("/")
    client.get("/signup")
    names = {cookie.key for cookie in client._cookies.values()}
    assert names <= {"session"}

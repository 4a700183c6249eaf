"""Every form of the submissions package, fed what people (and robots) really send: never a 500."""
import io

import pytest
from werkzeug.datastructures import MultiDict

from challenge.extensions import db
from challenge.submissions.models import Submission

NASTY = {
    "empty": "",
    "blank": "   \t  ",
    "overlong": "x" * 60_000,
    "html": "<b>bold</b><img src=x onerror=alert(1)>",
    "script": "<script>alert('x')</script>",
    "unicode": "Ça marche ‮ evil‬ 👩🏽‍💻 e\u0301 \u200b\ufeff 中文 عربى",
    "control": "nul\x00byte\x07bell\x1b[31m",
    "number": "12345678901234567890",
    "negative": "-1",
    "sql": "'; DROP TABLE submissions; --",
}
HUGE = "y" * (10 * 1024 * 1024)  # a 10 MB field


@pytest.fixture()
def draft(client, login, cast):
    login(cast.creator)
    client.post(f"/challenges/{cast.challenge.slug}/submit", data={"title": "Seed", "organisation": "0"})
    return db.session.scalars(db.select(Submission)).one()


def fields_for(name):
    return {
        "start": ["title", "summary", "description", "organisation", "team"],
        "edit": ["title", "summary", "description", "organisation", "team"],
        "submit": ["eligibility_confirmed", "terms_accepted"],
        "withdraw": ["reason"],
        "disqualify": ["reason"],
    }[name]


def url_for_form(name, cast, sub):
    if name == "start":
        return f"/challenges/{cast.challenge.slug}/submit"
    return f"/submissions/{sub.reference}/{name}"


@pytest.mark.parametrize("form", ["start", "edit", "submit", "withdraw", "disqualify"])
@pytest.mark.parametrize("kind", list(NASTY))
def test_every_field_takes_any_value_without_a_500(client, login, cast, draft, form, kind):
    value = NASTY[kind]
    login(cast.broker if form == "disqualify" else cast.creator)
    if form == "start":
        db.session.delete(draft)
        db.session.commit()
    for field in fields_for(form):
        data = {f: "ok" for f in fields_for(form)} | {"organisation": "0", field: value}
        response = client.post(url_for_form(form, cast, draft), data=data)
        assert response.status_code < 500, (field, response.get_data(as_text=True)[-1500:])
        page = response.get_data(as_text=True)
        assert "<script>alert(" not in page and "<img src=x onerror" not in page
        if form == "start":
            for sub in db.session.scalars(db.select(Submission)):
                db.session.delete(sub)
            db.session.commit()


@pytest.mark.parametrize("form", ["start", "edit", "withdraw", "disqualify"])
def test_a_10_mb_field_is_refused_politely(client, login, cast, draft, form):
    login(cast.broker if form == "disqualify" else cast.creator)
    if form == "start":
        db.session.delete(draft)
        db.session.commit()
    for field in fields_for(form):
        if field == "organisation":
            continue
        data = {"title": "T", "organisation": "0", field: HUGE}
        for as_multipart in (False, True):
            response = client.post(url_for_form(form, cast, draft), data=data,
                                   content_type="multipart/form-data" if as_multipart else None)
            page = response.get_data(as_text=True)
            assert (response.status_code, field) in ((400, field), (413, field))
            assert "There is a problem" in page or "too large" in page
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == (0 if form == "start" else 1)


def test_lists_and_values_where_one_text_is_expected(client, login, cast, draft):
    login(cast.creator)
    data = MultiDict([("title", "One"), ("title", "Two"), ("organisation", "abc"), ("organisation", "0"),
            ("team", "a@example.org"), ("team", "b@example.org")])
    response = client.post(f"/submissions/{draft.reference}/edit", data=data)
    assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)


@pytest.mark.parametrize("org", ["abc", "-1", "99999999999999999999", "1.5", "", "0x10"])
def test_an_organisation_that_is_not_a_choice(client, login, cast, draft, org):
    login(cast.creator)
    response = client.post(f"/submissions/{draft.reference}/edit", data={"title": "T", "organisation": org})
    if org == "":  # no choice made: as yourself
        assert response.status_code == 302
    else:
        assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)


def test_a_title_that_is_too_long_or_has_odd_characters(client, login, cast, draft):
    login(cast.creator)
    page = client.post(f"/submissions/{draft.reference}/edit", data={"title": "t" * 201,
                                                                      "organisation": "0"}).get_data(as_text=True)
    assert "200 characters or fewer" in page
    client.post(f"/submissions/{draft.reference}/edit", data={"title": "Line\r\nbreak\x00 \u202eodd",
                                                             "organisation": "0", "description": "a\x00b"})
    db.session.refresh(draft)
    assert draft.title == "Line break \u202eodd" and draft.description == "ab"


@pytest.mark.parametrize("name, content", [
    ("", b"%PDF-1.4"), ("x.pdf", b""), ("\x00.pdf", b"%PDF-1.4"), ("..", b"data"),
    ("a" * 5000 + ".pdf", b"%PDF-1.4\n"), ("évil<script>.png", b"<script>alert(1)</script>"),
    ("con.pdf", b"%PDF-1.4\n"), ("file.pdf\x00.exe", b"MZ"),
])
def test_uploads_with_odd_names_or_content(client, login, cast, draft, name, content):
    login(cast.creator)
    response = client.post(f"/submissions/{draft.reference}/attachments",
                           data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code in (200, 302, 400)
    assert "<script>alert(" not in response.get_data(as_text=True)


def test_upload_without_a_file_or_with_text_instead(client, login, cast, draft):
    login(cast.creator)
    for data in ({}, {"file": "just text"}, {"file": ""}):
        response = client.post(f"/submissions/{draft.reference}/attachments", data=data)
        assert response.status_code == 400 and "Choose a file to upload" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/submissions/%00", "/challenges/%00/submit", "/challenges/a%00b/submissions", "/submissions/" + "A" * 5000, "/submissions/CX-2026-00001'--",
    "/submissions/x/attachments/99999999999999999999", "/submissions/x/attachments/-1",
    "/challenges/%E2%80%AE/submissions", "/challenges/" + "s" * 3000 + "/submit",
])
def test_odd_addresses_are_404s(client, login, cast, path):
    login(cast.broker)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["state=<script>", "state=" + "z" * 5000, "page=abc", "page=-5",
                                   "page=99999999999", "state=draft&state=submitted"])
def test_odd_list_filters(client, login, cast, query, make_challenge):
    login(cast.broker)
    for path in (f"/challenges/{cast.challenge.slug}/submissions", "/submissions",
                 f"/challenges/{cast.challenge.slug}/submissions.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, path
        assert "<script>" not in response.get_data(as_text=True).split("</header>")[-1]

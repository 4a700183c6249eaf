"""Every form of the package, fed junk by the people allowed to use it: never a 500."""
import pytest

JUNK = ["", " ", "-1", "0", "1e308", "NaN", "9" * 40, "<script>alert(1)</script>", "\x00", "😀" * 300,
        "‮evil", "x" * 25_000, "[]", "{}", "1,2,3", "£-5", "2026-13-45"]

FORMS = {
    "/partnerships/new": ["title", "kind", "creator_email", "creator_organisation", "counterpart", "value",
                          "commission_kind", "commission_amount", "commission_percent", "owner", "next_action",
                          "next_action_due", "origin"],
    "/partnerships/{p}/edit": ["title", "kind", "value", "commission_kind", "commission_amount", "commission_percent",
                               "owner", "next_action", "next_action_due", "public"],
    "/partnerships/{p}/move": ["move", "reason", "back"],
    "/partnerships/{p}/events": ["kind", "title", "body", "url"],
    "/partnerships/{p}/introduce": ["contact", "note"],
    "/partnerships/{p}/introduction": ["side", "answer"],
    "/partnerships/{p}/impact": ["outcome", "unit", "quantity", "proxy", "proxy_source", "period", "duration",
                                 "deadweight", "attribution", "drop_off", "displacement"],
    "/partnerships/{p}/investment": ["investment"],
    "/library/{e}/want": ["organisation", "note"],
    "/library/consent": ["submission", "summary", "consent"],
    "/diagnoses/new": ["organisation", "title", "summary", "evidence", "quotes", "survey_respondents",
                       "survey_findings", "causes", "stakeholders"],
}


@pytest.mark.parametrize("path", list(FORMS))
def test_junk_in_every_field_never_breaks_a_form(client, login, world, make_partnership, published_entry, path):
    p = make_partnership("lead")
    people = {"/library/": world.adopter, "/diagnoses/": world.seeker}
    login(next((who for prefix, who in people.items() if path.startswith(prefix)), world.broker))
    url = path.format(p=p.id, e=published_entry.id)
    for junk in JUNK:
        response = client.post(url, data={name: junk for name in FORMS[path]})
        assert response.status_code < 500, (url, junk)
    for junk in JUNK:
        assert client.get(f"/partnerships/{p.id}/procurement", query_string={
            "start": junk, "end": junk, "procedure": junk, "sme": junk}).status_code < 500
        assert client.get("/partnerships/", query_string={"q": junk, "kind": junk, "stage": junk,
                                                          "owner": junk, "overdue": junk}).status_code < 500

"""The catalogue's organisation filter: a name (any case) or a slug typed, the pager keeping it, unknown and hostile
values reported, no organisation query unless it is used, and the suggestions' list."""
from __future__ import annotations

import re

import pytest

from tests.factories import counted_statements


def titles(page: str) -> set[str]:
    return set(re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', page))


def field_value(page: str) -> str:
    return re.search(r'<input [^>]*id="organisation"[^>]*>', page).group(0).split('value="')[1].split('"')[0]


@pytest.fixture()
def councils(world, make_challenge):
    """Camden Council with two listed challenges, Leeds City Council with one."""
    make_challenge(world.org, "open", title="Camden loneliness")
    make_challenge(world.org, "closed", title="Camden damp")
    make_challenge(world.other_org, "open", title="Leeds buses")
    return world


@pytest.mark.parametrize("typed", ["Camden Council", "camden council", "  CAMDEN council  ", "{slug}", "{slug_upper}"])
def test_a_name_in_any_case_or_the_slug_filters(client, councils, typed):
    slug = councils.org.slug
    response = client.get("/", query_string={"organisation": typed.format(slug=slug, slug_upper=slug.upper())})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" not in page
    assert titles(page) == {"Camden loneliness", "Camden damp"}
    assert field_value(page) == "Camden Council"  # the name, whatever was typed


def test_an_unknown_organisation_is_reported_and_every_challenge_listed(client, councils):
    response = client.get("/?organisation=Narnia+Council")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and page.count("No organisation with listed challenges is called “Narnia Council”") == 2
    assert titles(page) == {"Camden loneliness", "Camden damp", "Leeds buses"}
    assert field_value(page) == "Narnia Council"  # what was typed, to correct


def test_an_organisation_without_listed_challenges_is_unknown(client, councils, make_org, make_user, make_challenge):
    quiet = make_org(make_user(), name="Quiet Trust")
    make_challenge(quiet, "draft", title="Not yet")
    page = client.get("/?organisation=Quiet+Trust").get_data(as_text=True)
    assert "No organisation with listed challenges is called “Quiet Trust”" in page
    assert titles(page) == {"Camden loneliness", "Camden damp", "Leeds buses"}


def test_a_shared_name_asks_for_the_address(client, councils, make_org, make_user, make_challenge):
    twin = make_org(make_user(), name="Camden Council")
    make_challenge(twin, "open", title="The other Camden")
    page = client.get("/?organisation=camden+council").get_data(as_text=True)
    assert (f"More than one organisation is called “camden council”: type the end of its page&#39;s address instead, "
            f"like {councils.org.slug} or {twin.slug}") in page
    assert len(titles(page)) == 4
    assert titles(client.get(f"/?organisation={twin.slug}").get_data(as_text=True)) == {"The other Camden"}


def test_a_name_that_is_another_organisations_slug_means_that_organisation(client, councils, make_org, make_user,
                                                                             make_challenge):
    """A slug is an organisation's address: it wins over a name that happens to read the same."""
    confusing = make_org(make_user(), name=councils.other_org.slug)
    make_challenge(confusing, "open", title="Confusing")
    page = client.get(f"/?organisation={councils.other_org.slug}").get_data(as_text=True)
    assert titles(page) == {"Leeds buses"} and field_value(page) == "Leeds City Council"


def test_a_name_with_markup_and_letters_beyond_ascii_is_found_and_escaped(client, world, make_org, make_user,
                                                                         make_challenge):
    odd = make_org(make_user(), name='Ünïcode <b>"Trust"</b> & Co')
    make_challenge(odd, "open", title="Odd one")
    make_challenge(world.org, "open", title="Camden loneliness")
    page = client.get("/", query_string={"organisation": ' Ünïcode <b>"trust"</b> & CO '}).get_data(as_text=True)
    assert titles(page) == {"Odd one"}
    assert field_value(page) == "Ünïcode &lt;b&gt;&#34;Trust&#34;&lt;/b&gt; &amp; Co" and "<b>" not in page


@pytest.mark.parametrize("value, message", [
    ("x" * 5000, "Keep the organisation&#39;s name to 200 characters or fewer"),
    ("<script>alert(1)</script>", "is called “&lt;script&gt;alert(1)&lt;/script&gt;”"),
    ("'; drop table organisations; --", "is called “&#39;; drop table organisations; --”"),
    ("%00", "is called “%00”"), ("a\tb", "is called “a\tb”"), ("\u202e\ufeff", "is called “\u202e\ufeff”")])
def test_hostile_values_are_reported_and_every_challenge_listed(client, councils, value, message):
    response = client.get("/", query_string={"organisation": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "<script>alert" not in page and len(titles(page)) == 3


def test_a_nul_is_dropped_before_the_filter_reads_the_name(client, councils):
    assert titles(client.get("/?organisation=Camden%00+Council").get_data(as_text=True)) == {"Camden loneliness",
                                                                                            "Camden damp"}


def test_a_line_break_in_the_address_is_refused(client, councils):
    assert client.get("/?organisation=Camden%0ACouncil").status_code == 400


def test_the_pager_and_clear_filters_keep_working_with_the_filter(client, world, make_challenge):
    for n in range(14):
        make_challenge(world.org, "open", title=f"Camden {n:02d}")
    make_challenge(world.other_org, "open", title="Leeds buses")
    first = client.get("/?organisation=camden+council&sort=newest").get_data(as_text=True)
    assert "14 challenges match your filters" in first and len(titles(first)) == 12
    links = set(re.findall(r'href="(/\?[^"]*page=2[^"]*)"', first))
    assert links and all(f"organisation={world.org.slug}" in link and "sort=newest" in link for link in links)
    second = client.get(links.pop().replace("&amp;", "&")).get_data(as_text=True)
    assert len(titles(second)) == 2 and "Leeds buses" not in titles(second)
    assert field_value(second) == "Camden Council"
    assert 'href="/">Clear filters' in second


def _organisation_statements(statements: list[str]) -> list[str]:
    """The statements that look organisations up (the filter's, or a list of them): the cards only read names."""
    return [s for s in statements if "organisations.slug" in s]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("query", ["", "?organisation=", "?organisation=+", "?sector=health&page=2", "?q=camden",
                                   "?sort=prize"])
def test_no_organisation_query_runs_unless_the_filter_is_used(client, login, councils, signed_in, query):
    if signed_in:
        login(councils.creator)
    with counted_statements() as statements:
        page = client.get(f"/{query}", headers={"Cookie": "fresh=1"}).get_data(as_text=True)
    assert statements and _organisation_statements(statements) == []
    assert "<option" not in page.split('id="organisation-suggestions"')[1].split("</datalist>")[0]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_filter_runs_one_lookup(client, login, councils, signed_in):
    if signed_in:
        login(councils.creator)
    with counted_statements() as statements:
        assert titles(client.get("/?organisation=Leeds+City+Council").get_data(as_text=True)) == {"Leeds buses"}
    lookups = [s for s in _organisation_statements(statements) if "lower(organisations.name)" in s]
    assert len(lookups) == 1


def test_the_suggestions_list_organisations_with_listed_challenges_by_name(client, world, make_org, make_user,
                                                                           make_challenge):
    for name, state in (("Zeta Trust", "open"), ("Alpha NHS Trust", "decided"), ("Draft Only", "draft"),
                        ("Cancelled Only", "cancelled"), ("Midlands Council", "judging"), ("Beta Charity", "completed"),
                        ("Gamma Upcoming", "upcoming")):
        make_challenge(make_org(make_user(), name=name), state)
    make_challenge(world.org, "closed")
    response = client.get("/catalogue/organisations.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()["data"]
    assert [o["name"] for o in data] == ["Alpha NHS Trust", "Beta Charity", "Camden Council", "Gamma Upcoming",
                                         "Midlands Council", "Zeta Trust"]
    assert data[2] == {"slug": world.org.slug, "name": "Camden Council"}


def test_the_suggestions_are_kept_for_visitors_without_cookies(client, councils):
    assert len(client.get("/catalogue/organisations.json").get_json()["data"]) == 2
    with counted_statements() as statements:
        assert len(client.get("/catalogue/organisations.json").get_json()["data"]) == 2
    assert _organisation_statements(statements) == []


def test_the_catalogue_loads_its_script_and_names_the_suggestions(client, councils):
    page = client.get("/").get_data(as_text=True)
    assert '<script src="/static/catalogue.js" defer></script>' in page
    assert re.search(r'<input [^>]*list="organisation-suggestions"', page)
    assert '<datalist id="organisation-suggestions" data-source="/catalogue/organisations.json"></datalist>' in page
    assert 'id="organisation-hint"' in page and "Start typing a name" in page
    assert "catalogue.js" not in client.get("/login").get_data(as_text=True)
    assert client.get("/static/catalogue.js").status_code == 200


def test_a_name_is_found_by_its_index_not_a_scan(app, world, make_challenge):
    """SQLite: the slug by its unique index and the name by ix_organisations_name_lower (migration 0042), not a scan
    of every organisation."""
    from sqlalchemy import event

    from challenge.challenges.catalogue import organisations_named
    from challenge.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    make_challenge(world.org, "open")
    seen = []
    note = lambda conn, cursor, statement, parameters, *rest: seen.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert organisations_named("CAMDEN council") == [(world.org.slug, "Camden Council")]
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    [(statement, parameters)] = [(s, p) for s, p in seen if "lower(organisations.name)" in s]
    plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "ix_organisations_name_lower" in plan and "SCAN organisations" not in plan, plan

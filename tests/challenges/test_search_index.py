"""The search index stays in step with what the pages say: after a challenge is created, edited (through
the edit page too) or deleted, and after its organisation is renamed. Run on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import text

from challenge import clock
from challenge.challenges.catalogue import CatalogueParams, search_challenges
from challenge.challenges.search import parse
from challenge.extensions import db


def found(q: str) -> list[str]:
    return [c.title for c in search_challenges(CatalogueParams(q=q), clock.now()).items]


def test_a_new_challenge_is_found_by_its_tags_outcomes_and_organisation(world, make_challenge):
    make_challenge(world.org, "open", title="Warm homes", tags="fuel poverty, damp",
                   outcomes="Fewer winter admissions")
    assert found("fuel poverty") == found("admission") == found("Camden") == ["Warm homes"]


def test_an_edit_changes_what_is_found(world, make_challenge):
    challenge = make_challenge(world.org, "open", title="Warm homes", tags="insulation")
    challenge.title, challenge.tags = "Cool classrooms", "ventilation"
    db.session.commit()
    assert found("warm") == found("insulation") == []
    assert found("classroom") == found("ventilation") == ["Cool classrooms"]


def test_a_deleted_challenge_is_not_found(world, make_challenge):
    keep = make_challenge(world.org, "open", title="Hospital flow")
    gone = make_challenge(world.org, "open", title="Hospital food")
    db.session.delete(gone)
    db.session.commit()
    assert found("hospital") == [keep.title]
    if db.engine.dialect.name == "sqlite":  # the FTS5 table holds one row per challenge, no more
        assert db.session.scalar(text("SELECT count(*) FROM challenges_fts WHERE challenges_fts MATCH 'hospital'")) == 1


def test_renaming_the_organisation_renames_it_in_the_index(world, make_challenge):
    make_challenge(world.org, "open", title="Befriending")
    make_challenge(world.org, "closed", title="Home care")
    make_challenge(world.other_org, "open", title="Retrofit")
    world.org.name = "London Borough of Camden"
    db.session.commit()
    assert sorted(found("borough")) == ["Befriending", "Home care"]
    assert found("council camden") == []  # the old name is gone
    assert found("Leeds City Council") == ["Retrofit"]


def test_the_edit_page_keeps_the_index_in_step(client, login, world, make_challenge):
    challenge = make_challenge(world.org, "draft", title="Draft about loneliness")
    login(world.seeker)
    page = client.get(f"/challenges/{challenge.slug}/edit")
    assert page.status_code == 200
    form = _form_values(page.get_data(as_text=True))
    form.update({"title": "Befriending by phone", "tags": "telephone, isolation"})
    response = client.post(f"/challenges/{challenge.slug}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    challenge.state = "published"  # listed, to be searched
    db.session.commit()
    assert found("telephone isolation") == ["Befriending by phone"]
    assert found("loneliness draft") == []


def _form_values(html: str) -> dict[str, str]:
    """The edit form's current values (inputs, selects and textareas), as a browser would send them."""
    import re
    from html import unescape

    values = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        values[name] = unescape(value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = unescape(body).lstrip("\n")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body) or re.search(r'value="([^"]*)"', body)
        values[name] = unescape(chosen.group(1)) if chosen else ""
    for name in re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"(?![^>]*checked)', html):
        values.pop(name, None)
    return values


def test_the_query_reader():
    assert [[t.tokens for t in g] for g in parse('the "older people" -hospital or carers')] == [
        [("older", "people"), ("hospital",)], [("carers",)]]
    assert [t.negated for t in parse("a -b")[0]] == [True]  # "a" is a stop word, as on PostgreSQL
    assert parse("the of and") == [] and parse("!!! ???") == []
    assert len(parse(" ".join(f"word{n}" for n in range(20)))[0]) == 8

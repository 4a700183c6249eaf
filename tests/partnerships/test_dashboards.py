"""Dashboards: the numbers, the charts (SVG, no script), the CSVs, the seeker's scope, constant queries."""
import csv
import io

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.dashboards import services as dashboards
from challenge.partnerships import outcomes
from tests.factories import counted_statements


def _rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture()
def pipeline(world, make_partnership, make_org):
    other = make_org(name="Other Trust", kind="nhs_trust")
    won = make_partnership("contracted", counterpart=world.second, value=5_000_000, commission_bp=1000)
    make_partnership("scaled", counterpart=world.council, value=1_000_000, commission_amount=200_000)
    make_partnership("pilot", counterpart=world.council, value=300_000)
    make_partnership("closed_lost", counterpart=other)  # lost from pilot
    make_partnership("lead", counterpart=other, title="Not ours")
    outcomes.add_record(won, world.broker, clock.now(), outcome="Less loneliness", quantity=100, proxy=100_000,
                        period=1, duration=1, deadweight_bp=0, attribution_bp=0, drop_off_bp=0, displacement_bp=0)
    outcomes.set_investment(won, world.broker, clock.now(), 1_000_000)
    db.session.commit()
    return won


def test_funnel_counts_stages_reached_and_conversion(world, pipeline):
    steps = {s.stage: s for s in dashboards.pipeline_figures(None)[0]}
    assert [steps[s].reached for s in ("lead", "introduced", "in_discussion", "pilot", "contracted", "scaled")] == [
        5, 4, 4, 4, 2, 1]
    assert (steps["lead"].conversion, steps["pilot"].conversion, steps["contracted"].conversion) == (80, 50, 50)
    assert steps["scaled"].conversion is None and steps["lead"].now_here == 1


def test_money_totals(world, pipeline):
    totals = dashboards.pipeline_figures(None)[1]
    assert (totals.brokered, totals.commission, totals.pipeline, totals.closed_lost) == (
        6_000_000, 700_000, 300_000, 1)


def test_broker_dashboard_page_and_csvs(client, login, world, pipeline, make_challenge, make_submission):
    make_submission(world.challenge, world.stranger)
    login(world.broker)
    page = client.get("/dashboards/broker").get_data(as_text=True)
    assert page.count("<svg") == 4
    assert all("<script" not in svg.split("</svg>")[0] for svg in page.split("<svg")[1:])
    assert "<figcaption" in page and "£60,000" in page and "£7,000" in page
    assert "Phone befriending" in page and "£9.66 : £1" in page
    funnel = _rows(client.get("/dashboards/broker/funnel.csv"))
    assert funnel[0] == ["Stage", "Reached", "There now", "Conversion to next stage (%)"]
    assert funnel[1] == ["Lead", "5", "1", "80.0"]
    money = _rows(client.get("/dashboards/broker/money.csv"))
    assert money[1] == ["Value brokered (contracted and scaled)", "60000.00"] and money[2][1] == "7000.00"
    states = _rows(client.get("/dashboards/broker/challenges-by-state.csv"))
    assert ["Awarded", "1"] in states
    subs = _rows(client.get("/dashboards/broker/submissions-per-challenge.csv"))
    assert subs[1] == ["Tackling loneliness", "2"]
    sroi = _rows(client.get("/dashboards/broker/sroi-by-solution.csv"))
    assert sroi[1] == ["Phone befriending", "1", "96618.36", "10000.00", "9.66"]
    assert client.get("/dashboards/broker/nothing.csv").status_code == 404


def test_seekers_see_only_their_organisations(client, login, world, pipeline):
    login(world.seeker)  # Leeds: the scaled and the pilot partnerships, and its own challenge
    page = client.get("/dashboards/organisation").get_data(as_text=True)
    assert "Commission earned" not in page and "£10,000" in page
    funnel = _rows(client.get("/dashboards/organisation/funnel.csv"))
    assert [r[1] for r in funnel[1:]] == ["2", "2", "2", "2", "1", "1"]
    assert _rows(client.get("/dashboards/organisation/sroi-by-solution.csv"))[1:] == []
    assert ["Awarded", "1"] in _rows(client.get("/dashboards/organisation/challenges-by-state.csv"))


@pytest.mark.parametrize("who, path, status", [
    ("seeker", "/dashboards/broker", 404), ("creator", "/dashboards/broker/money.csv", 404),
    ("anonymous", "/dashboards/organisation", 302), ("broker", "/dashboards/elsewhere", 404),
    ("stranger", "/dashboards/organisation", 200)])
def test_dashboard_access(client, login, world, who, path, status):
    login(None if who == "anonymous" else getattr(world, who))
    assert client.get(path).status_code == status


def test_a_person_without_organisations_gets_a_helpful_empty_page(client, login, world):
    login(world.stranger)
    assert "not a member of any organisation" in client.get("/dashboards/organisation").get_data(as_text=True)


def test_empty_platform_dashboard_draws(client, login, make_user):
    login(make_user(broker=True))
    page = client.get("/dashboards/broker").get_data(as_text=True)
    assert "Nothing to show yet." in page and "£0" in page


def test_the_number_of_queries_does_not_grow_with_the_data(client, login, world, make_partnership):
    login(world.broker)
    client.get("/dashboards/broker")

    def count():
        with counted_statements() as statements:
            assert client.get("/dashboards/broker").status_code == 200
        return len(statements)

    make_partnership("contracted", value=100).investment = 100
    db.session.commit()
    before = count()
    for _ in range(6):
        p = make_partnership("contracted", value=100)
        p.investment = 100
        outcomes.add_record(p, world.broker, clock.now(), outcome="x", quantity=1, proxy=1, period=1, duration=1,
                            deadweight_bp=0, attribution_bp=0, drop_off_bp=0, displacement_bp=0)
    db.session.commit()
    assert count() == before
    # The user, challenges by state, submissions per challenge, the partnerships' groups (funnel and money),
    # the SROI partnerships and their impact records.
    assert before == 6, before


def test_challenges_by_state_counts_every_stored_state(client, login, world, make_org, make_challenge, make_user):
    org = make_org(make_user())
    before = dict(dashboards.challenges_by_state(None))
    for state in ("draft", "in_review", "open", "closed", "upcoming", "judging", "decided", "cancelled"):
        make_challenge(org, state)
    with counted_statements() as statements:
        after = dict(dashboards.challenges_by_state(None))
    assert not any("FROM challenges" in s for s in statements), statements  # the kept counts: challenge_counts
    added = {label: after[label] - before.get(label, 0) for label in after}
    assert added == {"Draft": 1, "In review": 1, "Published (upcoming, open or closed)": 3, "Judging": 1,
                     "Awarded": 1, "Cancelled": 1}
    login(world.broker)
    assert client.get("/dashboards/broker").status_code == 200


def test_submissions_per_challenge_takes_the_most_entered_with_ties_by_title(make_org, make_user, make_challenge,
                                                                             make_submission):
    """Only the challenges that can make the top are looked up; the cut keeps every tie at its edge."""
    org, other = make_org(make_user()), make_org(make_user())
    people = [make_user() for _ in range(3)]
    entered = {"Zebra crossing": 3, "Bus stops": 2, "Allotments": 2, "Canal paths": 1}
    for title, n in entered.items():
        challenge = make_challenge(org, title=title)
        for person in people[:n]:
            make_submission(challenge, person)
    make_submission(make_challenge(org, title="Only a draft"), people[0], "draft")
    make_submission(make_challenge(other, title="Elsewhere"), people[0])
    db.session.commit()
    everything = dashboards.submissions_per_challenge(None, limit=100)
    mine = [row for row in everything if row[0] in entered]
    assert mine == [("Zebra crossing", 3), ("Allotments", 2), ("Bus stops", 2), ("Canal paths", 1)]
    scope = dashboards.Scope((org.id,))
    assert dashboards.submissions_per_challenge(scope, limit=2) == [("Zebra crossing", 3), ("Allotments", 2)]
    assert dashboards.submissions_per_challenge(scope, limit=3) == mine[:3]
    assert dashboards.submissions_per_challenge(scope) == mine
    assert dashboards.submissions_per_challenge(dashboards.Scope(()), limit=10) == []


def test_the_commission_sums_in_the_database_as_each_partnership_computes_it(world, make_partnership):
    """Partnership.commission in SQL (the money totals) rounds half up as the Python property does."""
    from challenge.partnerships.models import Partnership

    made = [make_partnership("contracted", value=value, commission_bp=bp)
            for value, bp in ((1, 5000), (3, 5000), (199, 250), (12_345, 1), (10**12 + 7, 9999), (0, 10000))]
    made += [make_partnership("scaled", value=500, commission_amount=amount) for amount in (0, 17)]
    ids = [p.id for p in made]
    in_sql = dict(db.session.execute(
        db.select(Partnership.id, Partnership.commission).where(Partnership.id.in_(ids))).all())
    assert in_sql == {p.id: p.commission for p in made}
    totals = dashboards.pipeline_figures(None)[1]
    assert totals.commission == sum(p.commission for p in made) and type(totals.commission) is int

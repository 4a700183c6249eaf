"""The money lists run the same statements for a few rows and for more (issue 13): "My payouts" with solo and team
awards, splits and payouts, and the finance page (and its CSV) with pools, fees, awards, payouts and refunds."""
from __future__ import annotations

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.payouts import awards, finance, refunds, splits
from tests.factories import counted_statements, get_counted
from tests.payouts.payouts_helpers import bank_details, pay_out


def _awarded(world, make_user, make_submission, creator, n: int):
    """n decided, funded challenges; in each the creator's entry wins the prize: solo in the even ones (with
    bank details: the payout is ready), with a teammate in the odd ones (the split proposed, not agreed)."""
    made = []
    for i in range(n):
        w = world(state="decided")
        team = (make_user(f"Mate {i}"),) if i % 2 else ()
        sub = make_submission(w.challenge, creator, team=team, title=f"Entry {i}")
        [award] = awards.create_awards(w.challenge, [(sub, w.challenge.prizes[0])], w.broker, clock.now())
        if team:
            splits.propose_split(award, [(creator.id, 5000), (team[0].id, 5000)], creator, clock.now())
        db.session.commit()
        made.append(w)
    return made


def test_my_payouts_runs_the_same_statements_for_2_and_8_awards(client, login, world, make_user, make_submission):
    counts, texts = [], []
    for n in (2, 8):  # a solo and a team award at least: each kind loads its own rows
        creator = make_user(f"Cai Creator {n}")
        bank_details(creator)
        _awarded(world, make_user, make_submission, creator, n)
        login(creator)
        page, statements = get_counted(client, "/my/payouts")
        counts.append(statements)
        texts.append(page)
    assert counts[0] == counts[1], counts
    eight = texts[1]
    assert eight.count("Prize 1: £10,000") == 8
    assert eight.count("Proposed split:") == 4 and eight.count("Mate ") == 4  # the odd ones: the teammate named
    assert eight.count(">Cai Creator 8<") == 4  # the solo awards' payouts, paid to the creator
    assert eight.count("Change the proposal") == 4  # the lead may change each team's proposal


def _settled(world, n: int):
    """n funded challenges with two prizes: the first awarded and paid to its winner, what is left refunded to
    the funders."""
    now = clock.now()
    for _ in range(n):
        w = world(state="decided", prizes=((1_000_000, 1), (200_000, 1)))
        bank_details(w.winner)
        [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, now)
        db.session.commit()
        pay_out(award.payouts[0].id, w.broker)
        for refund in refunds.plan_refunds(w.challenge, w.broker, now):
            refunds.record_refund_success(refund, f"REF-{refund.id}", w.broker, now)
        db.session.commit()


def test_the_finance_page_runs_the_same_statements_for_1_and_6_challenges(client, login, world, make_user):
    counts = []
    broker = make_user("Bea Broker", broker=True)
    for added in (1, 5):
        _settled(world, added)
        login(broker)
        with counted_statements() as statements:
            page = client.get("/finance")
        assert page.status_code == 200
        with counted_statements() as csv_statements:
            csv = client.get("/finance.csv")
        assert csv.status_code == 200
        counts.append((len(statements), len(csv_statements)))
    assert counts[0] == counts[1], counts
    rows = finance.rows_for(broker)
    assert len(rows) == 6 and len(csv.text.strip().splitlines()) == 7
    for r in rows:
        assert (r.awarded, r.paid, r.refunded, r.held) == (1_000_000, 1_000_000, r.funded - r.fee - 1_000_000, 0)
        assert r.fee > 0 and r.funded == r.pledged
    db.session.expire_all()
    assert [finance.row_for(r.challenge) for r in rows] == rows  # one row at a time: the same answer


def test_my_payouts_shows_each_person_the_awards_of_their_own_entries_and_teams(client, login, world, make_user,
                                                                              make_submission):
    """The page's statement is built once with the person as a parameter: the lead and the teammate each see the
    team's award, the lead's solo award is the lead's alone, and someone else sees none of them."""
    lead, other = make_user("Lena Lead"), make_user("Otto Other")
    solo, team_world = _awarded(world, make_user, make_submission, lead, 2)
    mate = db.session.scalar(db.select(User).where(User.name == "Mate 1"))  # _awarded's teammate in the odd one
    pages = {}
    for person in (lead, mate, other, lead):  # the lead again: nothing kept from the people in between
        login(person)
        pages.setdefault(person.id, []).append(client.get("/my/payouts").text)
    for page in pages[lead.id]:
        assert solo.challenge.title in page and team_world.challenge.title in page
    assert team_world.challenge.title in pages[mate.id][0] and solo.challenge.title not in pages[mate.id][0]
    assert solo.challenge.title not in pages[other.id][0] and team_world.challenge.title not in pages[other.id][0]

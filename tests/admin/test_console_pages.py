import pytest

from challenge import clock
from challenge.challenges.services import move
from challenge.extensions import db

PAGES = ["/admin/", "/admin/review", "/admin/users", "/admin/organisations", "/admin/audit", "/admin/audit.csv"]


@pytest.mark.parametrize("path", PAGES)
def test_only_brokers_see_the_console(client, make_user, make_org, login, path):
    owner = make_user()
    make_org(owner=owner)
    for who in (None, make_user(), owner):
        login(who)
        assert client.get(path).status_code == 404
    login(make_user(broker=True))
    assert client.get(path).status_code == 200


def test_the_index_counts_things(client, broker, make_user, make_org, make_challenge, make_submission):
    owner = make_user()
    org = make_org(owner=owner)
    make_challenge(org, "open")
    make_challenge(org, "open")
    make_challenge(org, "in_review")
    creator = make_user()
    make_submission(make_challenge(org, "closed"), creator)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Broker console" in page
    assert "<td>Published</td><td class=\"text-end\">3</td>" in page
    assert "<td>In review</td><td class=\"text-end\">1</td>" in page
    assert "<td>Submitted</td><td class=\"text-end\">1</td>" in page
    assert ">3</p>" in page  # users: broker, owner, creator
    for link in ("/admin/review", "/admin/users", "/admin/organisations", "/admin/audit"):
        assert f'href="{link}"' in page


def test_the_review_queue_lists_challenges_waiting_longest_first(client, broker, make_user, make_org, make_challenge):
    from datetime import timedelta

    owner = make_user()
    org = make_org(owner=owner, name="Wakefield Council")
    later = make_challenge(org, "draft", title="Sent later")
    earlier = make_challenge(org, "draft", title="Sent earlier")
    move(earlier, "submit_for_review", owner, clock.now() - timedelta(days=3))
    move(later, "submit_for_review", owner, clock.now() - timedelta(days=1))
    make_challenge(org, "open", title="Already live")
    db.session.commit()
    page = client.get("/admin/review").get_data(as_text=True)
    assert page.index("Sent earlier") < page.index("Sent later")
    assert "Already live" not in page and "Wakefield Council" in page
    assert f'href="/challenges/{earlier.slug}"' in page and "Review" in page


def test_an_empty_queue_says_so(client, broker):
    assert "Nothing is waiting for review" in client.get("/admin/review").get_data(as_text=True)


def test_the_queue_offers_publish_and_send_back(client, broker, make_user, make_org, make_challenge):
    from flask import url_for

    challenge = make_challenge(make_org(owner=make_user()), "in_review", title="Ready to check")
    page = client.get("/admin/review").get_data(as_text=True)
    with client.application.test_request_context():
        publish = url_for("challenges.publish", slug=challenge.slug)
        send_back = url_for("challenges.request_changes", slug=challenge.slug)
    assert f'action="{publish}"' in page and f'action="{send_back}"' in page
    assert f'for="note-{challenge.id}"' in page and 'name="note"' in page
    assert f'href="/challenges/{challenge.slug}"' in page



def test_brokers_one_after_another_get_the_same_queue_and_nobody_else_gets_it(client, login, make_user, make_org,
                                                                             make_challenge):
    """The queue's statements are built once and its links per page: each broker gets every waiting row with its
    own figures, and a seeker asking in between gets a 404, whatever came before."""
    owner = make_user()
    org = make_org(owner=owner, name="Barnsley Council")
    waiting = [make_challenge(org, "in_review", title=f"Waiting {n}", prizes=((1_000 * (n + 1), 1),)) for n in range(3)]
    db.session.commit()
    brokers = [make_user(f"Broker {n}", broker=True) for n in range(2)]
    for who in (brokers[0], owner, brokers[1], make_user(), brokers[0]):
        login(who)
        answer = client.get("/admin/review")
        if not who.is_broker:
            assert answer.status_code == 404
            continue
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "3 challenges waiting" in page
        for challenge in waiting:
            row = page.split(f"<td>{challenge.title}</td>", 1)[1].split("</tr>", 1)[0]
            pool = f"{challenge.prize_pool // 100:,}"
            assert f'href="/challenges/{challenge.slug}"' in row and f"£{pool}" in row
            assert f'href="/challenges/{challenge.slug}/funding"' in row


def test_the_review_queue_rows_carry_the_organisation_and_when_each_was_sent(app, make_user, make_org,
                                                                            make_challenge):
    """review_queue_page reads plain rows: the challenge's columns, its organisation's, and when it was sent
    (the time submit_for_review writes, else its last change), the longest-waiting first; only challenges in
    review."""
    from datetime import timedelta

    from challenge.admin import queries

    owner = make_user()
    org = make_org(owner=owner, name="Calderdale Council")
    sent_at = clock.now() - timedelta(days=2)
    audited = make_challenge(org, "draft", title="Audited")
    move(audited, "submit_for_review", owner, sent_at)
    unaudited = make_challenge(org, "in_review", title="No event")
    make_challenge(org, "open", title="Already live")
    db.session.commit()
    with app.test_request_context("/admin/review"):
        page = queries.review_queue_page(20)
    rows = {row.title: row for row in page.items}
    assert set(rows) == {"Audited", "No event"} and page.total == 2
    assert [row.title for row in page.items] == sorted(rows, key=lambda t: (rows[t].sent, rows[t].id))
    first = rows["Audited"]
    assert (first.id, first.slug, first.prize_pool, first.currency) == (
        audited.id, audited.slug, audited.prize_pool, audited.currency)
    assert (first.organisation_name, first.organisation_slug, first.organisation_verified) == (
        "Calderdale Council", org.slug, org.verified)
    assert first.sent == sent_at and rows["No event"].sent == unaudited.updated_at

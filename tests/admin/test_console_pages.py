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



"""Regression: a published (open) challenge made both dashboards answer 500."""


def test_dashboards_count_published_challenges(app, client, make_user, make_org, make_challenge, login):
    seeker = make_user()
    org = make_org(seeker)
    make_challenge(org, "open")
    make_challenge(org, "judging")
    login(make_user(broker=True))
    response = client.get("/dashboards/broker")
    assert response.status_code == 200
    assert "Published" in response.get_data(as_text=True)
    assert client.get("/dashboards/broker/challenges-by-state.csv").status_code == 200
    login(seeker)
    assert client.get("/dashboards/organisation").status_code == 200

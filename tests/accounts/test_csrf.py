def test_a_post_without_its_csrf_token_is_refused(limited_app):
    app = limited_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    client = app.test_client()
    response = client.post("/login", data={"email": "kim@example.org", "password": "a long phrase here"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.post("/password/forgot", data={"email": "kim@example.org"}).status_code == 400
    assert client.post("/organisations/any/invitations", data={"email": "a@example.org"}).status_code == 400


def test_the_login_form_carries_a_token(limited_app):
    app = limited_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    assert 'name="csrf_token"' in app.test_client().get("/login").get_data(as_text=True)


def _csrf_secret(client, app):
    with client.session_transaction() as session:
        return session.get(app.config["WTF_CSRF_FIELD_NAME"])


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_pages_after_signing_in_keep_the_cookie_as_it_is(limited_app, make_user, make_org, make_challenge):
    """Once the page a sign-in leads to has shown its message (and made the session's CSRF secret), the pages after
    it change nothing in the session: none answers with a new cookie, signed and compressed again (issue 13), and
    the token each page shows is good for its forms."""
    from tests.factories import PASSWORD

    app = limited_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    person = make_user("Kim Creator")
    challenge = make_challenge(make_org(make_user("Sam Seeker")), "open")
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    before = _csrf_secret(client, app)
    answer = client.post("/login", data={"csrf_token": _token(form), "email": person.email, "password": PASSWORD})
    assert answer.status_code in (302, 303)
    assert "You are signed in" in client.get(answer.headers["Location"]).get_data(as_text=True)
    secret = _csrf_secret(client, app)
    assert secret and secret != before  # a new session at sign-in, with a secret of its own
    for path in (f"/challenges/{challenge.slug}", "/account", "/", f"/challenges/{challenge.slug}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Set-Cookie" not in page.headers, path
    assert _csrf_secret(client, app) == secret
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    followed = client.post(f"/challenges/{challenge.slug}/follow", data={"csrf_token": _token(page)})
    assert followed.status_code in (302, 303)

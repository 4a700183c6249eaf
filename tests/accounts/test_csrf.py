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

"""Personal API tokens on the account page: created with a name and scope, shown once, kept only hashed,
listed with created and last-used times (noted at most once a minute), revoked at once, audited."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from challenge import clock
from challenge.accounts.models import ApiToken
from challenge.extensions import db
from challenge.platform.models import AuditEvent

API = "/api/v1"


def _create(client, name="Council website", scope="read"):
    return client.post("/account/tokens", data={"token-name": name, "token-scope": scope}, follow_redirects=True)


def _secret(page) -> str:
    found = re.search(r'id="new-api-token"[^>]*value="(cx_[A-Za-z0-9_-]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_a_token_is_shown_once_stored_hashed_and_listed(client, login, make_user):
    user = login(make_user())
    page = _create(client, "Council website", "write")
    assert page.status_code == 200
    secret = _secret(page)
    assert len(secret) > 40 and "Copy your new token now" in page.text
    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and token.scope == "write"
    assert secret not in repr(db.session.execute(db.select(ApiToken.__table__)).all())
    again = client.get("/account")
    assert secret not in again.text  # never shown a second time
    assert "Council website" in again.text and "Read and write" in again.text and "Never used" in again.text
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "api_token.create")).one()
    assert event.actor_id == user.id and event.data == {"name": "Council website", "scope": "write"}


def test_creating_redirects_and_a_refresh_neither_creates_nor_shows_the_token_again(client, login, make_user, app):
    login(make_user())
    answer = client.post("/account/tokens", data={"token-name": "Council website", "token-scope": "read"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account#api-tokens-heading")
    assert "cx_" not in answer.get_data(as_text=True)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    first = client.get("/account")
    secret = _secret(first)
    assert "copy it now" in first.text and first.headers["Cache-Control"] == "private, no-store"
    assert 'href="/developers/api#tokens-heading"' in first.text  # where to go next
    kept = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert secret not in repr(kept) and kept["api_token_to_show"]["sealed"]  # sealed in the cookie, not readable
    refresh = client.get("/account")
    assert refresh.status_code == 200 and secret not in refresh.text and "new-api-token" not in refresh.text
    assert "no-store" not in refresh.headers.get("Cache-Control", "")
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 1


def test_a_token_revoked_or_too_old_before_the_page_is_seen_is_not_shown(client, login, make_user):
    login(make_user())
    client.post("/account/tokens", data={"token-name": "Old", "token-scope": "read"})
    clock.travel(timedelta(minutes=11))
    assert "new-api-token" not in client.get("/account").text
    client.post("/account/tokens", data={"token-name": "Gone", "token-scope": "read"})
    gone = db.session.scalars(db.select(ApiToken).where(ApiToken.name == "Gone")).one()
    gone.revoked_at = clock.now()
    db.session.commit()
    assert "new-api-token" not in client.get("/account").text


def test_a_blank_name_or_unknown_scope_is_refused_on_its_field(client, login, make_user):
    login(make_user())
    blank = _create(client, "  ")
    assert blank.status_code == 400 and "Enter a name for the token" in blank.text
    odd = _create(client, "Ok", "admin")
    assert odd.status_code == 400 and "Not a valid choice" in odd.text
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_last_used_is_noted_at_most_once_a_minute(client, login, make_user):
    login(make_user())
    secret = _secret(_create(client))
    login(None)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/my/submissions", headers=headers).status_code == 200
    first = db.session.scalars(db.select(ApiToken)).one().last_used_at
    assert first is not None
    clock.travel(timedelta(seconds=30))
    client.get(f"{API}/my/submissions", headers=headers)
    db.session.expire_all()
    assert db.session.scalars(db.select(ApiToken)).one().last_used_at == first  # no write per request
    clock.travel(timedelta(seconds=31))
    client.get(f"{API}/my/submissions", headers=headers)
    db.session.expire_all()
    assert db.session.scalars(db.select(ApiToken)).one().last_used_at > first


def test_revoking_refuses_the_token_at_once(client, login, make_user):
    user = login(make_user())
    secret = _secret(_create(client))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/my/submissions", headers=headers).status_code == 200
    token = db.session.scalars(db.select(ApiToken)).one()
    answer = client.post(f"/account/tokens/{token.id}/revoke")
    assert answer.status_code == 302
    refused = client.get(f"{API}/my/submissions", headers=headers)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    assert "is revoked" in client.get("/account").text  # the flash message, once
    assert "Council website" not in client.get("/account").text
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "api_token.revoke")).one()
    assert event.actor_id == user.id


def test_someone_elses_token_cannot_be_revoked(client, login, make_user):
    login(make_user())
    _secret(_create(client))
    token = db.session.scalars(db.select(ApiToken)).one()
    login(make_user())
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.post("/account/tokens/999999/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_signed_out_people_are_sent_to_sign_in(client):
    assert "/login" in client.post("/account/tokens", data={"token-name": "x"}).headers["Location"]

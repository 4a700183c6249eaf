import uuid

import redis


def _eleven_logins(app):
    client = app.test_client()
    codes = [client.post("/login", data={"email": "nobody@example.org", "password": "not the password"}).status_code
             for _ in range(11)]
    return codes, client


def test_the_eleventh_login_in_a_minute_is_refused(limited_app):
    codes, client = _eleven_logins(limited_app())
    assert codes[:10] == [400] * 10  # the refused form, with its message
    assert codes[10] == 429
    page = client.post("/login", data={"email": "x@example.org", "password": "y"}).get_data(as_text=True)
    assert "Too many attempts" in page and "Wait a minute, then try again" in page
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_password_reset_requests_are_limited(limited_app):
    client = limited_app().test_client()
    codes = [client.post("/password/forgot", data={"email": "nobody@example.org"}).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_limits_are_shared_through_redis(limited_app):
    prefix = f"cx-test-{uuid.uuid4().hex[:8]}"
    store = redis.Redis.from_url("redis://127.0.0.1:6379")
    try:
        app = limited_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379", RATELIMIT_KEY_PREFIX=prefix)
        codes, _ = _eleven_logins(app)
        assert codes[10] == 429
        assert list(store.scan_iter(f"*{prefix}*")), "the counter should live in Redis"
        # A second app server sharing the Redis store sees the same count.
        other = limited_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379", RATELIMIT_KEY_PREFIX=prefix)
        assert other.test_client().post("/login", data={"email": "a@example.org", "password": "b"}).status_code == 429
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()

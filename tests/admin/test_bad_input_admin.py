"""Every form of the broker console, fed junk: never a 500, never a script echoed back."""
from urllib.parse import urlencode

import pytest

SCRIPT = '<script>alert("x")</script>'
VALUES = {
    "empty": "",
    "long": "x" * 100_000,
    "html": SCRIPT,
    "unicode": "Zoë \u202eevil\u202c \x00 \x07 \ufeff 👩🏽‍🔬 e\u0301 %_\\",
    "date-like": "2026-02-31",
    "number": "-99999999999999999999",
    "several": ["first", "second"],
}
SEARCHES = {
    "/admin/users": ["q", "show", "page"],
    "/admin/organisations": ["q", "show", "page"],
    "/admin/audit": ["object_type", "action", "actor", "date_from", "date_to", "page"],
    "/admin/audit.csv": ["object_type", "action", "actor", "date_from", "date_to"],
}
SWITCHES = ["/admin/users/{user}/broker", "/admin/users/{user}/active", "/admin/organisations/{org}/verified"]


@pytest.fixture()
def targets(broker, make_user, make_org):
    user = make_user()
    return {"user": user.id, "org": make_org(owner=user).id}


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
@pytest.mark.parametrize("path", list(SEARCHES))
def test_no_search_breaks(client, targets, path, value):
    query = urlencode({name: value for name in SEARCHES[path]}, doseq=True)
    response = client.get(f"{path}?{query}")
    assert response.status_code < 500
    if path.endswith(".csv"):
        assert response.status_code == 200 and response.mimetype == "text/csv"
    else:
        assert SCRIPT not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", list(VALUES.values()) + ["x" * (10 * 1024 * 1024)], ids=list(VALUES) + ["10MB"])
@pytest.mark.parametrize("path", SWITCHES)
def test_no_switch_breaks(client, targets, path, value):
    response = client.post(path.format(**targets), data={"value": value, "extra": value})
    assert response.status_code in (400, 413)


def test_odd_ids_are_not_found(client, targets):
    for path in ("/admin/users/99999999999999999999/broker", "/admin/users/-1/active", "/admin/organisations/0/verified"):
        assert client.post(path, data={"value": "on"}).status_code == 404

"""Every form of accounts and organisations, fed junk: never a 500, never a script echoed back."""
import pytest

from challenge import clock
from challenge.accounts import organisations, passwords
from challenge.accounts.models import Membership
from challenge.extensions import db

SCRIPT = '<script>alert("x")</script>'
VALUES = {
    "empty": "",
    "spaces": "   \t  ",
    "overlong": "x" * (10 * 1024 * 1024),
    "long-but-parsed": "y" * 100_000,
    "html": SCRIPT + '<b onmouseover="alert(1)">hi</b>',
    "unicode": "Zoë \u202eevil\u202c \x00 \x07 \ufeff 👩🏽‍🔬 ﷽ e\u0301 \U0010ffff",
    "nul-only": "\x00\x00",
    "number": "-1e309",
    "several": ["first", "second"],
}
FORMS = {
    "signup": ("/signup", ["name", "email", "password"]),
    "login": ("/login", ["email", "password", "remember"]),
    "forgot": ("/password/forgot", ["email"]),
    "reset": ("/password/reset/{reset}", ["password"]),
    "details": ("/account/details", ["details-name", "details-bio"]),
    "password": ("/account/password", ["password-current_password", "password-new_password"]),
    "create-org": ("/organisations/new", ["name", "kind", "description", "website"]),
    "edit-org": ("/organisations/{slug}/edit", ["name", "kind", "description", "website"]),
    "invite": ("/organisations/{slug}/invitations", ["email", "role"]),
    "role": ("/organisations/{slug}/members/{mid}/role", ["m{mid}-role"]),
    "accept": ("/invitations/{invite}", ["anything"]),
}


@pytest.fixture()
def world(make_user, make_org, login):
    user = make_user(email="owner@example.org", broker=True)
    org = make_org(make_user(), owner=user)
    now = clock.now()
    passwords.request_reset("owner@example.org", now)
    organisations.invite(org, "owner2@example.org", "member", user, now)
    tokens = {}
    for message in db.session.info.get("outbox_queued", []):
        tokens["reset" if "password" in message.subject.lower() else "invite"] = message.body.split("/")[-1].split()[0]
    db.session.commit()
    member = db.session.scalar(db.select(Membership).where(Membership.organisation_id == org.id,
                                                           Membership.user_id != user.id))
    login(user)
    return {"slug": org.slug, "mid": member.id, **tokens}


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
@pytest.mark.parametrize("form", list(FORMS))
def test_no_form_breaks(client, world, form, value):
    path, fields = FORMS[form]
    data = {name.format(**world): value for name in fields}
    response = client.post(path.format(**world), data=data)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert SCRIPT not in response.get_data(as_text=True)


@pytest.mark.parametrize("form", ["signup", "login", "forgot", "create-org", "invite"])
def test_errors_come_with_a_summary_that_links_to_fields(client, world, form):
    path, fields = FORMS[form]
    page = client.post(path.format(**world), data={name.format(**world): "" for name in fields}).get_data(as_text=True)
    assert "There is a problem" in page and "<title>Error:" in page
    assert f'href="#{fields[0].format(**world)}"' in page


def test_odd_paths_are_not_found_or_expired(client, world):
    for path in ("/organisations/%00/edit", "/organisations/x/members/abc/role", "/invitations/%00",
                 "/password/reset/" + "z" * 5000, "/organisations/" + world["slug"] + "/members/99999999999999999999/remove"):
        assert client.post(path).status_code in (404, 410), path

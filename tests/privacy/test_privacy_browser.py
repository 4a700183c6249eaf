"""In a real browser (issue 14 points 4 and 5): a person downloads their data from their account page and
then deletes their account; a broker looks at the privacy console. Each page is checked with axe."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from challenge.accounts.models import User
from challenge.extensions import db
from tests.browser_support import axe_violations, describe, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _check(page, name: str) -> None:
    page.shots(page, name)
    found = axe_violations(page)
    assert not found, f"{name}: {describe(found)}"


def test_a_person_downloads_their_data_then_deletes_their_account(page, make_user, make_org, make_challenge,
                                                                  make_submission):
    person = make_user("Dana Delete", "dana@example.org")
    seeker = make_user("Sam Seeker")
    challenge = make_challenge(make_org(owner=seeker), "open", title="Quieter streets", author=seeker)
    make_submission(challenge, person, "draft", title="Night buses")
    person_id = person.id

    sign_in(page, person)
    page.goto("/account")
    _check(page, "account-your-data-section")
    with page.expect_download() as download:
        page.locator("main").get_by_role("button", name="Download your data").click()
    with open(download.value.path(), "rb") as f:
        files = zipfile.ZipFile(io.BytesIO(f.read()))
    assert json.loads(files.read("users.json"))[0]["email"] == "dana@example.org"
    assert json.loads(files.read("submissions.json"))[0]["title"] == "Night buses"

    page.get_by_role("link", name="Email preferences").click()
    _check(page, "your-data-page")
    page.get_by_role("link", name="Delete your account").click()
    _check(page, "delete-account")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("There is a problem").wait_for()  # no password given
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Your account has been deleted").wait_for()
    _check(page, "deleted")

    db.session.expire_all()
    assert db.session.get(User, person_id).name == f"Former member {person_id}"
    page.goto("/login")
    page.get_by_label("Email address").fill("dana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_text("There is a problem").wait_for()
    assert "You are signed in" not in page.content()


def test_the_broker_console_and_a_persons_page(page, make_user):
    broker = make_user("Bea Broker", broker=True)
    person = make_user("Pat Person", "pat@example.org")
    sign_in(page, broker)
    page.goto("/admin/privacy")
    _check(page, "privacy-console")
    page.goto(f"/admin/privacy/people/{person.id}")
    _check(page, "person-page")
    page.get_by_role("button", name="Erase the account").click()
    page.get_by_text("There is a problem").wait_for()
    assert "Say why" in page.content()
    page.get_by_label("Reason").fill("Wrote in on 2 December asking to be erased")
    page.get_by_role("button", name="Erase the account").click()
    page.get_by_text("The account has been erased").wait_for()
    _check(page, "person-erased")


def test_a_seeker_records_a_story_with_consent_and_withdraws_it(page, make_user, make_org):
    from challenge import clock
    from challenge.diagnoses.models import Diagnosis

    seeker = make_user("Sian Seeker")
    org = make_org(owner=seeker)
    d = Diagnosis(organisation_id=org.id, title="Why do carers burn out?", created_by_id=seeker.id,
                  created_at=clock.now(), updated_at=clock.now())
    db.session.add(d)
    db.session.commit()
    words = "Nobody asks how I am doing, only how he is."

    sign_in(page, seeker)
    page.goto(f"/diagnoses/{d.id}")
    page.get_by_text("Record a story and its consent").click()
    page.get_by_label("The story").fill(words)
    page.get_by_label("Who gave consent").fill("Carer 2")
    page.get_by_label("What they agreed it may be used for").fill("This diagnosis and its challenge")
    page.get_by_role("button", name="Record the story").click()
    page.get_by_text("The story and its consent are recorded.").wait_for()
    assert words in page.content() and "consent from Carer 2" in page.content()
    _check(page, "diagnosis-with-story")

    broker = make_user("Bea Broker", broker=True)  # a broker reads it, read only, and the view is logged
    sign_in(page, broker)
    page.goto(f"/diagnoses/{d.id}")
    page.get_by_text("this view is recorded in the audit log").wait_for()
    assert words in page.content() and page.get_by_role("button", name="Record the story").count() == 0
    _check(page, "diagnosis-read-by-a-broker")

    sign_in(page, seeker)
    page.goto(f"/diagnoses/{d.id}")
    page.get_by_role("button", name="Consent withdrawn: remove this story").click()
    page.get_by_text("Consent withdrawn: the story has been removed.").wait_for()
    assert words not in page.content()
    _check(page, "diagnosis-story-withdrawn")


def test_the_only_owner_of_an_organisation_is_told_to_hand_it_over(page, make_user, make_org):
    owner, colleague = make_user("Owen Owner", "owen@example.org"), make_user("Cleo Colleague")
    org = make_org(colleague, name="Leeds City Council", owner=owner)
    sign_in(page, owner)
    page.goto("/account/delete")
    page.get_by_text("This account is the only owner of Leeds City Council").wait_for()
    _check(page, "delete-account-only-owner")
    page.get_by_role("link", name="Leeds City Council's members").click()
    page.get_by_role("heading", name="Members of Leeds City Council").wait_for()
    assert page.url.endswith(f"/organisations/{org.slug}/members")
    _check(page, "members-page-to-hand-over")

"""Who sees and changes what: a truth table over roles × challenge phases × submission states.

Read each row left to right: for each phase (open, closed, judging, decided), three cells for a
draft, a submitted and a withdrawn submission. 1 = allowed. Each cell is checked through `can()`
and through HTTP (200 when allowed, 404 when the user may not even see the submission).
"""
import io
import itertools

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.permissions import can
from challenge.submissions import storage
from challenge.submissions.models import Attachment

ROLES = ["anonymous", "owner", "team", "other_creator", "seeker", "unrelated_org", "broker"]
PHASES = ["open", "closed", "judging", "decided"]
STATES = ["draft", "submitted", "withdrawn"]


def matrix(rows: dict[str, str]) -> dict[tuple[str, str, str], bool]:
    """{role: "ddd sss ..."} → {(role, phase, state): bool}, like Indico's bool_matrix."""
    table = {}
    for role, cells in rows.items():
        bits = cells.replace(" ", "")
        assert len(bits) == len(PHASES) * len(STATES), role
        for (phase, state), bit in zip(itertools.product(PHASES, STATES), bits):
            table[(role, phase, state)] = bit == "1"
    return table


#                         open  closed judging decided
#                         d s w  d s w  d s w  d s w
VIEW = matrix({
    "anonymous":         "000 000 000 000",
    "owner":             "111 111 111 111",
    "team":              "111 111 111 111",
    "other_creator":     "000 000 000 000",
    "seeker":            "000 010 010 010",
    "unrelated_org":     "000 000 000 000",
    "broker":            "111 111 111 111",
})
EDIT = matrix({  # and withdraw: the owner alone, while the challenge is open and the entry is live
    "anonymous":         "000 000 000 000",
    "owner":             "110 000 000 000",
    "team":              "000 000 000 000",
    "other_creator":     "000 000 000 000",
    "seeker":            "000 000 000 000",
    "unrelated_org":     "000 000 000 000",
    "broker":            "000 000 000 000",
})
DISQUALIFY = matrix({
    "anonymous":         "000 000 000 000",
    "owner":             "000 000 000 000",
    "team":              "000 000 000 000",
    "other_creator":     "000 000 000 000",
    "seeker":            "000 000 000 000",
    "unrelated_org":     "000 000 000 000",
    "broker":            "010 010 010 000",
})


@pytest.fixture()
def world(cast, make_user, make_org, make_challenge, make_submission, files):
    def build(phase: str, state: str):
        outsider = make_user("Uma Unrelated")
        make_org(outsider, name="Hilltop Trust", kind="nhs_trust")
        challenge = make_challenge(cast.council, phase)
        sub = make_submission(challenge, cast.creator, state, team=(cast.friend,))
        stored = storage.store(io.BytesIO(files.pdf), "plan.pdf", 1024 * 1024)
        attachment = Attachment(submission=sub, original_name="plan.pdf", stored_name=stored.stored_name,
                                content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                uploaded_at=clock.now())
        db.session.add(attachment)
        db.session.commit()
        people = {"anonymous": None, "owner": cast.creator, "team": cast.friend, "other_creator": cast.other,
                  "seeker": cast.seeker, "unrelated_org": outsider, "broker": cast.broker}
        return sub, attachment, people

    return build


CELLS = list(itertools.product(ROLES, PHASES, STATES))


@pytest.mark.parametrize("role, phase, state", CELLS)
def test_truth_table(world, client, login, role, phase, state):
    sub, attachment, people = world(phase, state)
    user = people[role]
    who = user if user is not None else _anonymous()
    key = (role, phase, state)
    assert can(who, "submission.view", sub) is VIEW[key]
    assert can(who, "submission.download", sub) is VIEW[key]
    assert can(who, "submission.edit", sub) is EDIT[key]
    assert can(who, "submission.withdraw", sub) is EDIT[key]
    assert can(who, "submission.disqualify", sub) is DISQUALIFY[key]

    login(user)
    ref = sub.reference
    assert client.get(f"/submissions/{ref}").status_code == (200 if VIEW[key] else 404)
    download = client.get(f"/submissions/{ref}/attachments/{attachment.id}")
    assert download.status_code == (200 if VIEW[key] else 404)
    edit = client.get(f"/submissions/{ref}/edit")
    withdraw = client.post(f"/submissions/{ref}/withdraw", data={"reason": ""})
    db.session.refresh(sub)
    if EDIT[key]:
        assert edit.status_code == 200
        assert withdraw.status_code == 302 and sub.state == "withdrawn"
    else:
        assert sub.state == state
        if user is None:
            assert edit.status_code == withdraw.status_code == 302  # to the sign-in page
            assert "/login" in edit.location
        elif not VIEW[key]:
            assert edit.status_code == withdraw.status_code == 404
        else:  # may see it, may not change it: the page says why
            assert edit.status_code in (403, 409) and withdraw.status_code in (403, 409)


def _anonymous():
    from flask_login import AnonymousUserMixin

    return AnonymousUserMixin()


#                       open upcoming closed judging decided
LIST = {
    "anonymous":        "0    0        0      0       0",
    "owner":            "0    0        0      0       0",
    "seeker":           "0    0        1      1       1",
    "unrelated_org":    "0    0        0      0       0",
    "broker":           "1    1        1      1       1",
}


@pytest.mark.parametrize("role", LIST)
def test_who_sees_a_challenges_list_of_submissions(world, client, login, make_challenge, cast, role):
    _, _, people = world("open", "submitted")
    for phase, allowed in zip(["open", "upcoming", "closed", "judging", "decided"], LIST[role].split()):
        challenge = make_challenge(cast.council, phase)
        user = people[role]
        assert can(user or _anonymous(), "challenge.view_submissions", challenge) is (allowed == "1")
        login(user)
        expected = 200 if allowed == "1" else 404
        assert client.get(f"/challenges/{challenge.slug}/submissions").status_code == expected
        assert client.get(f"/challenges/{challenge.slug}/submissions.csv").status_code == expected


def test_only_brokers_see_every_submission(world, client, login):
    sub, _, people = world("closed", "submitted")
    for role, user in people.items():
        login(user)
        response = client.get("/submissions")
        assert response.status_code == (200 if role == "broker" else 404), role
    assert sub.reference in response.get_data(as_text=True)

"""Blind judging: nothing a judge can reach names the creators, their organisations or their teams."""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest

from challenge import clock
from challenge.accounts.models import Organisation
from challenge.extensions import db
from challenge.judging.models import Assignment
from challenge.submissions.models import Attachment, TeamMember

SECRETS = ("Zebedee", "Quorn", "secret-creator", "Xanthippe", "Vellacott", "Quornwell")


def _dress_up_entries(app, world, make_user):
    """Give every entry an organisation, a team member and an attachment whose name gives the creator away."""
    org = Organisation(name="Quornwell Social Enterprise", slug="quornwell", kind="social_enterprise",
                       created_at=clock.now())
    db.session.add(org)
    db.session.flush()
    mate = make_user("Xanthippe Vellacott", "xanthippe@secret-creator.example.org")
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    from tests.submissions import metadata_files as mf

    pdf = mf.FILES["plan.pdf"]()
    for n, sub in enumerate(world.subs):
        sub.organisation_id = org.id
        sub.team.append(TeamMember(user_id=mate.id))
        stored = hashlib.sha256(f"file{n}-{sub.id}".encode()).hexdigest()[:32]
        (folder / stored).write_bytes(pdf)  # an upload from before cleaning: cleaned on a judge's first download
        db.session.add(Attachment(submission_id=sub.id, original_name=f"Zebedee Quorn{n} business plan.pdf",
                                  stored_name=stored, content_type="application/pdf", size=len(pdf), sha256="0" * 64,
                                  uploaded_at=clock.now()))
    db.session.commit()


def _judge_journey(client, login, world) -> list:
    """Every judge-facing response in a round: queue, declaration, entry, scoring, others' scores,
    attachments, and for the chair the panel view, the CSV, the set-up page, the shortlist and decision."""
    slug = world.challenge.slug
    responses = []
    for user in world.judges:
        login(user)
        responses.append(client.get("/judging/"))
        queue = client.get(f"/judging/{slug}/queue")
        responses.append(queue)
        for aid in re.findall(r"/entries/(\d+)\"", queue.get_data(as_text=True)):
            base = f"/judging/{slug}/entries/{aid}"
            responses.append(client.get(base))
            responses.append(client.post(f"{base}/declaration", data={"has_conflict": "no"}, follow_redirects=True))
            responses.append(client.post(f"{base}/scores", data={"action": "submit"}))  # refused: no scores
            data = {f"score-{c.id}": "3" for c in world.criteria}
            responses.append(client.post(f"{base}/scores", data={**data, "action": "submit", "comment": "Solid."},
                                         follow_redirects=True))
            responses.append(client.get(base))  # now with the other judges' scores
            responses.append(client.get(f"{base}/attachments/1"))
    login(world.chair)
    for path in ("panel?round=1", "panel?round=1&sort=raw&show=disputed", "panel.csv?round=1", ""):
        responses.append(client.get(f"/judging/{slug}/{path}"))
    client.post(f"/judging/{slug}/rounds/1/close")
    for path in ("rounds/1/advance", "rounds/1/decide"):
        responses.append(client.get(f"/judging/{slug}/{path}"))
    responses.append(client.post(f"/judging/{slug}/rounds/1/decide", data={"slot-0": str(world.subs[-1].id)}))
    return responses


def _leaks(responses) -> list[str]:
    found = []
    for response in responses:
        text = response.get_data().decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        found += [f"{response.request.path}: {s}" for s in SECRETS if s.lower() in text.lower()]
    return found


def test_blind_mode_leaks_no_creator_name_to_any_judge_facing_response(app, client, login, make_world, make_user):
    world = make_world(blind=True, judges=2, entries=3)
    _dress_up_entries(app, world, make_user)
    from tests.judging.judging_helpers import open_round

    open_round(world)
    responses = _judge_journey(client, login, world)
    assert len(responses) > 30
    assert all(r.status_code < 500 for r in responses)
    downloads = [r for r in responses if r.request.path.endswith("/attachments/1")]
    assert downloads and all(r.status_code == 200 for r in downloads)
    assert 'filename="Attachment 1.pdf"' in downloads[0].headers["Content-Disposition"]
    assert _leaks(responses) == []


def test_the_same_journey_without_blind_mode_does_show_the_creators(app, client, login, make_world, make_user):
    """The control: proves the search above can find the names when they are there."""
    world = make_world(blind=False, judges=2, entries=3)
    _dress_up_entries(app, world, make_user)
    from tests.judging.judging_helpers import open_round

    open_round(world)
    leaks = _leaks(_judge_journey(client, login, world))
    assert any("Zebedee" in leak for leak in leaks) and any("Xanthippe" in leak for leak in leaks)
    assert any("Quornwell" in leak for leak in leaks)


@pytest.mark.parametrize("blind", [True, False])
def test_attachment_download_needs_an_unconflicted_assignment(app, client, login, make_world, make_user, blind):
    world = make_world(blind=blind, judges=2, entries=1)
    _dress_up_entries(app, world, make_user)
    from tests.judging.judging_helpers import open_round, sheet

    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    login(world.judges[1])
    url = f"/judging/{world.challenge.slug}/entries/{a.id}/attachments/1"
    assert client.get(url).status_code == 404  # no declaration yet
    client.post(f"/judging/{world.challenge.slug}/entries/{a.id}/declaration", data={"has_conflict": "no"})
    assert client.get(url).status_code == 200
    assert client.get(url.replace("/attachments/1", "/attachments/2")).status_code == 404
    login(world.outsider)
    assert client.get(url).status_code == 404
    login(world.judges[0])  # on the panel, but this is not their sheet
    assert client.get(url).status_code == 404


def _seeker_pages(client, world) -> list:
    """What a seeker can open about the entries: the challenge page, the list, its CSV, each entry and
    its files, the dashboard and the finance page."""
    slug = world.challenge.slug
    responses = [client.get(f"/challenges/{slug}"), client.get(f"/challenges/{slug}/submissions"),
                 client.get(f"/challenges/{slug}/submissions.csv"), client.get("/dashboard"), client.get("/finance")]
    for sub in world.subs:
        responses.append(client.get(f"/submissions/{sub.reference}"))
        for file in sub.attachments:
            responses.append(client.get(f"/submissions/{sub.reference}/attachments/{file.id}"))
    return responses


def test_a_seeker_on_a_blind_panel_sees_no_entrant_until_the_decision(app, client, login, make_world, make_user,
                                                                      seat):
    world = make_world(blind=True, judges=2, entries=3)
    _dress_up_entries(app, world, make_user)
    seat(world.challenge, world.seeker)  # the commissioner sits on her own panel
    from tests.judging.judging_helpers import open_round

    open_round(world)
    login(world.seeker)
    before = _seeker_pages(client, world)
    assert _leaks(before) == []
    assert [r.status_code for r in before[1:3]] == [404, 404]
    assert {r.status_code for r in before[5:]} == {404}
    assert "opens to you when the winners are decided" in before[0].get_data(as_text=True)

    colleague = make_user("Colin Colleague")  # another seeker of the same council, not on the panel
    from challenge.accounts.models import Membership

    db.session.add(Membership(user_id=colleague.id, organisation_id=world.org.id, role="member",
                              created_at=clock.now()))
    db.session.commit()
    login(colleague)
    assert "Zebedee" in client.get(f"/challenges/{world.challenge.slug}/submissions").get_data(as_text=True)

    world.challenge.state = "decided"
    db.session.commit()
    login(world.seeker)
    after = _seeker_pages(client, world)
    assert after[1].status_code == 200 and "Zebedee" in after[1].get_data(as_text=True)
    assert {r.status_code for r in after[5:]} == {200}


def test_without_blind_mode_a_seeker_on_the_panel_keeps_the_list(app, client, login, make_world, make_user, seat):
    world = make_world(blind=False, judges=2, entries=2)
    seat(world.challenge, world.seeker)
    login(world.seeker)
    assert "Zebedee" in client.get(f"/challenges/{world.challenge.slug}/submissions").get_data(as_text=True)


# --- metadata inside the files --------------------------------------------------------------------------

def _attach_real_files(world) -> dict[str, bytes]:
    """Every entry gets a PDF, a Word, Excel and PowerPoint file, a JPEG, a PNG and a ZIP, each naming the
    entrant in every metadata field we can reach, stored as an upload is (with its cleaned copy)."""
    from challenge.submissions import storage
    from tests.submissions import metadata_files as mf

    made = {name: make() for name, make in {**mf.FILES, "bundle.zip": mf.archive}.items()}
    for sub in world.subs:
        for name, content in made.items():
            stored = storage.store(io.BytesIO(content), name, 20 * 1024 * 1024)
            db.session.add(Attachment(submission_id=sub.id, original_name=f"Zebedee {name}",
                                      stored_name=stored.stored_name, content_type=stored.content_type,
                                      size=stored.size, sha256=stored.sha256, uploaded_at=clock.now(),
                                      cleaned=stored.cleaned))
    db.session.commit()
    return made


def _judge_downloads(client, login, world) -> dict[str, list[bytes]]:
    """Each judge declares no conflict on each sheet and downloads every attachment: name -> bodies."""
    slug, got = world.challenge.slug, {}
    for user in world.judges:
        login(user)
        for aid in re.findall(r"/entries/(\d+)\"", client.get(f"/judging/{slug}/queue").get_data(as_text=True)):
            base = f"/judging/{slug}/entries/{aid}"
            client.post(f"{base}/declaration", data={"has_conflict": "no"})
            for number, file in enumerate(db.session.get(Assignment, int(aid)).submission.attachments, 1):
                response = client.get(f"{base}/attachments/{number}")
                assert response.status_code == 200
                got.setdefault(file.original_name.split(" ", 1)[1], []).append(response.get_data())
    return got


def test_blind_judges_receive_files_whose_metadata_names_nobody(app, client, login, make_world):
    from tests.judging.judging_helpers import open_round
    from tests.submissions import metadata_files as mf

    world = make_world(blind=True, judges=2, entries=2)
    originals = _attach_real_files(world)
    open_round(world)
    got = _judge_downloads(client, login, world)
    assert set(got) == set(originals) and all(len(bodies) == 4 for bodies in got.values())  # 2 judges × 2 entries
    for name, bodies in got.items():
        if name == "bundle.zip":  # cannot be cleaned: passed on as uploaded, and the chair was told
            assert all(body == originals[name] for body in bodies)
            continue
        assert all(mf.names_in(body) == [] for body in bodies), name
        assert all(body != originals[name] for body in bodies)


def test_without_blind_mode_judges_receive_the_files_as_uploaded(app, client, login, make_world):
    from tests.judging.judging_helpers import open_round

    world = make_world(blind=False, judges=2, entries=1)
    originals = _attach_real_files(world)
    open_round(world)
    got = _judge_downloads(client, login, world)
    assert all(body == originals[name] for name, bodies in got.items() for body in bodies)


def test_seekers_and_brokers_still_get_the_originals(app, client, login, make_world):
    from tests.judging.judging_helpers import open_round

    world = make_world(blind=True, judges=2, entries=1)
    originals = _attach_real_files(world)
    open_round(world)
    world.challenge.state = "decided"
    db.session.commit()
    sub = world.subs[0]
    for user in (world.seeker, world.broker):
        login(user)
        for file in sub.attachments:
            response = client.get(f"/submissions/{sub.reference}/attachments/{file.id}")
            assert response.status_code == 200 and response.get_data() == originals[file.original_name.split(" ", 1)[1]]


def test_the_chair_is_told_before_the_round_opens_which_files_cannot_be_cleaned(app, client, login, make_world):
    world = make_world(blind=True, judges=2, entries=2)
    _attach_real_files(world)
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    for sub in world.subs:
        assert f"{sub.reference}, Attachment 7.zip" in page
    assert "Attachment 1.pdf" not in page  # cleaned: nothing to say
    assert _leaks([client.get(f"/judging/{world.challenge.slug}/")]) == []
    from tests.judging.judging_helpers import open_round

    open_round(world)
    assert "Attachment 7.zip" not in client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)


def test_an_older_upload_that_fails_to_clean_is_withheld_from_blind_judges(app, client, login, make_world):
    """An upload from before cleaning existed (cleaned unknown, no copy) that cannot be cleaned now was never in
    the chair's warning, so the judge gets a clear refusal instead of the file with its author's name."""
    from challenge.submissions import cleaning, storage
    from tests.judging.judging_helpers import open_round
    from tests.submissions import metadata_files as mf

    world = make_world(blind=True, judges=2, entries=1)
    sub = world.subs[0]
    stored = storage.store(io.BytesIO(mf.FILES["plan.pdf"]()), "plan.pdf", 20 * 1024 * 1024)
    original = storage.path_of(stored.stored_name)
    cleaning.beside(original).unlink()  # as an upload made before copies were cleaned
    original.write_bytes(original.read_bytes()[:400] + b"\nZebedee Quorn damaged the rest")  # unreadable now
    db.session.add(Attachment(submission_id=sub.id, original_name="Zebedee plan.pdf", stored_name=stored.stored_name,
                              content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                              uploaded_at=clock.now(), cleaned=None))
    db.session.commit()
    open_round(world)
    login(world.judges[0])
    slug = world.challenge.slug
    [aid] = re.findall(r"/entries/(\d+)\"", client.get(f"/judging/{slug}/queue").get_data(as_text=True))
    client.post(f"/judging/{slug}/entries/{aid}/declaration", data={"has_conflict": "no"})
    response = client.get(f"/judging/{slug}/entries/{aid}/attachments/1")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "could not be cleaned" in body and "Zebedee" not in body

"""The deadline rush's verdict: each rule it checks against the database and the files can fail."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from bench.rush_check import check
from bench.rush_client import Outcome, Step
from challenge import clock
from challenge.extensions import db
from challenge.submissions.models import Attachment


@pytest.fixture()
def rush(app, make_user, make_org, make_challenge, make_submission, tmp_path):
    """A closed challenge; `entry(n, state, file=True)` stores creator n's submission and its file."""
    now = clock.now()
    challenge = make_challenge(make_org(owner=make_user()), "closed")
    closes = challenge.closes_at
    uploads = tmp_path / "uploads"
    uploads.mkdir()

    def entry(n: int, state: str = "submitted", *, file: bool = True, submitted_at=None) -> Outcome:
        data = f"pdf of creator {n}".encode()
        sha = hashlib.sha256(data).hexdigest()
        sub = make_submission(challenge, make_user(email=f"creator{n}@bench.example.org"), state)
        sub.submitted_at = submitted_at or (closes - timedelta(seconds=5) if state == "submitted" else None)
        db.session.add(Attachment(submission_id=sub.id, original_name="a.pdf", stored_name=f"stored{n}",
                                  content_type="application/pdf", size=len(data), sha256=sha, uploaded_at=now))
        db.session.commit()
        if file:
            (uploads / f"stored{n}").write_bytes(data)
        return Outcome(creator=n, reference=sub.reference, sha256=sha)

    def verdict(outcomes):
        return check(db.engine, outcomes, closes, uploads, stuck=0)[0]

    return entry, verdict, closes.timestamp()


def _step(name, sent, status, answered=None):
    return Step(name, sent, answered if answered is not None else sent + 0.1, status)


def test_a_clean_rush_has_no_violations(rush):
    entry, verdict, close = rush
    ok = entry(1)
    ok.steps, ok.submitted = [_step("submit", close - 3, 302), _step("receipt", close - 2.8, 200)], True
    late = entry(2, "draft")
    late.steps, late.refused, late.refusal_clear = [_step("submit", close + 1, 409)], "HTTP 409", True
    assert verdict([ok, late]) == []


def test_a_success_answer_needs_its_file_with_the_right_sha256(rush):
    entry, verdict, close = rush
    lost = entry(1, file=False)
    lost.steps, lost.submitted = [_step("submit", close - 3, 302)], True
    assert any("attachment is missing" in v for v in verdict([lost]))


def test_a_success_answer_to_a_late_press_is_a_violation(rush):
    entry, verdict, close = rush
    late = entry(1)
    late.steps, late.submitted = [_step("submit", close + 0.5, 302)], True
    assert any("accepted although sent" in v for v in verdict([late]))


def test_a_success_answer_needs_a_submitted_row(rush):
    entry, verdict, close = rush
    draft = entry(1, "draft")
    draft.steps, draft.submitted = [_step("submit", close - 3, 302)], True
    assert any("the row is draft" in v for v in verdict([draft]))


def test_refusals_must_be_clear_and_leave_no_submitted_row(rush):
    entry, verdict, close = rush
    vague = entry(1, "draft")
    vague.steps, vague.refused = [_step("submit", close + 1, 200)], "HTTP 200"
    sneaky = entry(2)
    sneaky.steps, sneaky.refused, sneaky.refusal_clear = [_step("submit", close + 1, 409)], "HTTP 409", True
    found = verdict([vague, sneaky])
    assert any("creator 1" in v and "refused without a 4xx" in v for v in found)
    assert any("creator 2" in v and "a submitted row exists" in v for v in found)


def test_a_refusal_while_open_and_any_5xx_are_violations(rush):
    entry, verdict, close = rush
    early = entry(1, "draft")
    early.steps, early.refused, early.refusal_clear = [_step("submit", close - 5, 409)], "HTTP 409", True
    broken = entry(2, "draft")
    broken.steps, broken.refused, broken.refusal_clear = [_step("upload", close - 9, 500, close - 8)], "HTTP 500", False
    found = verdict([early, broken])
    assert any("creator 1" in v and "still open" in v for v in found)
    assert any("creator 2" in v and "HTTP 500" in v for v in found)


def test_no_answer_is_capacity_not_a_wrong_answer(rush):
    entry, verdict, close = rush
    waited = entry(1)
    waited.steps = [Step("submit", close - 2, close + 58, 0, "ReadTimeout")]
    assert verdict([waited]) == []

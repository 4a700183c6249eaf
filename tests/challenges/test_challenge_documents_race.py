"""A double click on "Attach the document" attaches the file once, and uploads at once cannot pass the
limit: the service locks the challenge's row before it counts and compares (PostgreSQL, real threads)."""
from __future__ import annotations

import io

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges import documents
from challenge.challenges.models import Challenge, ChallengeDocument
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.submissions import storage
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads, run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]


def attach(challenge_id: int, user_id: int, data: bytes, name: str):
    def work():
        document = documents.add_document(db.session.get(Challenge, challenge_id), io.BytesIO(data), name,
                                          "data_pack", "", db.session.get(User, user_id), clock.now())
        db.session.commit()
        return document.id
    return work


def stored_files() -> set[str]:
    return {p.name for p in storage.folder().iterdir()}


def test_five_simultaneous_uploads_of_one_file_attach_it_once(app, world, make_challenge):
    challenge = make_challenge(world.org, "draft")
    before = stored_files()
    results = in_threads(app, 5, attach(challenge.id, world.seeker.id, b"area,referrals\nCamden,1\n", "pack.csv"))
    attached = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, FieldError)]
    assert len(attached) == 1 and len(refused) == 4, results
    assert all("already attached" in r.message for r in refused)
    db.session.expire_all()
    (document,) = db.session.scalars(db.select(ChallengeDocument))
    # the refused uploads' files were removed with their rollback: one file and its row remain
    assert stored_files() - before == {document.stored_name}


def test_uploads_at_once_stop_at_the_limit(app, world, make_challenge, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENTS", 2)
    challenge = make_challenge(world.org, "draft")
    works = [attach(challenge.id, world.seeker.id, f"n\n{n}\n".encode(), f"{n}.csv") for n in range(4)]
    results = run_together(app, works)
    assert sum(isinstance(r, int) for r in results) == 2, results
    assert db.session.scalar(db.select(db.func.count(ChallengeDocument.id))) == 2

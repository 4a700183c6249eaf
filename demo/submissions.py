"""Demo entries: the submissions to each challenge, and one small, genuine PDF attached to each.

The entries are written as rows, not through `submissions.services`: `start_draft` takes the reference
from the year of its `now` (CX-<year>-…), and the demo's entries, made weeks or months ago, must carry
this year's references numbered 1 to 60 (the reference counter is set to match). Their states agree with
their challenge's phase; the decisions (demo/judging.py) later choose the winners through the judging
services. The PDFs are stored like any upload (`storage.store`), so a person clicking through the demo
can download something real.
"""
from __future__ import annotations

import io
import random
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app

from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.challenges.states import Phase
from challenge.extensions import db
from challenge.submissions import storage
from challenge.submissions.models import Attachment, ReferenceCounter, Submission, SubmissionState
from demo.data import SOLUTIONS

# How many entries each phase's challenges receive (60 in all across the eight that have any; None: one
# per solution title).
ENTRIES = {Phase.OPEN: None, Phase.CLOSED: 10, Phase.JUDGING: 10, Phase.DECIDED: 10, Phase.COMPLETED: 10}


def _states(phase: str, count: int) -> list[str]:
    """Submission states consistent with the challenge's phase (the decisions choose the winners later)."""
    if phase == Phase.OPEN:
        return [SubmissionState.DRAFT] + [SubmissionState.SUBMITTED] * (count - 1)
    if phase == Phase.CLOSED:
        return [SubmissionState.WITHDRAWN] + [SubmissionState.SUBMITTED] * (count - 1)
    return [SubmissionState.SUBMITTED] * count


def entries(challenge: Challenge, phase: str, creators: list[User], rng: random.Random, now: datetime,
            start: int) -> list[Submission]:
    """The challenge's entries, referenced from CX-<year>-<start> on; none for a phase without entries."""
    titles = SOLUTIONS.get(challenge.title)
    if phase not in ENTRIES or not titles:
        return []
    count = ENTRIES[phase] or len(titles)
    owners = rng.sample(creators, count)
    made = [_entry(challenge, owner, title, state, rng, now, f"CX-{now.year}-{start + n:05d}")
            for n, (owner, title, state) in enumerate(zip(owners, titles, _states(phase, count)))]
    db.session.add_all(made)
    db.session.flush()
    return made


def _entry(challenge: Challenge, owner: User, title: str, state: str, rng: random.Random, now: datetime,
           reference: str) -> Submission:
    created = min(challenge.opens_at + timedelta(days=rng.randint(1, 10)), now)
    submitted = None if state == SubmissionState.DRAFT else min(created + timedelta(days=rng.randint(1, 5)),
                                                   challenge.closes_at - timedelta(hours=1), now)
    return Submission(
        challenge_id=challenge.id, owner_id=owner.id, reference=reference, title=title,
        summary=f"{title}: a practical answer to “{challenge.title}”.",
        description=f"## How it works\n\n{title} builds on what already works locally.\n\n"
                    f"## Who it helps\n\nPeople described in the challenge, starting with a pilot of "
                    f"{rng.randint(20, 200)} people.",
        eligibility_confirmed=True, terms_accepted=state != SubmissionState.DRAFT, state=state,
        state_reason="Withdrawn by the entrant." if state == SubmissionState.WITHDRAWN else "",
        submitted_at=submitted, created_at=created, updated_at=submitted or created)


def count_references(made: int, now: datetime) -> None:
    """Move this year's reference counter past the demo's entries, so the next real entry follows on."""
    counter = db.session.get(ReferenceCounter, now.year) or ReferenceCounter(year=now.year, last=0)
    counter.last = max(counter.last, made)
    db.session.add(counter)
    db.session.flush()


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica text) with a correct cross-reference table."""
    def esc(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return re.sub(r"([\\()])", r"\\\1", text)

    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def attach_demo_files(submissions: Iterable[Submission], now: datetime) -> int:
    """Attach a generated one-page PDF to each submission (whatever its state); returns how many."""
    count = 0
    for sub in submissions:
        pdf = tiny_pdf([sub.title[:80], f"Reference {sub.reference}", "", (sub.summary or "")[:90],
                        "", "A demonstration file generated by Challenge Exchange."])
        stored = storage.store(io.BytesIO(pdf), f"{sub.reference} summary.pdf", current_app.config["UPLOAD_MAX_BYTES"])
        storage.written_in(db.session(), stored.stored_name)
        db.session.add(Attachment(submission=sub, original_name=stored.display_name, stored_name=stored.stored_name,
                                  content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                  uploaded_at=now))
        count += 1
    db.session.flush()
    return count

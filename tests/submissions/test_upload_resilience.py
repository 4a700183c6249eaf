"""An upload killed mid-transfer leaves no orphan file and no half row; `flask uploads sweep` removes files
that a killed worker left with no row, and spares the rest."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.exceptions import ClientDisconnected

from challenge import clock
from challenge.extensions import db
from challenge.platform import tx
from challenge.submissions import services, storage, sweep
from challenge.submissions.models import Attachment

ROOT = Path(__file__).resolve().parents[2]


class CutOff(io.RawIOBase):
    """A request body that stops after `after` bytes, the way a dropped connection does."""

    def __init__(self, data: bytes, after: int):
        self.data, self.after, self.pos = data, after, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.pos = offset if whence == io.SEEK_SET else (self.pos + offset if whence == io.SEEK_CUR else len(self.data))
        return self.pos

    def tell(self):
        return self.pos

    def readinto(self, buffer):
        if self.pos >= self.after:
            raise ClientDisconnected()
        chunk = self.data[self.pos:min(self.pos + len(buffer), self.after)]
        buffer[:len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


def _files() -> list[str]:
    folder = storage.folder()
    return sorted(p.name for p in folder.iterdir())


def _stored() -> list[str]:
    """The stored files themselves (each may have a cleaned copy beside it, named after it)."""
    return [name for name in _files() if len(name) == 32]


def _rows() -> int:
    return db.session.scalar(db.select(db.func.count(Attachment.id)))


@pytest.fixture
def draft(cast, make_submission):
    return make_submission(cast.challenge, cast.creator, "draft")


def test_a_transfer_cut_off_inside_the_service_leaves_no_file_and_no_row(cast, draft, files):
    big = files.pdf + b"%" * (300 * 1024)  # several chunks, so the cut comes mid-write
    with pytest.raises(ClientDisconnected):
        services.add_attachment(draft, io.BufferedReader(CutOff(big, 200 * 1024)), "plan.pdf", cast.creator,
                                clock.now())
    tx.rollback()
    assert _files() == [] and _rows() == 0


def test_a_request_whose_body_stops_early_leaves_no_file_and_no_row(client, login, cast, draft, files):
    login(cast.creator)
    boundary = "cxboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + files.pdf + b"%" * (300 * 1024) + \
        f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/submissions/{draft.reference}/attachments",
                           input_stream=io.BufferedReader(CutOff(body, 150 * 1024)), content_length=len(body),
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400  # not a 500, and nothing kept
    assert _files() == [] and _rows() == 0
    # the same upload, sent whole, works
    response = client.post(f"/submissions/{draft.reference}/attachments",
                           data={"file": (io.BytesIO(files.pdf), "plan.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302 and len(_stored()) == 1 and _rows() == 1


def test_a_failed_commit_removes_the_file_it_wrote(cast, draft, files):
    services.add_attachment(draft, io.BytesIO(files.pdf), "plan.pdf", cast.creator, clock.now())
    assert len(_stored()) == 1
    tx.rollback()  # what the request does when its commit cannot happen
    assert _files() == [] and _rows() == 0


KILLED_MID_WRITE = """
import sys, time
from challenge import create_app
from challenge.submissions import storage
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "x",
                  "UPLOAD_FOLDER": sys.argv[1]})

class Slow:
    def __init__(self):
        self.sent = 0
    def read(self, n):
        if self.sent == 0:
            self.sent = 1
            return b"%PDF-1.4\\n" + b"%" * 70000
        print("writing", flush=True)
        time.sleep(60)  # the worker is killed here, mid-transfer
        return b""

with app.app_context():
    storage.store(Slow(), "plan.pdf", 10_000_000)
"""


def test_a_worker_killed_mid_write_leaves_a_file_the_sweep_removes(app, runner, cast, draft, files):
    kept = services.add_attachment(draft, io.BytesIO(files.pdf), "plan.pdf", cast.creator, clock.now())
    tx.commit()
    folder = storage.folder()
    worker = subprocess.Popen([sys.executable, "-c", KILLED_MID_WRITE, str(folder)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip() == "writing"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    [orphan] = [name for name in _files() if not name.startswith(kept.stored_name)]
    assert (folder / orphan).stat().st_size > 0  # half a file, and no row for it
    (folder / "notes.txt").write_text("not the storage's: never touched")
    # a fresh orphan may be an upload still committing: spared
    assert sweep.find_orphans(clock.now(), timedelta(minutes=60)) == []
    an_hour_ago = time.time() - 2 * 3600
    os.utime(folder / orphan, (an_hour_ago, an_hour_ago))
    for name in _files():
        if name.startswith(kept.stored_name):  # the kept file and its cleaned copy, as old as the orphan
            os.utime(folder / name, (an_hour_ago, an_hour_ago))
    result = runner.invoke(args=["uploads", "sweep", "--dry-run"])
    assert result.exit_code == 0 and f"would remove {orphan}" in result.output and "1 orphan file found" in \
        result.output
    assert orphan in _files()
    result = runner.invoke(args=["uploads", "sweep"])
    assert result.exit_code == 0 and f"removed {orphan}" in result.output
    assert orphan not in _files() and "notes.txt" in _files() and _stored() == [kept.stored_name]
    assert _rows() == 1 and storage.path_of(kept.stored_name) is not None
    assert runner.invoke(args=["uploads", "sweep"]).output.strip().endswith("0 orphan files removed.")

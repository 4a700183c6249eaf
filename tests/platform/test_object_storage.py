"""Attachments in an S3 bucket (issue 16 point 1): a local S3 server (moto in server mode, started here on
127.0.0.1 and stopped at the end) stands in for AWS S3 or MinIO. Uploads land in the bucket and nowhere on
disk, downloads pass the permission check first and then stream or redirect to a presigned URL that forces
an attachment, deleting removes the objects, and `flask storage migrate` copies the local folder across,
checking each sha256."""
from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from datetime import timedelta

import boto3
import pytest

from challenge import clock
from challenge.challenges.models import ChallengeDocument
from challenge.extensions import db
from challenge.platform import filestore
from challenge.privacy import export
from challenge.submissions import cleaning, storage, sweep
from challenge.submissions.models import Attachment
from tests.submissions.metadata_files import SECRETS, pdf

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-2"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A moto S3 server of this test session's own, on a free port of 127.0.0.1."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the moto server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def bucket(app, s3_server, monkeypatch, tmp_path):
    """The app's uploads in a fresh bucket (under the prefix 'uploads'); a boto3 client to look inside."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name = f"cx-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{name}/uploads")
    monkeypatch.setitem(app.config, "STORAGE_ENDPOINT_URL", s3_server)
    monkeypatch.setitem(app.config, "STORAGE_PRESIGNED_SECONDS", 0)

    class Bucket:
        def keys(self) -> list[str]:
            return sorted(o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", ()))

        def read(self, stored_name: str) -> bytes:
            return client.get_object(Bucket=name, Key=f"uploads/{stored_name}")["Body"].read()

        def write(self, stored_name: str, data: bytes) -> None:
            client.put_object(Bucket=name, Key=f"uploads/{stored_name}", Body=data)

        def delete(self, stored_name: str) -> None:
            client.delete_object(Bucket=name, Key=f"uploads/{stored_name}")

    return Bucket()


def _upload(client, sub, content: bytes, name: str):
    return client.post(f"/submissions/{sub.reference}/attachments", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


@pytest.fixture()
def entry(make_user, make_org, make_challenge, make_submission):
    seeker = make_user("Sita Seeker")
    council = make_org(seeker, name="Riverside Council")
    creator, other = make_user("Cleo Creator"), make_user("Otto Other")
    challenge = make_challenge(council, "open")
    return make_submission(challenge, creator, "draft"), creator, other, seeker


def test_an_attachment_is_uploaded_downloaded_and_deleted_in_the_bucket(client, login, entry, bucket, app):
    sub, creator, other, _ = entry
    login(creator)
    content = pdf()
    assert _upload(client, sub, content, "Plan for Zebedee.pdf").status_code == 302
    attachment = db.session.scalars(db.select(Attachment)).one()
    name = attachment.stored_name
    # The original and its metadata-free copy sit side by side in the bucket; nothing is left on disk.
    assert bucket.keys() == [f"uploads/{name}", f"uploads/{name}-clean"]
    assert bucket.read(name) == content and attachment.cleaned is True
    assert not any(secret.encode() in bucket.read(name + "-clean") for secret in SECRETS)
    assert not os.path.exists(app.config["UPLOAD_FOLDER"]) or os.listdir(app.config["UPLOAD_FOLDER"]) == []
    url = f"/submissions/{sub.reference}/attachments/{attachment.id}"
    response = client.get(url)
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="Plan_for_Zebedee.pdf"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    login(other)  # another creator: the file does not exist for them, bucket or not
    assert client.get(url).status_code == 404
    login(creator)
    removed = client.post(f"{url}/delete", follow_redirects=True)
    assert "is removed" in removed.get_data(as_text=True)
    assert bucket.keys() == []
    assert client.get(url).status_code == 404


def test_a_presigned_url_forces_an_attachment_and_only_after_the_permission_check(client, login, entry, bucket,
                                                                                   app):
    sub, creator, other, _ = entry
    login(creator)
    content = pdf()
    _upload(client, sub, content, "plan.pdf")
    attachment = db.session.scalars(db.select(Attachment)).one()
    app.config["STORAGE_PRESIGNED_SECONDS"] = 60
    url = f"/submissions/{sub.reference}/attachments/{attachment.id}"
    login(other)
    assert client.get(url).status_code == 404  # no URL handed out to someone who may not see the file
    login(creator)
    response = client.get(url)
    assert response.status_code == 303 and "X-Amz-Expires=60" in response.location
    assert response.headers["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(response.location, timeout=5) as answer:
        assert answer.read() == content
        assert answer.headers["Content-Disposition"].startswith('attachment; filename="plan.pdf"')
        assert answer.headers["Content-Type"] == "application/pdf"


def test_a_persons_export_carries_their_files_from_the_bucket(client, login, entry, bucket):
    sub, creator, _, _ = entry
    login(creator)
    content = pdf()
    _upload(client, sub, content, "plan.pdf")
    attachment = db.session.scalars(db.select(Attachment)).one()
    with zipfile.ZipFile(io.BytesIO(export.as_zip(creator))) as z:
        assert z.read(f"files/attachments-{attachment.id}-plan.pdf") == content


def test_a_judge_copy_is_made_in_the_bucket_for_an_older_upload_without_one(app, bucket):
    stored = storage.store(io.BytesIO(pdf()), "plan.pdf", 1024 * 1024)
    bucket.delete(stored.stored_name + "-clean")  # an upload from before copies were made
    item = Attachment(original_name="plan.pdf", stored_name=stored.stored_name, cleaned=None)
    assert cleaning.for_judges(item) == stored.stored_name + "-clean"
    copy = bucket.read(stored.stored_name + "-clean")
    assert copy.startswith(b"%PDF") and not any(secret.encode() in copy for secret in SECRETS)


def test_a_challenge_document_is_served_from_its_cleaned_copy_in_the_bucket(client, login, make_user, make_org,
                                                                           make_challenge, bucket):
    seeker = make_user("Priya Seeker")
    draft = make_challenge(make_org(seeker, name="Camden Council"), "draft")
    login(seeker)
    response = client.post(f"/challenges/{draft.slug}/documents", data={
        "kind": "brief", "title": "", "file": (io.BytesIO(pdf()), "Brief.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    document = db.session.scalars(db.select(ChallengeDocument)).one()
    url = f"/challenges/{draft.slug}/documents/{document.id}"
    got = client.get(url)
    assert got.status_code == 200 and got.data == bucket.read(document.stored_name + "-clean")
    login(None)
    assert client.get(url).status_code == 404  # a draft's documents are its people's only
    login(seeker)
    assert client.post(f"{url}/delete").status_code == 302
    assert bucket.keys() == []


def test_the_sweep_removes_an_orphan_object_from_the_bucket(app, bucket):
    stored = storage.store(io.BytesIO(pdf()), "plan.pdf", 1024 * 1024)  # never given a row
    later = clock.now() + timedelta(hours=2)
    assert [o.name for o in sweep.sweep(later, timedelta(minutes=60), dry_run=True)] == [
        stored.stored_name, stored.stored_name + "-clean"]
    sweep.sweep(later, timedelta(minutes=60))
    assert bucket.keys() == []


def test_migrate_copies_the_local_folder_verifies_checksums_and_runs_twice(app, bucket):
    url = app.config["STORAGE_URL"]
    app.config["STORAGE_URL"] = ""
    local = [storage.store(io.BytesIO(pdf()), "plan.pdf", 1024 * 1024).stored_name,
             storage.store(io.BytesIO(b"area,count\nCamden,3\n"), "a.csv", 1024, storage.TEXT_TYPES).stored_name]
    (filestore.current().folder / "0123.part").write_bytes(b"half")  # not a stored file: never copied
    app.config["STORAGE_URL"] = url
    runner = app.test_cli_runner()
    first = runner.invoke(args=["storage", "migrate"])
    assert first.exit_code == 0, first.output
    assert "3 files copied and verified, 0 already there (verified), 0 mismatched." in first.output
    assert bucket.keys() == sorted(f"uploads/{n}" for n in (local[0], local[0] + "-clean", local[1]))
    assert bucket.read(local[1]) == b"area,count\nCamden,3\n"
    again = runner.invoke(args=["storage", "migrate"])
    assert again.exit_code == 0 and "0 files copied and verified, 3 already there" in again.output
    bucket.write(local[1], b"something else")
    tampered = runner.invoke(args=["storage", "migrate"])
    assert tampered.exit_code == 1 and f"MISMATCH {local[1]}" in tampered.output
    assert "2 already there (verified), 1 mismatched." in tampered.output
    assert bucket.read(local[1]) == b"something else"  # never overwritten: a person decides


def test_migrate_refuses_without_a_bucket(app):
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 1 and "Set STORAGE_URL=s3://bucket/prefix" in result.output

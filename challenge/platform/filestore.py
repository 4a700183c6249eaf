"""Where stored files live: a local folder (the default) or an S3-compatible bucket.

Every read, write and delete of an uploaded file goes through the one small interface below; the backend is
chosen by configuration from a registry (scheme -> class). `STORAGE_URL` unset or empty: the local folder
`UPLOAD_FOLDER`, as `make run` has always used. `STORAGE_URL=s3://bucket/prefix`: an S3 bucket through
boto3 (AWS S3, MinIO, Ceph…), with the usual AWS_* variables and `STORAGE_ENDPOINT_URL` for a server
that is not AWS. Names are the storage's own (32 hex digits, or a copy derived from one beside it, such as
"<name>-clean"); the client's file name is never one.

A file is written in two steps: to a scratch path first (`scratch`), where the uploads code checks it
and makes its cleaned copy by reading from disk in chunks, then `keep` puts it in place. The local folder's
scratch path is the file's final place, so nothing moves; the bucket's is a temporary file that is
streamed up with `upload_fileobj` (in parts, never the whole file in memory) and removed.

Downloads are answered by `send`, only ever after the caller's permission check: the local folder sends
the file; the bucket streams the object through the app or, with STORAGE_PRESIGNED_SECONDS > 0, redirects
to a presigned URL that lives that long and whose response forces `Content-Disposition: attachment`.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from flask import Response, current_app, redirect, send_file

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    modified_at: datetime


def disposition(download_name: str) -> str:
    """`attachment` with the name as plain ASCII and, for any other character, RFC 6266's filename*."""
    plain = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in download_name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(download_name, safe='')}"


class LocalFolder:
    """Files in a folder on this machine: one app node only."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"the folder {self.folder}"

    def _path(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

    def scratch(self, name: str) -> Path:
        return self._path(name)

    def keep(self, name: str, path: Path) -> None:
        if path != self._path(name):
            os.replace(path, self._path(name))

    def put(self, name: str, stream: BinaryIO) -> None:
        """Write a file from a stream, whole or not at all (written aside, then renamed)."""
        aside = self._path(f"{name}.{secrets.token_hex(4)}.part")
        try:
            with aside.open("xb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            os.replace(aside, self._path(name))
        finally:
            aside.unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def open(self, name: str) -> BinaryIO:
        return self._path(name).open("rb")

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def entries(self) -> Iterator[Entry]:
        for path in self._path("x").parent.iterdir():
            if path.is_file():
                stat = path.stat()
                yield Entry(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, timezone.utc))

    @contextlib.contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        yield self._path(name)

    def send(self, name: str, mimetype: str, download_name: str) -> Response:
        return send_file(self._path(name), mimetype=mimetype, as_attachment=True, download_name=download_name,
                         max_age=0)


class Bucket:
    """Objects under a prefix of an S3-compatible bucket, shared by every app node."""

    def __init__(self, url: str, config):
        import boto3  # here: a local-folder install never loads it
        from botocore.config import Config as BotoConfig

        parts = urlsplit(url)
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        self.presigned_seconds = int(config.get("STORAGE_PRESIGNED_SECONDS") or 0)
        self.client = boto3.client(
            "s3", endpoint_url=config.get("STORAGE_ENDPOINT_URL") or None,
            region_name=config.get("STORAGE_REGION") or None,
            config=BotoConfig(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"}))

    def describe(self) -> str:
        return f"the bucket s3://{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def scratch(self, name: str) -> Path:
        folder = Path(tempfile.gettempdir()) / "cx-uploads"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder / f"{name}.{secrets.token_hex(4)}"  # two requests may make the same copy at once

    def keep(self, name: str, path: Path) -> None:
        with path.open("rb") as f:
            self.put(name, f)
        path.unlink(missing_ok=True)

    def put(self, name: str, stream: BinaryIO) -> None:
        """Upload from a stream in parts (boto3's managed transfer): never the whole file in memory."""
        self.client.upload_fileobj(stream, self.bucket, self.key(name))

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def open(self, name: str) -> BinaryIO:
        return self._get(name)["Body"]

    def _get(self, name: str) -> dict:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(name) from error
            raise

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(name))

    def entries(self) -> Iterator[Entry]:
        start = len(self.key(""))
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.key("")):
            for item in page.get("Contents", ()):
                name = item["Key"][start:]
                if "/" not in name:
                    yield Entry(name, item["Size"], item["LastModified"])

    @contextlib.contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        """The object in a temporary file (for a reader that needs a seekable file, such as pikepdf)."""
        with tempfile.TemporaryDirectory(prefix="cx-") as folder:
            path = Path(folder) / name
            with contextlib.closing(self.open(name)) as src, path.open("wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
            yield path

    def send(self, name: str, mimetype: str, download_name: str) -> Response:
        if self.presigned_seconds > 0:
            url = self.client.generate_presigned_url("get_object", ExpiresIn=self.presigned_seconds, Params={
                "Bucket": self.bucket, "Key": self.key(name), "ResponseContentType": mimetype,
                "ResponseContentDisposition": disposition(download_name)})
            return redirect(url, 303)
        got = self._get(name)
        headers = {"Content-Disposition": disposition(download_name), "Content-Length": str(got["ContentLength"])}
        response = Response(got["Body"].iter_chunks(CHUNK), mimetype=mimetype, headers=headers,
                            direct_passthrough=True)
        response.call_on_close(got["Body"].close)  # a download cut short frees its connection at once
        return response


BACKENDS = {"": LocalFolder, "s3": Bucket}


@dataclass
class CopyReport:
    copied: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)


def sha256_of(backend, name: str) -> str:
    digest = hashlib.sha256()
    with contextlib.closing(backend.open(name)) as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_all(source, target, wanted: Callable[[str], bool]) -> CopyReport:
    """Copy every wanted file of `source` that `target` lacks, then read it back and compare sha256. A file
    already in `target` is checked the same way and never overwritten: one whose checksum differs is reported
    as mismatched, for a person to look at. Safe to run again: what was copied is then already there."""
    report = CopyReport()
    for entry in sorted(source.entries(), key=lambda e: e.name):
        if not wanted(entry.name):
            continue
        expected = sha256_of(source, entry.name)
        there = target.exists(entry.name)
        if not there:
            with contextlib.closing(source.open(entry.name)) as f:
                target.put(entry.name, f)
        same = sha256_of(target, entry.name) == expected
        (report.mismatched if not same else report.already_there if there else report.copied).append(entry.name)
    return report


def current():
    """The configured backend (a bucket's client is made once per app and URL, then reused)."""
    config = current_app.config
    url = (config.get("STORAGE_URL") or "").strip()
    scheme = urlsplit(url).scheme
    if scheme not in BACKENDS:
        raise RuntimeError(f"STORAGE_URL must be empty (the local folder) or s3://bucket/prefix, not {url!r}")
    if not scheme:
        return LocalFolder(config["UPLOAD_FOLDER"])
    made = current_app.extensions.setdefault("cx_filestore", {})
    key = (url, config.get("STORAGE_ENDPOINT_URL"), config.get("STORAGE_PRESIGNED_SECONDS"))
    if key not in made:
        made[key] = BACKENDS[scheme](url, config)
    return made[key]

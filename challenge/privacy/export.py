"""Subject access (UK GDPR Article 15): everything held about a person, as a ZIP of one JSON file per table
plus the files they uploaded.

Which rows are theirs is read from the schema: a row is about them when a column pointing at a person's
table (their account, panel seat, entry or payee account) is theirs, or an email column holds their
address. In those rows every other person is "another person": their ids, their addresses (in any text),
and no secret (hashes, tokens, sealed bank details or second-factor secrets) leaves. Judges' comments on
their entries come only after the challenge's final decision, without the judge.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, func, or_

from challenge.extensions import db
from challenge.errors import NotAllowed
from challenge.permissions import can
from challenge.platform import audit
from challenge.privacy import scope
from challenge.submissions import storage

# Rows that hang off an entry but are the judges' own working, not about the entrant.
JUDGES_OWN = frozenset({"conflicts", "comparisons", "votes"})
# Rows that hang off an entry and are the entrant's to see only once the challenge is decided.
AFTER_DECISION = frozenset({"assignments"})
FILE_TABLES = ("attachments", "entry_answers", "challenge_documents")
# Words in the person's rows that are someone else's personal data: a service user's story the person recorded.
OTHERS_WORDS = {"diagnosis_stories": ("body", "consent_by")}


def _conditions(table: Table, who: scope.Person) -> list:
    conditions = []
    for column in table.columns:
        target = scope.points_at(column)
        if target in who.owned and who.owned[target] and not (target == "submissions" and table.name in JUDGES_OWN):
            conditions.append(column.in_(who.owned[target]))
        elif column.name in scope.EMAIL_COLUMNS:
            conditions.append(func.lower(column) == who.email)
    if table.name in who.owned and who.owned[table.name]:
        conditions.append(table.c.id.in_(who.owned[table.name]))
    return conditions


def _plain(value, email: str):
    """A value JSON can hold, with any address that is not the person's own taken out of text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return scope.EMAIL_IN_TEXT.sub(
            lambda m: m.group(0) if m.group(0).lower() == email else "(another person's address)", value)
    if isinstance(value, dict):
        return {k: _plain(v, email) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, email) for v in value]
    return value


def _row(table: Table, row, who: scope.Person) -> dict:
    out = {}
    for column in table.columns:
        if scope.is_secret(column):
            continue
        value, target = row._mapping[column.name], scope.points_at(column)
        if target in ("users", "panel_members") and value is not None and not who.owns(target, value):
            value = scope.ANOTHER
        elif column.name in scope.EMAIL_COLUMNS and value and value.lower() != who.email:
            value = scope.ANOTHER
        elif column.name in OTHERS_WORDS.get(table.name, ()):
            value = scope.ANOTHER
        out[column.name] = _plain(value, who.email)
    return out


def _visible(table: Table, row, who: scope.Person, decided: set[int], challenge_of: dict[int, int]) -> bool:
    """Not a row whose consent was withdrawn; a judge's assignment on the person's entry only after the
    decision (their own seat's always)."""
    if "withdrawn_at" in table.c and row._mapping["withdrawn_at"] is not None:
        return False
    if table.name not in AFTER_DECISION or who.owns("panel_members", row._mapping["panel_member_id"]):
        return True
    return challenge_of.get(row._mapping["submission_id"]) in decided


def gather(user) -> dict[str, list[dict]]:
    """The person's rows, table by table (only tables with something of theirs)."""
    who = scope.person(user)
    decided = scope.decided_challenges()
    subs = db.metadata.tables["submissions"]
    challenge_of = dict(db.session.execute(db.select(subs.c.id, subs.c.challenge_id)
                                           .where(subs.c.id.in_(who.owned["submissions"]))).all())
    found = {}
    for table in scope.tables():
        conditions = _conditions(table, who)
        if not conditions:
            continue
        rows = db.session.execute(db.select(table).where(or_(*conditions))).all()
        kept = [_row(table, r, who) for r in rows if _visible(table, r, who, decided, challenge_of)]
        if kept:
            found[table.name] = kept
    return found


def _files(found: dict[str, list[dict]]) -> list[tuple[str, object]]:
    files = []
    for table in FILE_TABLES:
        for row in found.get(table, ()):
            name = row.get("stored_name") or ""
            if storage.exists(name):
                files.append((f"files/{table}-{row['id']}-{storage.display_name(row['original_name'] or '')}", name))
    return files


def as_zip(user) -> bytes:
    """The ZIP: README.txt, one JSON per table, and the person's files under files/."""
    found = gather(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", README.format(name=user.name, tables=len(found)))
        for name, rows in found.items():
            z.writestr(f"{name}.json", json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        for arcname, name in _files(found):  # copied in chunks, from the folder or the bucket
            with contextlib.closing(storage.open(name)) as src, z.open(arcname, "w") as out:
                shutil.copyfileobj(src, out, storage.CHUNK)
    return buffer.getvalue()


README = """Everything Challenge Exchange holds about {name}, in {tables} tables (one JSON file each).

Other people appear as "another person"; their addresses are removed. Passwords, sign-in tokens, bank
details and second-factor secrets are never exported. Judges' comments on your entries appear once the
challenge has been decided, without the judge's name. The files you uploaded are in files/.
"""


def export_for(person, actor, now) -> bytes:
    """The subject access export of `person`, asked by themselves or by a broker for a person who wrote in;
    recorded in the audit log either way. Refuses anyone else."""
    if not can(actor, "privacy.export", person, now):
        raise NotAllowed("Only the person themselves or a broker can download a person's data.")
    data = as_zip(person)
    audit.record(actor, "data.export", person, now, data={"kind": "subject_access", "bytes": len(data)})
    return data


def filename(person, now) -> str:
    return f"challenge-exchange-data-{person.id}-{now:%Y%m%d}.zip"

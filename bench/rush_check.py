"""What the deadline rush must prove, checked against the database and the files on disk."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from bench.dataset import table
from bench.rush_client import Outcome, Step


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _stored(engine: Engine, closes_at: datetime) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    subs, atts, users = table("submissions"), table("attachments"), table("users")
    with engine.connect() as conn:
        rows = conn.execute(select(subs.c.id, subs.c.reference, subs.c.state, subs.c.submitted_at, users.c.email)
                            .join(users, users.c.id == subs.c.owner_id)).mappings().all()
        files = conn.execute(select(atts.c.submission_id, atts.c.stored_name, atts.c.sha256)).mappings().all()
    by_ref = {r["reference"]: dict(r) for r in rows}
    by_sub: dict[int, list[dict]] = {}
    for f in files:
        by_sub.setdefault(f["submission_id"], []).append(dict(f))
    return by_ref, {ref: by_sub.get(r["id"], []) for ref, r in by_ref.items()}


def check(engine: Engine, outcomes: list[Outcome], closes_at: datetime, uploads: Path, stuck: int,
          sha_of: Callable[[str], str | None] | None = None, retry_page: Callable[[Step], bool] | None = None,
          ) -> tuple[list[str], dict]:
    """Every rule of the rush; returns the violations (empty when all held) and counts for the summary.

    `sha_of(stored_name)` reads a stored file's sha256 (from disk by default; the cluster reads its bucket);
    `retry_page(step)` says whether a 5xx answer was the clear "please try again" page that a fault run
    allows (a node killed, the database restarted); without it every 5xx is a violation."""
    sha_of = sha_of or (lambda name: _sha256(uploads / name))
    close = closes_at.timestamp()
    rows, files = _stored(engine, closes_at)
    violations = [f"{stuck} creators were still waiting when the time ran out"] if stuck else []
    for o in outcomes:
        who = f"creator {o.creator}" + (f" ({o.reference})" if o.reference else "")
        for step in o.steps:
            if step.status >= 500 and not (retry_page and retry_page(step)):
                violations.append(f"{who}: {step.name} got HTTP {step.status}")
        last = o.last()
        if o.gave_up:
            continue  # capacity, reported apart: it got no answer, so no answer can be wrong
        if o.submitted:
            row = rows.get(o.reference)
            if last and last.name == "receipt" and len(o.steps) > 1:
                last = o.steps[-2]
            if last and last.sent >= close:
                violations.append(f"{who}: accepted although sent {last.sent - close:.2f} s after the close")
            if row is None or row["state"] != "submitted":
                violations.append(f"{who}: success answer but the row is {row and row['state']}")
                continue
            if row["submitted_at"] is None or row["submitted_at"] >= closes_at:
                violations.append(f"{who}: submitted_at {row['submitted_at']} is not before the close")
            stored = files.get(o.reference, [])
            if not any(f["sha256"] == o.sha256 and sha_of(f["stored_name"]) == o.sha256 for f in stored):
                violations.append(f"{who}: its attachment is missing on disk or its sha256 differs")
        else:
            if not o.refusal_clear and o.steps:
                violations.append(f"{who}: refused without a 4xx or a message ({o.refused or 'nothing said'})")
            if last and last.answered < close and last.status < 500:
                violations.append(f"{who}: refused while the challenge was still open ({o.refused})")
            mine = [r for r in rows.values() if r["email"] == f"creator{o.creator}@bench.example.org"
                    and r["state"] == "submitted"]
            if mine:
                violations.append(f"{who}: refused, yet a submitted row exists ({mine[0]['reference']})")
    answered = {o.reference for o in outcomes if o.submitted}
    gave_up = {o.reference for o in outcomes if o.gave_up}
    extra = [ref for ref, r in rows.items() if r["state"] == "submitted" and ref not in answered | gave_up]
    if extra:
        violations.append(f"{len(extra)} submitted rows whose creator got no success answer: {extra[:5]}")
    statuses = Counter(s.status for o in outcomes for s in o.steps)
    pressed = [(o, s) for o in outcomes for s in o.steps if s.name == "submit"]
    late = [o for o, s in pressed if s.sent >= close]
    raced = [o for o, s in pressed if s.sent < close <= s.answered and not o.submitted]
    pressed_ids = {id(o) for o, _ in pressed}
    early = [o for o in outcomes if id(o) not in pressed_ids and not o.gave_up and o.steps]
    facts = {"statuses": statuses, "submitted_rows": sum(r["state"] == "submitted" for r in rows.values()),
             "gave_up": len([o for o in outcomes if o.gave_up]),
             "gave_up_submitted": sum(rows.get(ref, {}).get("state") == "submitted" for ref in gave_up if ref),
             "drafts": sum(r["state"] == "draft" for r in rows.values()),
             "late": len(late), "late_refused": sum(not o.submitted for o in late), "raced": len(raced),
             "never_pressed": len(early)}
    return violations, facts


def summary(outcomes: list[Outcome], violations: list[str], facts: dict, args, seconds: float) -> str:
    ok = [o for o in outcomes if o.submitted]
    refused = [o for o in outcomes if not o.submitted and not o.gave_up]
    reasons = Counter(o.refused.split(":")[0] + (" (says closed)" if "closed" in o.refused else "")
                      for o in refused)
    steps = [s for o in outcomes for s in o.steps]
    slowest = max((s.answered - s.sent for s in steps), default=0.0)
    lines = [
        f"Creators: {len(outcomes)} (about {args.late:.0%} pressing submit after the close), "
        f"{args.db}; all signed in first ({facts['signing']:.0f} s), then the close {args.close_in} s later; "
        f"whole run {seconds:.0f} s",
        f"Requests: {len(steps)}; statuses: " + ", ".join(f"{k or 'no answer'}: {v}"
                                                        for k, v in sorted(facts['statuses'].items())),
        f"Slowest answer: {slowest:.2f} s",
        f"Success answers: {len(ok)}; submitted rows in the database: {facts['submitted_rows']}; "
        f"drafts left: {facts['drafts']}",
        f"Pressed submit after the close: {facts['late']}, refused: {facts['late_refused']}; "
        f"pressed it before the close but reached the server after it (refused, by the server's clock): "
        f"{facts['raced']}; refused before they could press it (draft or upload reached the server after "
        f"the close): {facts['never_pressed']}",
        "Refused: " + (", ".join(f"{v} × {k}" for k, v in reasons.most_common()) or "none"),
        f"Gave up waiting (no answer within 60 s: capacity, not correctness): {facts['gave_up']} creators, "
        f"of whom {facts['gave_up_submitted']} were in fact submitted",
        f"Violations: {len(violations)}",
    ]
    lines += [f"  - {v}" for v in violations[:30]]
    lines.append("RESULT: " + ("all rules held" if not violations else "FAILED"))
    return "\n".join(lines)

"""Build a fully scored judging round quickly, for the benchmark and the query-count tests.

`build_panel(n_entries, n_judges, n_criteria)` creates a seeker organisation, a challenge in judging, a
rubric, one round, a panel (the first judge chairs), entries, "no conflict" declarations, assignments
and submitted scores, all with bulk inserts. It flushes and never commits; the caller decides. Unlike the
demo world it writes rows rather than calling the services: the benchmark needs 500 x 8 x 5 scores in
seconds, and the tests that use it measure the reading side (the panel view and its queries).

For the benchmark: `build_panel(500, 8, 5, now, password_hash=hash_password(pw))`, commit, sign in as
`panel.chair_id`, then GET `/judging/<panel.slug>/panel?round=1`. The first request computes the results
(about half a second here); later ones are served from the results cache until a score changes.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from challenge.accounts.models import Membership, Organisation, User
from challenge.challenges.models import Challenge, Prize
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.judging.assignment import STRATEGIES, references_of
from challenge.judging.models import (Assignment, AssignmentState, Conflict, Criterion, PanelMember, PanelRole, Round,
                                     RoundState, Score)
from challenge.judging.presets import generic_levels
from challenge.submissions import counts
from challenge.submissions.models import Submission, SubmissionState


@dataclass
class Panel:
    challenge_id: int
    slug: str
    round_id: int
    chair_id: int  # a User id
    seeker_id: int
    judge_ids: list[int]  # User ids, chair first
    submission_ids: list[int]


def _ids(model, column, values) -> dict:
    return dict(db.session.execute(db.select(column, model.id).where(column.in_(values))).all())


def build_panel(n_entries: int, n_judges: int, n_criteria: int, now: datetime, *, strategy: str = "all",
                k: int | None = None, round_state: str = RoundState.OPEN, password_hash: str = "!", seed: int = 1,
                scored: bool = True) -> Panel:
    """A challenge in judging with one round of `n_entries` x `n_judges` x `n_criteria`, fully scored."""
    rng = random.Random(seed)
    tag = secrets.token_hex(4)
    seeker, judges, creators = _people(n_judges, n_entries, tag, password_hash, now)
    challenge = _challenge(seeker, tag, now)
    criteria = [Criterion(challenge_id=challenge.id, position=i + 1, name=f"Criterion {i + 1}", weight=10 + 5 * i,
                          scale_min=0, scale_max=4, levels=generic_levels(0, 4)) for i in range(n_criteria)]
    round_ = Round(challenge_id=challenge.id, position=1, name="Assessment", state=round_state, strategy=strategy,
                   k=k, seed=seed, opened_at=now)
    db.session.add_all([*criteria, round_])
    members, entries = _panel_and_entries(challenge, judges, creators, now)
    pairs = STRATEGIES[strategy](entries, members, set(), k, seed)
    _assign(round_, pairs, scored, now)
    if scored:
        _score(round_, criteria, entries, members, rng)
    db.session.flush()
    return Panel(challenge.id, challenge.slug, round_.id, judges[0], seeker, judges, entries)


def _people(n_judges: int, n_entries: int, tag: str, password_hash: str,
            now: datetime) -> tuple[int, list[int], list[int]]:
    """One seeker, the judges and one creator per entry, in one insert; their User ids."""
    users = [{"email": f"{role}{i}-{tag}@bench.example.org", "name": f"{role.title()} {i}", "password_hash": password_hash,
              "is_broker": False, "is_active_account": True, "bio": "", "session_token": secrets.token_hex(16),
              "created_at": now} for role, count in (("seeker", 1), ("judge", n_judges), ("creator", n_entries))
             for i in range(count)]
    db.session.execute(db.insert(User), users)
    user_ids = _ids(User, User.email, [u["email"] for u in users])
    judges = [user_ids[u["email"]] for u in users[1:1 + n_judges]]
    creators = [user_ids[u["email"]] for u in users[1 + n_judges:]]
    return user_ids[users[0]["email"]], judges, creators


def _challenge(seeker: int, tag: str, now: datetime) -> Challenge:
    """The seeker's organisation and its challenge, closed five days ago and in judging."""
    org = Organisation(name=f"Bench Council {tag}", slug=f"bench-{tag}", kind="local_authority", created_at=now)
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=seeker, organisation_id=org.id, role="owner", created_at=now))
    challenge = Challenge(organisation_id=org.id, created_by_id=seeker, title=f"Bench challenge {tag}",
                          slug=f"bench-{tag}", summary="A benchmark.", state=ChallengeState.JUDGING,
                          opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=5),
                          published_at=now - timedelta(days=41), created_at=now, updated_at=now)
    challenge.prizes.append(Prize(name="First prize", amount=1_000_000, winners=1, position=1))
    db.session.add(challenge)
    db.session.flush()
    return challenge


def _panel_and_entries(challenge: Challenge, judges: list[int], creators: list[int],
                       now: datetime) -> tuple[list[int], list[int]]:
    """The panel (the first judge chairs, every fourth is a service user) and one submitted entry per
    creator; their PanelMember and Submission ids."""
    db.session.execute(db.insert(PanelMember), [
        {"challenge_id": challenge.id, "user_id": u, "role": PanelRole.CHAIR if i == 0 else PanelRole.JUDGE,
         "service_user": i % 4 == 3, "joined_at": now} for i, u in enumerate(judges)])
    db.session.execute(db.insert(Submission), [
        {"challenge_id": challenge.id, "owner_id": u, "reference": f"CX-B{challenge.id}-{i:05d}",
         "title": f"Entry {i + 1}", "summary": "An idea.", "description": "How it works.", "eligibility_confirmed": True,
         "terms_accepted": True, "state": SubmissionState.SUBMITTED, "state_reason": "",
         "submitted_at": now - timedelta(days=6, minutes=i), "created_at": now, "updated_at": now}
        for i, u in enumerate(creators)])
    db.session.flush()
    counts.recount([challenge.id])  # the bulk insert passed the ORM that keeps the counts
    members = [m for (m,) in db.session.execute(db.select(PanelMember.id).where(
        PanelMember.challenge_id == challenge.id).order_by(PanelMember.id))]
    entries = [s for (s,) in db.session.execute(db.select(Submission.id).where(
        Submission.challenge_id == challenge.id).order_by(Submission.id))]
    return members, entries


def _assign(round_: Round, pairs, scored: bool, now: datetime) -> None:
    """"No conflict" declarations and an assignment for each (member, entry) pair, submitted if `scored`."""
    db.session.execute(db.insert(Conflict), [
        {"panel_member_id": j, "submission_id": e, "has_conflict": False, "reason": "", "declared_at": now}
        for j, e in pairs])
    state = AssignmentState.SUBMITTED if scored else AssignmentState.PENDING
    reference = references_of(round_.challenge_id)
    db.session.execute(db.insert(Assignment), [
        {"round_id": round_.id, "panel_member_id": j, "submission_id": e, "reference": reference[e], "state": state,
         "comment": "Clear and well argued." if scored else "", "updated_at": now, "submitted_at": now if scored else None}
        for j, e in pairs])


def _score(round_: Round, criteria: list[Criterion], entries: list[int], members: list[int],
           rng: random.Random) -> None:
    """Every assignment's scores: the entry's quality plus the judge's leniency plus noise, on 0-4."""
    rows = db.session.execute(db.select(Assignment.id, Assignment.panel_member_id, Assignment.submission_id)
                              .where(Assignment.round_id == round_.id)).all()
    quality = {e: rng.uniform(0.5, 3.5) for e in entries}
    leniency = {j: rng.uniform(-0.7, 0.7) for j in members}
    db.session.execute(db.insert(Score), [
        {"assignment_id": aid, "criterion_id": c.id,
         "value": max(0, min(4, round(quality[e] + leniency[j] + rng.gauss(0, 0.6))))}
        for aid, j, e in rows for c in criteria])

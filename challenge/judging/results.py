"""A round's results: the matrix of entries x judges and every number the panel view shows.

`load(round_)` reads the round in a fixed number of queries (five, whatever the number of entries) and
hands plain data to the pure arithmetic in `scoring.py`. Only submitted score sheets count, and never
those of a judge who declared a conflict with the entry.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from cachetools import LRUCache

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging import scoring
from challenge.judging.models import (
    Assignment, AssignmentState, Conflict, Criterion, PanelMember, PanelRole, Round, Score, new_version,
)
from challenge.platform.columns import read_columns
from challenge.submissions.models import Submission


@dataclass
class Judge:
    id: int
    name: str
    service_user: bool
    is_chair: bool
    assigned: int = 0
    submitted: int = 0
    calibration: scoring.Calibration | None = None


@dataclass
class Entry:
    id: int
    reference: str
    title: str
    submitted_at: datetime | None
    state: str
    cells: dict[int, tuple[str, float | None]] = field(default_factory=dict)  # judge -> (state, weighted)
    assigned: int = 0
    complete: int = 0
    required: int = 0
    raw_mean: float | None = None
    normalised: float | None = None
    z: float | None = None  # mean z-score over the judges who could be standardised, in sd units
    joint: float | None = None  # the joint model's estimate (entry quality + judge leniency), on the scale
    rank_joint: int | None = None
    group: int | None = None  # 1, 2, ... the connected group of the design (ranks are within it)
    interval: tuple[float, float] | None = None  # 90 % bootstrap interval of the normalised score
    too_close: bool = False  # its interval overlaps the next-ranked entry's: too close to call
    rank_raw: int | None = None
    rank: int | None = None
    disagreement: float = 0.0
    disputed: bool = False
    meets_threshold: bool | None = None
    streams: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    criterion_means: dict[int, float] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return self.complete >= self.required > 0


@dataclass
class Design:
    """Who scored what: the shape of the panel the statistics were computed on."""

    judges: int
    entries: int
    scores: int
    per_entry: tuple[int, int]  # fewest and most judges per scored entry
    groups: int
    complete: bool

    @property
    def words(self) -> str:
        if not self.scores:
            return "No scores yet."
        low, high = self.per_entry
        each = f"{low}" if low == high else f"{low} to {high}"
        shape = ("every judge scored every entry (complete design)" if self.complete
                 else f"each entry scored by {each} of the judges (incomplete design)")
        return f"{self.scores} scores by {self.judges} judges on {self.entries} entries: {shape}."


def design_of(weighted: dict[int, dict[int, float]], groups: int) -> Design:
    judges = [j for j in weighted if weighted[j]]
    counts: dict[int, int] = {}
    for j in judges:
        for e in weighted[j]:
            counts[e] = counts.get(e, 0) + 1
    scores = sum(counts.values())
    complete = bool(counts) and all(c == len(judges) for c in counts.values())
    return Design(len(judges), len(counts), scores, (min(counts.values(), default=0), max(counts.values(), default=0)),
                  groups, complete)


@dataclass
class Agreement:
    kind: str  # "kendall_w", "alpha" or "none"
    value: float | None
    words: str


@dataclass
class Results:
    round: Round
    criteria: list[Criterion]
    judges: list[Judge]
    entries: list[Entry]
    scale: tuple[int, int]
    agreement: Agreement
    streams: dict[str, Agreement]
    # entry -> criterion -> judge -> value, submitted sheets only (for feedback and exports)
    scores: dict[int, dict[int, dict[int, int]]] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)
    design: Design | None = None
    z_excluded: dict[str, str] = field(default_factory=dict)  # judge name -> why their z-scores are left out

    @property
    def has_service_users(self) -> bool:
        return any(j.service_user for j in self.judges) and any(not j.service_user for j in self.judges)

    @property
    def completion(self) -> tuple[int, int]:
        return sum(j.submitted for j in self.judges), sum(j.assigned for j in self.judges)


def agreement_of(weighted: dict[int, dict[int, float]], judges: list[int], entries: list[int]) -> Agreement:
    """Kendall's W when every judge scored every entry, Krippendorff's alpha (interval) otherwise."""
    judges = [j for j in judges if weighted.get(j)]
    if len(judges) < 2 or len(entries) < 2:
        return Agreement("none", None, "Agreement needs at least two judges and two scored entries.")
    on = design_of({j: weighted[j] for j in judges}, 1).words
    on = " Computed on " + on[0].lower() + on[1:] if on != "No scores yet." else ""
    complete = all(e in weighted[j] for j in judges for e in entries)
    if complete:
        w = scoring.kendalls_w([[weighted[j][e] for e in entries] for j in judges])
        if w is not None:
            return Agreement("kendall_w", w, (
                f"Kendall's W = {w:.2f}: how alike the judges ordered the entries (1 = the same order, "
                f"0 = no agreement). Used because every judge scored every entry.{on}"))
    alpha = scoring.krippendorff_alpha([[weighted[j].get(e) for e in entries] for j in judges], "interval")
    if alpha is None:
        return Agreement("none", None, "Not enough overlapping scores to measure agreement yet.")
    return Agreement("alpha", alpha, (
        f"Krippendorff's alpha = {alpha:.2f}: agreement between judges beyond chance, allowing for entries "
        f"not every judge scored (1 = perfect, 0 = no better than chance; 0.67 is a common minimum "
        f"for tentative conclusions, 0.8 for firm ones).{on}"))


def _fetch(round_: Round):
    criteria = list(db.session.scalars(db.select(Criterion).where(Criterion.challenge_id == round_.challenge_id)
                                       .order_by(Criterion.position, Criterion.id)))
    members = db.session.execute(
        db.select(PanelMember.id, User.name, PanelMember.service_user, PanelMember.role).join(User)
        .where(PanelMember.challenge_id == round_.challenge_id).order_by(User.name)).all()
    in_round = db.select(Assignment.submission_id).where(Assignment.round_id == round_.id)
    subs = db.session.execute(
        db.select(Submission.id, Submission.reference, Submission.title, Submission.submitted_at, Submission.state)
        .where(Submission.id.in_(in_round))).all()
    assignments = db.session.execute(
        db.select(Assignment.id, Assignment.panel_member_id, Assignment.submission_id, Assignment.state,
                  Assignment.comment).where(Assignment.round_id == round_.id).order_by(Assignment.id)).all()
    conflicts = set(db.session.execute(
        db.select(Conflict.panel_member_id, Conflict.submission_id).join(PanelMember)
        .where(PanelMember.challenge_id == round_.challenge_id, Conflict.has_conflict.is_(True))).all())
    # The scores (one row per criterion of every sheet: 20,000 for 500 × 8 × 5) are read last, around the ORM,
    # and handed over as rows to iterate: a list of them (a row object and a tuple each in both layers) was 5 MB
    # at the request's peak, a high-water mark each worker kept (issue 13).
    scores = read_columns(
        db.select(Score.assignment_id, Score.criterion_id, Score.value).join(Assignment)
        .where(Assignment.round_id == round_.id, Assignment.state == AssignmentState.SUBMITTED))
    return criteria, members, subs, assignments, scores, conflicts


# Computed results by round, with the results version they were computed at: the version changes with every
# score, declaration, reassignment, panel change or decision (touch()), so a cached answer is never stale, and
# an older version's answer, never asked for again, is replaced rather than kept beside the new one. Only plain
# data is kept; the round and its criteria are re-read by each request. A worker keeps rounds' results up to
# RESULTS_KEPT_BYTES by their estimated size (a 500 × 8 × 5 panel's hold ~2.8 MB, so four of those, or dozens of
# small rounds; a count of rounds would let eight large ones fill a worker: bench/memory.py, issue 13).
RESULTS_KEPT_BYTES = 12 * 1024 * 1024


def kept_bytes(kept: tuple[str, Results]) -> int:
    """About what a round's cached results hold (measured by tracemalloc on 500 × 8 × 5: ~600 bytes an entry,
    ~400 a cell of the panel table, ~50 a score), at most the whole budget: a round larger than it is kept
    alone rather than recomputed on every view."""
    results = kept[1]
    cells = sum(len(e.cells) for e in results.entries)
    scores = sum(len(by_judge) for by_criterion in results.scores.values() for by_judge in by_criterion.values())
    return min(RESULTS_KEPT_BYTES, 600 * len(results.entries) + 400 * cells + 50 * scores)


_CACHE: LRUCache[int, tuple[str, Results]] = LRUCache(maxsize=RESULTS_KEPT_BYTES, getsizeof=kept_bytes)
# Rounds judged otherwise than by score sheets, by strategy: their own loader of the same Results
# (judging/comparisons.py registers the pairwise round's ranking).
KINDS: dict[str, Callable[[Round], Results]] = {}


def touch(challenge_id: int) -> None:
    """Mark every round of a challenge as changed, so its results are computed afresh."""
    db.session.execute(db.update(Round).where(Round.challenge_id == challenge_id)
                       .values(results_version=new_version())
                       .execution_options(synchronize_session=False, page_cache_neutral=True))


def load(round_: Round) -> Results:
    """Everything the panel view, its CSV export, the decision and the feedback pages need for a round."""
    version = db.session.scalar(db.select(Round.results_version).where(Round.id == round_.id))
    kept = _CACHE.get(round_.id)
    if kept is None or kept[0] != version:
        cached = _load(round_)
        _CACHE[round_.id] = (version, cached)
        return cached
    cached = kept[1]
    criteria = list(db.session.scalars(db.select(Criterion).where(Criterion.challenge_id == round_.challenge_id)
                                       .order_by(Criterion.position, Criterion.id)))
    return replace(cached, round=round_, criteria=criteria)


def _load(round_: Round) -> Results:
    if round_.strategy in KINDS:
        return KINDS[round_.strategy](round_)
    criteria, members, subs, assignments, score_rows, conflicts = _fetch(round_)
    scale = (criteria[0].scale_min, criteria[0].scale_max) if criteria else (0, 4)
    weights = {c.id: c.weight for c in criteria}
    judges = {m.id: Judge(m.id, m.name, m.service_user, m.role == PanelRole.CHAIR) for m in members}
    entries = {sid: Entry(sid, ref, title, submitted_at, state) for sid, ref, title, submitted_at, state in subs}
    by_assignment: dict[int, dict[int, int]] = {}
    for aid, cid, value in score_rows:
        by_assignment.setdefault(aid, {})[cid] = value
    weighted: dict[int, dict[int, float]] = {}
    scores: dict[int, dict[int, dict[int, int]]] = {}
    comments: dict[int, list[str]] = {}
    weigh = scoring.weigher(weights) if criteria else None
    for aid, jid, eid, state, comment in assignments:
        entry, judge = entries[eid], judges[jid]
        entry.assigned += 1
        judge.assigned += 1
        value = None
        if state == AssignmentState.SUBMITTED and (jid, eid) not in conflicts and weigh is not None:
            sheet = by_assignment.get(aid, {})
            value = weigh({c: sheet.get(c) for c in weights})
            if value is not None:
                weighted.setdefault(jid, {})[eid] = value
                entry.complete += 1
                judge.submitted += 1
                for cid, v in sheet.items():
                    scores.setdefault(eid, {}).setdefault(cid, {})[jid] = v
                if comment:
                    comments.setdefault(eid, []).append(comment)
        entry.cells[jid] = (state, value)
    del by_assignment, score_rows  # read into the sheets: not held through the fits (the request's peak)
    groups = _compute(round_, list(entries.values()), judges, weighted, scale, scores)
    judge_ids = list(judges)
    streams = {}
    if any(j.service_user for j in judges.values()) and not all(j.service_user for j in judges.values()):
        for name, ids in (("expert", [j for j in judge_ids if not judges[j].service_user]),
                          ("service_user", [j for j in judge_ids if judges[j].service_user])):
            subset = {j: weighted[j] for j in ids if j in weighted}
            _stream_scores(entries.values(), subset, scale, name)
            streams[name] = agreement_of(subset, ids, list(entries))
    ordered = sorted(entries.values(), key=lambda e: (e.rank is None, e.rank or 0, e.group or 0, e.reference))
    _intervals(ordered, weighted, scale)
    excluded = {judges[j].name: why for j, why in scoring.z_excluded(weighted).items()}
    return Results(round_, criteria, sorted(judges.values(), key=lambda j: (not j.is_chair, j.name)), ordered, scale,
                   agreement_of(weighted, judge_ids, list(entries)), streams, scores, comments,
                   design_of(weighted, groups), excluded)


def _compute(round_: Round, entries: list[Entry], judges: dict[int, Judge], weighted, scale, scores) -> int:
    """Fill in every entry's numbers and ranks; returns the number of connected groups of the design."""
    low, high = scale
    raw_mean: dict[int, float | None] = {}
    for entry in entries:
        values = [v for _, v in entry.cells.values() if v is not None]
        raw_mean[entry.id] = sum(values) / len(values) if values else None
        entry.raw_mean = raw_mean[entry.id]
        # "k" rounds need k complete sheets; "all" rounds need every judge still assigned to the entry.
        entry.required = (round_.k or 2) if round_.strategy == "k" else max(1, entry.assigned)
        if values:
            entry.disagreement = scoring.disagreement(values, low, high)
            entry.disputed = scoring.is_disputed(values, low, high)
        if round_.threshold_percent is not None and entry.raw_mean is not None:
            entry.meets_threshold = scoring.meets_threshold(entry.raw_mean, high, round_.threshold_percent)
        elif round_.threshold_percent is not None:
            entry.meets_threshold = False
        for cid, by_judge in scores.get(entry.id, {}).items():
            entry.criterion_means[cid] = sum(by_judge.values()) / len(by_judge)
    normalised = scoring.normalise(weighted, low, high) if weighted else {}
    z = scoring.mean_z(weighted) if weighted else {}
    fit = scoring.joint_fit(weighted, stretch=False) if weighted else None
    submitted = {e.id: e.submitted_at for e in entries}
    complete = {e.id: e.is_complete for e in entries}
    # Entries in different connected groups of the design were never compared: rank within each group.
    by_group: dict[int, list[Entry]] = {}
    for entry in entries:
        entry.group = fit.entry_group[entry.id] + 1 if fit and entry.id in fit.entry_group else None
        by_group.setdefault(entry.group or 0, []).append(entry)
    if fit is not None and fit.groups > 1 and 0 in by_group:  # unscored entries join no group: rank them last
        unscored = by_group.pop(0)
        for members in by_group.values():
            members.extend(unscored)
    for members in by_group.values():
        ids = [e.id for e in members]
        ranks = scoring.rank_entries({i: normalised.get(i) for i in ids}, raw_mean, submitted, complete)
        joint_ranks = scoring.rank_entries({i: fit.quality.get(i) if fit else None for i in ids}, raw_mean,
                                           submitted, complete)
        raw_ranks = scoring.rank({i: raw_mean[i] for i in ids})
        for entry in members:
            entry.normalised, entry.z = normalised.get(entry.id), z.get(entry.id)
            joint = fit.quality.get(entry.id) if fit else None
            entry.joint = None if joint is None else round(joint, 12) + 0.0  # float noise: no "-0.00"
            entry.rank, entry.rank_joint, entry.rank_raw = ranks[entry.id], joint_ranks[entry.id], raw_ranks[entry.id]
    for jid, cal in scoring.calibration(weighted).items():
        judges[jid].calibration = cal
    return fit.groups if fit else 0


def _intervals(ordered: list[Entry], weighted, scale) -> None:
    """Each entry's bootstrap interval on the normalised scale, and "too close to call" between neighbours."""
    if not weighted:
        return
    low, high = scale
    mid, half = (low + high) / 2, (high - low) / 2
    intervals = scoring.bootstrap_intervals(weighted)
    for entry in ordered:
        if entry.id in intervals:
            a, b = intervals[entry.id]
            entry.interval = (mid + a / scoring.Z_SPAN * half, mid + b / scoring.Z_SPAN * half)
    by_group: dict[int | None, list[int]] = {}
    for entry in ordered:
        if entry.rank is not None and entry.normalised is not None:
            by_group.setdefault(entry.group, []).append(entry.id)
    close = set().union(*(scoring.too_close(ids, intervals) for ids in by_group.values()))
    for entry in ordered:
        entry.too_close = entry.id in close


def _stream_scores(entries, weighted, scale, name: str) -> None:
    normalised = scoring.normalise(weighted, *scale) if weighted else {}
    for entry in entries:
        values = [weighted[j][entry.id] for j in weighted if entry.id in weighted[j]]
        entry.streams[name] = (sum(values) / len(values) if values else None, normalised.get(entry.id))


# --- sorting and filtering for the panel view ------------------------------------------------------

SORTS = {
    "rank": lambda e: (e.rank is None, e.rank or 0),
    "joint": lambda e: (e.rank_joint is None, e.rank_joint or 0),
    "raw": lambda e: (e.raw_mean is None, -(e.raw_mean or 0)),
    "disagreement": lambda e: -e.disagreement,
    "completion": lambda e: (e.complete - e.required, e.reference),
    "reference": lambda e: e.reference,
}
FILTERS = {
    "all": lambda e: True,
    "disputed": lambda e: e.disputed,
    "incomplete": lambda e: not e.is_complete,
    "above_threshold": lambda e: e.meets_threshold is not False,
}


def view(results: Results, sort: str, show: str) -> list[Entry]:
    """The entries sorted and filtered as the panel view asks; unknown choices fall back to the defaults."""
    rows = [e for e in results.entries if FILTERS.get(show, FILTERS["all"])(e)]
    return sorted(rows, key=SORTS.get(sort, SORTS["rank"]))


@dataclass
class Page:
    """One page of the panel view's rows: a hundred entries a page keeps the page quick to load and read."""

    rows: list[Entry]
    number: int
    pages: int
    total: int
    size: int = 100

    @classmethod
    def of(cls, rows: list[Entry], asked: int, size: int = 100) -> Page:
        pages = max(1, -(-len(rows) // size))
        number = min(max(asked, 1), pages)
        return cls(rows[(number - 1) * size:number * size], number, pages, len(rows), size)

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

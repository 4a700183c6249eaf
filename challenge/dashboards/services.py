"""The numbers behind the dashboards, each in a constant number of grouped queries.

`scope` is None for the broker (everything) or a Scope of the organisations (and the person) a
seeker's dashboard is limited to.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_

from challenge.challenges import counts as challenge_counts
from challenge.challenges.models import Challenge
from challenge.challenges.states import PHASE_LABELS, ChallengeState, Phase
from challenge.extensions import db
from challenge.partnerships import outcomes
from challenge.partnerships.impact import calculate_sroi
from challenge.partnerships.models import ImpactRecord, Partnership
from challenge.partnerships.states import PIPELINE, STAGE_LABELS, WON_STAGES, Stage
from challenge.submissions import counts as submission_counts
from challenge.submissions.models import Submission, SubmissionCount, SubmissionState


@dataclass(frozen=True)
class Scope:
    organisation_ids: tuple[int, ...]
    user_id: int | None = None


def _challenge_filter(stmt, scope: Scope | None):
    return stmt if scope is None else stmt.where(Challenge.organisation_id.in_(scope.organisation_ids))


def _partnership_filter(stmt, scope: Scope | None):
    if scope is None:
        return stmt
    return stmt.where(or_(Partnership.counterpart_id.in_(scope.organisation_ids),
                          Partnership.creator_organisation_id.in_(scope.organisation_ids),
                          Partnership.creator_id == scope.user_id))


# Stored states, in lifecycle order; "published" covers upcoming, open and closed (the clock decides which).
STATE_LABELS = {
    ChallengeState.DRAFT: PHASE_LABELS[Phase.DRAFT], ChallengeState.IN_REVIEW: PHASE_LABELS[Phase.IN_REVIEW],
    ChallengeState.PUBLISHED: "Published (upcoming, open or closed)", ChallengeState.JUDGING: PHASE_LABELS[Phase.JUDGING],
    ChallengeState.DECIDED: PHASE_LABELS[Phase.DECIDED], ChallengeState.COMPLETED: PHASE_LABELS[Phase.COMPLETED],
    ChallengeState.CANCELLED: PHASE_LABELS[Phase.CANCELLED],
}


def challenges_by_state(scope: Scope | None) -> list[tuple[str, int]]:
    if scope is None:  # the whole platform: the counts kept with the challenges
        rows = challenge_counts.by_state()
        return [(STATE_LABELS[s], rows[s]) for s in STATE_LABELS if rows.get(s)]
    # count(*), not count(id): the state is in an index (ix_challenges_organisation_state) and the id is not, so
    # PostgreSQL can count from the index alone (an index-only scan, once vacuum has marked the pages visible)
    # instead of reading every challenge's wide row.
    rows = dict(db.session.execute(_challenge_filter(
        db.select(Challenge.state, func.count()).group_by(Challenge.state), scope)).all())
    return [(STATE_LABELS[s], rows[s]) for s in STATE_LABELS if rows.get(s)]


def submissions_per_challenge(scope: Scope | None, limit: int = 10) -> list[tuple[str, int]]:
    """The challenges with most submissions (drafts not counted), most first."""
    # Read from the counts kept with the submissions (submissions/counts.py), a few rows per challenge,
    # rather than counting every submission on each request. Only the challenges that can be in the top
    # `limit` (as many submissions as the limit-th, or more: ties are broken by title) have their title
    # looked up, one by one through the primary key, instead of joining every challenge's wide row.
    per_challenge = submission_counts.per_challenge(exclude=(SubmissionState.DRAFT,))
    if scope is not None:
        per_challenge = per_challenge.where(SubmissionCount.challenge_id.in_(
            _challenge_filter(db.select(Challenge.id), scope).scalar_subquery()))
    counts = per_challenge.cte("counts")
    cut = db.select(counts.c.n).order_by(counts.c.n.desc()).limit(1).offset(limit - 1).scalar_subquery()
    title = (db.select(Challenge.title).where(Challenge.id == counts.c.challenge_id)
             .scalar_subquery().label("title"))
    stmt = (db.select(title, counts.c.n).where(counts.c.n >= func.coalesce(cut, 0))
            .order_by(counts.c.n.desc(), title).limit(limit))
    return [(title, n) for title, n in db.session.execute(stmt).all()]


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    reached: int
    now_here: int
    conversion: Decimal | None  # to the next stage, in per cent; None for the last


@dataclass(frozen=True)
class _Group:
    """Partnerships alike in stage, stage lost from, kind and currency: how many, their value and commission."""
    stage: str
    lost_from: str | None
    kind: str
    currency: str
    n: int
    value: int
    commission: int


def _groups(scope: Scope | None) -> list[_Group]:
    """The partnerships in `scope` grouped for the funnel and the money totals: one statement for both."""
    p = Partnership
    rows = db.session.execute(_partnership_filter(
        db.select(p.stage, p.lost_from_stage, p.kind, p.currency, func.count(), func.sum(p.value),
                  func.sum(p.commission)).group_by(p.stage, p.lost_from_stage, p.kind, p.currency), scope)).all()
    # int(): PostgreSQL sums bigints as numeric.
    return [_Group(stage, lost_from, kind, currency, n, int(value or 0), int(commission or 0))
            for stage, lost_from, kind, currency, n, value, commission in rows]


def pipeline_figures(scope: Scope | None) -> tuple[list[FunnelStep], MoneyTotals]:
    """The funnel and the money totals, from one statement."""
    groups = _groups(scope)
    return _funnel(groups), _money(groups)


def _funnel(groups: list[_Group]) -> list[FunnelStep]:
    """How many partnerships reached each stage (closed ones count up to the stage they were lost
    from), and the conversion from each stage to the next."""
    furthest: dict[int, int] = defaultdict(int)
    here: dict[str, int] = defaultdict(int)
    for g in groups:
        top = Stage(g.lost_from) if g.stage == Stage.CLOSED_LOST and g.lost_from else Stage(g.stage)
        furthest[max(top.index, 0)] += g.n
        here[g.stage] += g.n
    reached = [sum(n for i, n in furthest.items() if i >= k) for k in range(len(PIPELINE))]
    steps = []
    for k, stage in enumerate(PIPELINE):
        conversion = None
        if k + 1 < len(PIPELINE) and reached[k]:
            conversion = (Decimal(reached[k + 1]) * 100 / reached[k]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        steps.append(FunnelStep(stage.value, STAGE_LABELS[stage], reached[k], here[stage.value], conversion))
    return steps


@dataclass
class MoneyTotals:
    currency: str = "GBP"
    brokered: int = 0  # value of contracted and scaled partnerships
    pipeline: int = 0  # value of open ones before contract
    commission: int = 0  # earned on contracted and scaled ones
    by_kind: dict[str, int] = field(default_factory=dict)
    closed_lost: int = 0


def _money(groups: list[_Group]) -> MoneyTotals:
    """Value brokered, pipeline value and commission earned (GBP partnerships)."""
    totals = MoneyTotals()
    for g in groups:
        if g.currency != totals.currency:
            continue
        if g.stage in WON_STAGES:
            totals.brokered += g.value
            totals.by_kind[g.kind] = totals.by_kind.get(g.kind, 0) + g.value
            totals.commission += g.commission
        elif g.stage == Stage.CLOSED_LOST:
            totals.closed_lost += g.n
        else:
            totals.pipeline += g.value
    return totals


@dataclass(frozen=True)
class SolutionReturn:
    solution: str
    partnerships: int
    present_value: int
    investment: int
    ratio: Decimal


def sroi_by_solution(scope: Scope | None) -> list[SolutionReturn]:
    """Each solution's SROI over its partnerships: total present value ÷ total investment."""
    stmt = _partnership_filter(
        db.select(Partnership, Submission.title).outerjoin(Submission, Partnership.origin_submission_id == Submission.id)
        .where(Partnership.investment > 0, Partnership.currency == "GBP"), scope)
    found = db.session.execute(stmt).all()
    if not found:
        return []
    records: dict[int, list[ImpactRecord]] = defaultdict(list)
    for r in db.session.scalars(db.select(ImpactRecord).where(
            ImpactRecord.partnership_id.in_([p.id for p, _ in found])).order_by(ImpactRecord.id)):
        records[r.partnership_id].append(r)
    grouped: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rate = outcomes.discount_rate()
    for p, title in found:
        if not records[p.id]:
            continue
        result = calculate_sroi([outcomes.to_input(r) for r in records[p.id]], p.investment, rate)
        entry = grouped[title or p.title]
        entry[0] += 1
        entry[1] += result.total_present_value_pence
        entry[2] += p.investment
    out = [SolutionReturn(name, n, pv, inv, (Decimal(pv) / inv).quantize(Decimal("0.01"), ROUND_HALF_UP))
           for name, (n, pv, inv) in grouped.items()]
    return sorted(out, key=lambda s: (-s.ratio, s.solution))

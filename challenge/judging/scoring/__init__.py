"""The arithmetic of a judging panel: pure functions (standard library; numpy for the joint model).

Views, exports and tests share one definition of every number a page shows.
Scores are floats (not money). Input that can only come from a bug (a score
off the scale, a NaN, a ragged matrix) raises ValueError; a statistic that is
merely undefined for the data returns None, so a page can say "not enough
data" instead of showing a made-up number.

One module per question, all pure (no Flask, no SQLAlchemy):
  normalise.py   a sheet's weighted score, per-judge z-scores, the rubric's scale, the quality threshold
  ranking.py     ranks and the tie-break rule
  agreement.py   disputed entries, Kendall's W, Krippendorff's alpha, each judge's calibration
  joint.py       the joint model (entry quality with judge leniency and stretch)
  intervals.py   bootstrap intervals and entries too close to call
  checks.py      the checks they share
`from challenge.judging.scoring import X` finds every public name here.
"""
from __future__ import annotations

from challenge.judging.scoring.agreement import (
    DISAGREEMENT_THRESHOLD, Calibration, calibration, disagreement, is_disputed, kendalls_w, krippendorff_alpha,
)
from challenge.judging.scoring.intervals import BOOTSTRAP_DRAWS, bootstrap_intervals, too_close
from challenge.judging.scoring.joint import MIN_FOR_STRETCH, JointFit, design_groups, joint_fit
from challenge.judging.scoring.normalise import (
    Z_SPAN, judge_z_scores, mean_z, meets_threshold, normalise, weigher, weighted_score, z_excluded,
)
from challenge.judging.scoring.ranking import TIE_BREAK_RULE, TieKey, rank, rank_entries

__all__ = [
    "DISAGREEMENT_THRESHOLD", "Calibration", "calibration", "disagreement", "is_disputed", "kendalls_w",
    "krippendorff_alpha", "BOOTSTRAP_DRAWS", "bootstrap_intervals", "too_close", "MIN_FOR_STRETCH", "JointFit",
    "design_groups", "joint_fit", "Z_SPAN", "judge_z_scores", "mean_z", "meets_threshold", "normalise", "weigher",
    "weighted_score", "z_excluded", "TIE_BREAK_RULE", "TieKey", "rank", "rank_entries",
]

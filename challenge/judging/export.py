"""The panel view as CSV, safe to open in a spreadsheet."""
from __future__ import annotations

import io

from challenge.judging.results import Results
from challenge.platform import csvsafe


def _cell(value):
    """Numbers to two places, flags as yes/no (csvsafe makes formula-like text inert)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def panel_csv(res: Results) -> str:
    """One row per entry: ranks, scores, completion, flags and each judge's weighted score."""
    out = io.StringIO()
    writer = csvsafe.writer(out)  # the header too: judges' names head columns
    streams = res.has_service_users
    header = ["Rank (normalised)", "Rank (raw)", "Reference", "Title", "Normalised score", "Raw mean",
              "Complete scores", "Required", "Disputed", "Meets threshold", "Group", "Joint model",
              "Rank (joint model)", "Interval low (90 %)", "Interval high (90 %)", "Too close to call"]
    if streams:
        header += ["Expert raw mean", "Service-user raw mean"]
    header += [f"{j.name}{' (service user)' if j.service_user else ''}" for j in res.judges]
    writer.writerow(header)
    for e in res.entries:
        row = [e.rank, e.rank_raw, e.reference, e.title, e.normalised, e.raw_mean, e.complete, e.required,
               e.disputed, e.meets_threshold, e.group, e.joint, e.rank_joint, *(e.interval or (None, None)),
               e.too_close]
        if streams:
            row += [e.streams.get("expert", (None,))[0], e.streams.get("service_user", (None,))[0]]
        row += [e.cells.get(j.id, ("", None))[1] for j in res.judges]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()

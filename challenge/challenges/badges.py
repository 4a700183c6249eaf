"""A challenge's phase as a coloured badge. The HTML is the same for every challenge in a phase, so it is made
once per phase here and a page looks it up (`|badge` in templates): a catalogue page draws twelve, and a macro
per badge cost Jinja more than the badge's text (issue 13)."""
from __future__ import annotations

from markupsafe import Markup, escape

from challenge.challenges.states import Phase

_CLASSES = {
    Phase.DRAFT: "text-bg-light border", Phase.IN_REVIEW: "text-bg-warning", Phase.UPCOMING: "text-bg-info",
    Phase.OPEN: "text-bg-success", Phase.CLOSED: "text-bg-secondary", Phase.JUDGING: "text-bg-warning",
    Phase.DECIDED: "text-bg-primary", Phase.COMPLETED: "text-bg-dark", Phase.CANCELLED: "text-bg-danger",
}


def _made(phase: Phase) -> Markup:
    return Markup(f'<span class="badge phase-badge {_CLASSES.get(phase, "text-bg-secondary")}">'
                  f'{escape(phase.label)}</span>')


_BADGES = {phase: _made(phase) for phase in Phase}


def phase_badge(phase: Phase | str) -> Markup:
    """The badge of `phase` (a Phase, or its value)."""
    return _BADGES.get(phase) or _made(Phase(phase))

"""Every partnership page, by page group; importing this package registers them on the blueprints."""
from challenge.partnerships.blueprint import bp, impact_bp, introductions_bp
# The board, the list, "my partnerships", a partnership, its edits, moves and timeline.
from challenge.partnerships.views import pipeline  # noqa: F401
# Introducing the creator to the counterpart, and both sides' answers (on the page or from the email link).
from challenge.partnerships.views import introductions  # noqa: F401
# Impact records, the SROI calculation and its export, follow-on procurement.
from challenge.partnerships.views import impact  # noqa: F401

__all__ = ["bp", "impact_bp", "introductions_bp"]

"""The partnership pipeline's blueprints, and the loader every partnership page starts with."""
from __future__ import annotations

from flask import Blueprint

from challenge.extensions import db
from challenge.partnerships.models import Partnership
from challenge.permissions import ensure

# The broker's board, the partnerships and their timelines (/partnerships/…).
bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")
# A partnership's impact (outcomes, SROI) and follow-on procurement (/partnerships/<id>/impact…).
impact_bp = Blueprint("impact", __name__, url_prefix="/partnerships")
# Answering an introduction from the link in its email (/introductions/<token>).
introductions_bp = Blueprint("introductions", __name__, url_prefix="/introductions")


def partnership_or_404(pid: int, action: str = "partnership.view") -> Partnership:
    """The partnership, if the current user may do `action` to it (404 otherwise)."""
    p = db.get_or_404(Partnership, pid)
    ensure(action, p)
    return p

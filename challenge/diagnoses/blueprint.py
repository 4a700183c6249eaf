"""The diagnoses' blueprint (/diagnoses/…), and the loader their pages start with."""
from __future__ import annotations

from flask import Blueprint

from challenge.diagnoses.models import Diagnosis
from challenge.extensions import db
from challenge.permissions import ensure

bp = Blueprint("diagnoses", __name__, url_prefix="/diagnoses")


def diagnosis_or_404(did: int, action: str = "diagnosis.view") -> Diagnosis:
    """The diagnosis, if the current user may do `action` to it (404 otherwise)."""
    d = db.get_or_404(Diagnosis, did)
    ensure(action, d)
    return d

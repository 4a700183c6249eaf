"""The broker console."""
from __future__ import annotations

from flask import Blueprint, render_template

from challenge.permissions import ensure

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index():
    ensure("admin.console")
    return render_template("admin/index.html")

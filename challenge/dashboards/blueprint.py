"""The dashboards' blueprint (/dashboards/…)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")

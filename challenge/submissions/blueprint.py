"""The submissions blueprint, shared by the entry views (routes.py) and the lists (lists.py)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("submissions", __name__)

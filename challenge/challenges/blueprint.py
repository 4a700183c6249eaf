"""The challenges blueprint: the catalogue, a challenge's page and its drafting, lifecycle and conversation."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("challenges", __name__)

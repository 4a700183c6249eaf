"""The privacy blueprint: the account's "Your data", the broker's privacy console, unsubscribe links."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__)

"""The broker console's blueprint; its views live in challenge/admin/views/ (one module per page group)."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

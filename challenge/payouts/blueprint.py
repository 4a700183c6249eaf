"""The payouts blueprint; its views live in challenge/payouts/views/ (one module per page group)."""
from flask import Blueprint

bp = Blueprint("payouts", __name__)

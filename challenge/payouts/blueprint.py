"""The payouts blueprint; its views live in routes_funding, routes_payees and routes_broker."""
from flask import Blueprint

bp = Blueprint("payouts", __name__)

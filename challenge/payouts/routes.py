"""The payouts pages: importing the view modules adds their views to `bp`."""
from challenge.payouts import routes_broker, routes_funding, routes_payees  # noqa: F401
from challenge.payouts.blueprint import bp

__all__ = ["bp"]

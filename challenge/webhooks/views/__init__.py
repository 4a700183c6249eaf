"""The webhooks pages; importing them adds their views to the blueprint."""
from challenge.webhooks.blueprint import bp
# An organisation's and the platform's endpoints: the list, registering one (its secret shown once).
from challenge.webhooks.views import endpoints  # noqa: F401
# One endpoint: its delivery log, a test ping, turning it off and on, deleting it, redelivering.
from challenge.webhooks.views import deliveries  # noqa: F401

__all__ = ["bp"]

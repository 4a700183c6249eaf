"""The plain pages; importing the module adds its views to `bp`."""
from challenge.pages.blueprint import bp
# The accessibility statement and the health check.
from challenge.pages.views import plain  # noqa: F401

__all__ = ["bp"]

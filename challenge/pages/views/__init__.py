"""The plain pages; importing the module adds its views to `bp`."""
from challenge.pages.blueprint import bp
# The accessibility statement and the health check; the privacy notice.
from challenge.pages.views import plain, privacy  # noqa: F401

__all__ = ["bp"]

"""Every page of the solutions library, by page group; importing this package registers them on the blueprint."""
from challenge.library.blueprint import bp
# Searching the library, an entry, "We want this too", and the creators' consent to publish.
from challenge.library.views import catalogue  # noqa: F401
# The broker's list of winning solutions: publish, withdraw.
from challenge.library.views import manage  # noqa: F401

__all__ = ["bp"]

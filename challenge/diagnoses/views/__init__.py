"""Every diagnosis page; importing this package registers them on the blueprint."""
from challenge.diagnoses.blueprint import bp
# A seeker's diagnoses: the list, writing and editing one, starting a challenge draft from it.
from challenge.diagnoses.views import pages  # noqa: F401
# Service users' stories kept on their consent: recording one, withdrawing one.
from challenge.diagnoses.views import stories  # noqa: F401

__all__ = ["bp"]

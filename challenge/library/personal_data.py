"""What the solutions library holds about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare

AREA = "Solutions library"

declare("library_entries", AREA, data="Who consented to publishing their winning solution, and when",
        columns=("consent_by_id", "consent_at"), subjects="Winning creators", purpose="Sharing what worked",
        basis=Basis.CONSENT, retention="Until consent is withdrawn (then unpublished at once)",
        recipients="Everyone (the published summary)", not_personal=("solution_summary",))
declare("adoption_interests", AREA, data="Who said their organisation wants a solution, and their note",
        columns=("user_id", "note"), subjects="Members of adopting organisations",
        purpose="Opening a partnership lead", basis=Basis.LEGITIMATE_INTERESTS,
        retention="As the partnership it opened", recipients="Brokers")

"""What the privacy package's own tables hold about people (records of processing:
challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Data protection"

declare("legal_holds", AREA, data="Which broker placed or lifted a legal hold, and why",
        columns=("placed_by_id", "lifted_by_id", "reason", "lift_reason"), subjects="Brokers",
        purpose="Keeping what a dispute or an inquiry needs", basis=Basis.LEGAL_OBLIGATION,
        retention="For the life of the challenge record", recipients="Brokers, auditors")
no_personal_data("retention_runs", AREA)
declare("erasures", AREA, data="That an account was erased, when and by whom (the account is a pseudonym)",
        columns=("user_id", "erased_by_id"), subjects="People who asked to be erased; brokers",
        purpose="Showing an erasure was done, and doing it once", basis=Basis.LEGAL_OBLIGATION,
        retention="As the books (six years)", recipients="Brokers, auditors")
declare("email_preferences", AREA, data="Whether a person takes optional email (updates, reminders)",
        columns=("user_id",), subjects="Everyone with an account", purpose="Honouring an unsubscribe",
        basis=Basis.CONSENT, retention="While the account exists", recipients="Nobody else",
        not_personal=("optional_email",))
declare("dpia_screenings", AREA, data="Who answered a challenge's DPIA screening, and which broker recorded the DPO's "
        "sign-off", columns=("answered_by_id", "signed_off_by_id"), subjects="Seekers; brokers",
        purpose="Showing that a challenge using service users' data was screened for a DPIA before it opened",
        basis=Basis.LEGAL_OBLIGATION, retention="For the life of the challenge record",
        recipients="The seeker's organisation, brokers, the DPO",
        not_personal=("answers", "dpo_reference"))

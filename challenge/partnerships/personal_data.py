"""What the partnership tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Partnerships"
PIPELINE = "Six years after the partnership closes (contract and investment records), then deleted"

declare("partnerships", AREA, data="The creator, the broker who owns the lead, next actions and reasons",
        columns=("creator_id", "owner_id", "next_action", "closed_reason"),
        subjects="Creators and brokers", purpose="Following a prize into pilots, contracts and investment",
        basis=Basis.LEGITIMATE_INTERESTS, retention=PIPELINE,
        recipients="Brokers; the creator and counterpart see their own partnership", not_personal=("title",))
declare("partnership_events", AREA, data="What happened in a partnership and who recorded it",
        columns=("actor_id", "body"), subjects="Brokers, creators, counterparts",
        purpose="The partnership's history", basis=Basis.LEGITIMATE_INTERESTS, retention=PIPELINE,
        recipients="Brokers; the parties", not_personal=("title",))
declare("introductions", AREA, data="Who was introduced to whom, the note, their answers",
        columns=("counterpart_contact_id", "created_by_id", "note", "creator_answer", "counterpart_answer"), subjects="Creators and counterpart contacts",
        purpose="Introducing a winner to a buyer or investor", basis=Basis.LEGITIMATE_INTERESTS,
        retention=PIPELINE, recipients="Brokers; the two people introduced")
declare("impact_records", AREA, data="Who recorded an outcome", columns=("created_by_id",),
        subjects="Brokers", purpose="Social return on investment", basis=Basis.LEGITIMATE_INTERESTS,
        retention=PIPELINE, recipients="Brokers; public figures when the partnership is public")

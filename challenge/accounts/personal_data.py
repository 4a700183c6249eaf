"""What the accounts tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Accounts"
ACCOUNT_LIFE = "While the account exists; on erasure replaced by a pseudonym"

declare("users", AREA, data="Name, email address, biography, password hash, sign-in session id, broker flag",
        columns=("email", "name", "bio", "password_hash", "session_token", "email_confirmed_at"),
        subjects="Everyone with an account", purpose="Signing in, and naming people to those they work with",
        basis=Basis.CONTRACT, retention=ACCOUNT_LIFE,
        recipients="Brokers; the name to the organisations, panels and teams the person joins")
declare("memberships", AREA, data="Which organisations a person belongs to, and their role",
        columns=("user_id", "role"), subjects="Members of seeker and creator organisations",
        purpose="Deciding what a person may do for their organisation", basis=Basis.CONTRACT,
        retention=ACCOUNT_LIFE, recipients="Brokers; the organisation's other members")
no_personal_data("organisations", AREA, "name", "description")
declare("invitations", AREA, data="Invited email address, who invited them",
        columns=("email", "invited_by_id"), subjects="People invited to join an organisation",
        purpose="Inviting a colleague", basis=Basis.LEGITIMATE_INTERESTS,
        retention="Until accepted, or deleted 90 days after an unanswered invitation",
        recipients="The inviting organisation's owners; brokers")
declare("password_reset_tokens", AREA, data="Which account asked for a password reset, when",
        columns=("user_id",), subjects="Account holders", purpose="Resetting a forgotten password",
        basis=Basis.CONTRACT, retention="Deleted once used or expired (within a day)", recipients="Nobody")
declare("recovery_codes", AREA, data="Hashed recovery codes for the second factor", columns=("user_id",),
        subjects="Brokers and finance people", purpose="Securing accounts that move money",
        basis=Basis.LEGITIMATE_INTERESTS, retention=ACCOUNT_LIFE, recipients="Nobody")
declare("second_factors", AREA, data="Encrypted authenticator secret", columns=("user_id",),
        subjects="Brokers and finance people", purpose="Securing accounts that move money",
        basis=Basis.LEGITIMATE_INTERESTS, retention=ACCOUNT_LIFE, recipients="Nobody")
declare("api_tokens", AREA, data="A person's API tokens: their names, scope, when created, last used and revoked "
        "(the token itself is never kept, only its SHA-256)",
        columns=("user_id", "name", "token_hash", "last_used_at"), subjects="People who use the API",
        purpose="Letting a person's own systems use the API as them", basis=Basis.CONTRACT,
        retention=ACCOUNT_LIFE + "; deleted with the account's erasure", recipients="Nobody")

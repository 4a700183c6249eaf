"""What each of the eight people gets from every route: the table the route sweep checks.

A value is the expected answer to a GET (for POST-only routes, to a POST): a status code, LOGIN
(302 to the sign-in page), AWAY (302 somewhere else) or OK (a POST-only route this person may use; the
sweep does not exercise it, other tests do). Roles: see tests/security/world.py.
"""
from __future__ import annotations

from tests.security.world import ROLES

LOGIN, AWAY, OK = "login", "away", "ok"
# The API's routes that need a personal token answer 401 to everyone the sweep signs in with a cookie: a cookie
# never authenticates the API (tests/api/test_api_authenticated.py checks each role with a token).
TOKEN_ONLY = 401
# A refused POST that answers 200 with the form again (its empty fields fail validation before the
# service is asked; with valid fields the service refuses with 403/409). The sweep still checks it
# changes nothing.
FORM_AGAIN = "form"
SIGNED_IN = ROLES[1:]


def spec(default, *, anon=None, **roles) -> dict:
    table = {role: default for role in ROLES}
    if anon is not None:
        table["anon"] = anon
    table.update(roles)
    return table


def public() -> dict:
    return spec(200)


def signed_in() -> dict:
    return spec(200, anon=LOGIN)


def only(*allowed, anon=LOGIN, ok=200, no=404, **exceptions) -> dict:
    table = spec(no, anon=anon)
    table.update({role: ok for role in allowed})
    table.update(exceptions)
    return table


def post(*allowed, anon=LOGIN, **exceptions) -> dict:
    """A POST route: `allowed` may use it; everyone else is refused (404, or sign-in for anon)."""
    return only(*allowed, anon=anon, ok=OK, **exceptions)


BROKER = ("broker",)
OWNERS = ("seeker", "broker")  # the lead council's seeker and the broker run the challenge
EXPECTED: dict[str, dict] = {
    # accounts
    "accounts.change_password": post(*SIGNED_IN),
    "accounts.forgot_password": public(),
    "accounts.login": public(),
    "accounts.logout": post(*SIGNED_IN),
    "accounts.profile": signed_in(),
    "accounts.reset_password": public(),  # the token is the key
    "accounts.signup": public(),
    "accounts.update_profile": post(*SIGNED_IN),
    # personal API tokens: your own only (the world has none: revoking a token that is not yours is a 404)
    "accounts.create_token": post(*SIGNED_IN),
    "accounts.revoke_token": post(anon=LOGIN),
    # confirming an email address: the signed link is the key (its page has a button); resending needs a session
    "confirmation.confirm": public(),
    "confirmation.resend": post(*SIGNED_IN),
    # the second factor: the code step needs a password checked a moment ago (everyone else goes to sign in)
    "twofactor.code": spec(LOGIN),
    "twofactor.setup": signed_in(),
    "twofactor.confirm": post(*SIGNED_IN),
    "twofactor.new_codes": post(*SIGNED_IN),
    "twofactor.turn_off": post(*SIGNED_IN),
    # admin console: the broker's only; everyone else learns nothing (404, even signed out)
    "admin.audit": only(*BROKER, anon=404),
    "admin.audit_csv": only(*BROKER, anon=404),
    "admin.index": only(*BROKER, anon=404),
    "admin.organisations": only(*BROKER, anon=404),
    "admin.review_queue": only(*BROKER, anon=404),
    "admin.users": only(*BROKER, anon=404),
    "admin.set_active": post(*BROKER, anon=404),
    "admin.set_broker": post(*BROKER, anon=404),
    "admin.set_verified": post(*BROKER, anon=404),
    # the register of processing (UK GDPR Article 30) and the privacy notice (issue 14 points 1 and 2)
    "admin.processing_csv": only(*BROKER, anon=404),
    "admin.processing_json": only(*BROKER, anon=404),
    "pages.privacy": public(),
    # privacy: a person's own data from their account; the broker's console, holds and a person's data
    "privacy.your_data": signed_in(),
    "privacy.download": post(*SIGNED_IN),
    "privacy.delete_account": signed_in(),
    "privacy.email_preferences": post(*SIGNED_IN),
    "privacy.console": only(*BROKER, anon=404),
    "privacy.person": only(*BROKER, anon=404),
    "privacy.place_hold": post(*BROKER, anon=404),
    "privacy.lift_hold": post(*BROKER, anon=404),
    "privacy.export_person": post(*BROKER, anon=404),
    "privacy.erase_person": post(*BROKER, anon=404),
    # a challenge's DPIA screening and record (issue 14 point 7): its organisation and brokers; everyone else,
    # signed in or not, 404 (the world's challenge is in judging, so answering answers 409: tests/privacy/test_dpia*)
    "privacy.dpia_screening": only(*OWNERS, anon=404),
    "privacy.dpia_sign_off": post(*BROKER, anon=404),
    "privacy.dpia_record": only(*OWNERS, anon=404),
    "privacy.dpia_record_json": only(*OWNERS, anon=404),
    "privacy.dpia_record_markdown": only(*OWNERS, anon=404),
    # one-click unsubscribe (RFC 8058): the signed link is the key, no sign-in (see tests/privacy)
    "privacy.unsubscribe_page": public(),
    "privacy.unsubscribe": post(*ROLES),
    # challenges (the world's challenge is in judging, so editing answers 409 to those who may edit)
    "challenges.catalogue": public(),
    "challenges.catalogue_organisations": public(),
    "challenges.show": public(),
    "challenges.dashboard": signed_in(),
    "challenges.new": signed_in(),
    "challenges.edit": only(*OWNERS, ok=409),
    "challenges.cancel": only(*BROKER),
    "challenges.request_changes": only(*BROKER),
    "challenges.post_update": only(*OWNERS),
    "challenges.answer": post(*OWNERS),
    "challenges.ask": post(*SIGNED_IN),
    "challenges.complete": post(*OWNERS),
    "challenges.follow": post(*SIGNED_IN),
    "challenges.unfollow": post(*SIGNED_IN),
    "challenges.publish": post(*OWNERS),
    "challenges.start_judging": post(*OWNERS),
    "challenges.submit_for_review": post(*OWNERS),
    # entry questions: the owners' editor (frozen in judging: their changes answer 409, tested elsewhere)
    "challenges.entry_questions": only(*OWNERS),
    "challenges.add_entry_question": post(*OWNERS),
    "challenges.change_entry_question": post(*OWNERS),
    "challenges.delete_entry_question": post(*OWNERS),
    "challenges.move_entry_question": post(*OWNERS),
    # documents: the owners' page (read-only once published); the world has no document, so removing and
    # downloading one answer 404 (tests/challenges/test_challenge_documents.py tests them with documents)
    "challenges.documents_page": only(*OWNERS),
    "challenges.add_document": post(*OWNERS),
    "challenges.remove_document": only(),
    "challenges.download_document": only(anon=404),
    # dashboards: the world asks for the broker's
    "dashboards.show": only(*BROKER),
    "dashboards.export": only(*BROKER),
    # diagnoses are the council's own working papers: its members keep them; a broker may read one (each view
    # of its special category data logged) but changes nothing
    "diagnoses.index": signed_in(),
    "diagnoses.new": signed_in(),
    "diagnoses.show": only(*OWNERS, anon=404),
    "diagnoses.edit": only("seeker", anon=404),
    "diagnoses.start_challenge": post("seeker", anon=404),
    "diagnoses.everything": only(*BROKER, anon=404),
    "diagnoses.record_story": post("seeker", anon=404),
    "diagnoses.withdraw_story": spec(404),  # the world has no story: its seeker too is told there is none
    # impact of the creator's partnership with the other council: the two sides and the broker
    "impact.show": only("creator", "other_seeker", "broker", anon=404),
    "impact.procurement": only("creator", "other_seeker", "broker", anon=404),
    # the CSV is answered with a redirect to the page (with a flash) when there is no SROI yet
    "impact.export": only("creator", "other_seeker", "broker", anon=404, ok=AWAY),
    "impact.add": post(*BROKER, anon=404),
    "impact.investment": post(*BROKER, anon=404),
    "impact.remove": post(*BROKER, anon=404),
    # introductions: the emailed token is the key
    "introductions.show": public(),
    "introductions.answer": post(*ROLES),
    # judging
    "judging.my_panels": signed_in(),
    "judging.setup": only(*OWNERS),
    "judging.rubric_page": only(*OWNERS),
    "judging.edit_round": only(*OWNERS),
    "judging.advance": only(*BROKER),
    "judging.decide": only(*BROKER),
    # the broker's correction of a recorded decision (the sweep's world has none yet: 404 to everyone)
    "judging.correct": only(),
    "judging.panel_view": only(*BROKER),
    "judging.panel_csv": only(*BROKER),
    "judging.panel_entry": only(*BROKER),  # the chair's view of an entry of the results: as the results
    "judging.queue": only("judge"),
    "judging.entry": only("judge"),
    "judging.declare_all": only("judge"),
    # pairwise comparisons: the world's round uses score sheets, so nobody compares in it
    # (tests/judging/test_pairwise_rounds.py tests a pairwise round's judges and everyone else)
    "judging.compare": only(),
    "judging.pair_attachment": only(),
    "judging.pair_answer_file": only(),
    # attachments open only after the judge declares no conflict of interest
    "judging.attachment": only(),
    "judging.answer_file": only(),
    # feedback is released only after the decision
    "judging.feedback_page": only(),
    # people's choice voting is off for this challenge
    "judging.vote": only(anon=404),
    "judging.invitation": public(),
    "judging.add_criterion": post(*OWNERS),
    "judging.delete_criterion": post(*OWNERS),
    "judging.edit_criterion": post(*OWNERS),
    "judging.set_scale": post(*OWNERS),
    "judging.preset_sbri": post(*OWNERS),
    "judging.preset_social_value": post(*OWNERS),
    "judging.waive_social_value": post(*OWNERS),  # a broker's; the seeker is refused by the rule (409 here: frozen)
    "judging.restore_social_value": post(*OWNERS),
    "judging.add_round": post(*OWNERS),
    "judging.open_round": post(*OWNERS),
    "judging.close_round": post(*OWNERS),
    "judging.publish": post(*OWNERS),
    "judging.remind_judges": post(*OWNERS),
    "judging.save_settings": post(*OWNERS),
    "judging.invite": post(*OWNERS),
    "judging.make_chair": post(*OWNERS),
    "judging.toggle_service_user": post(*OWNERS),
    "judging.reassign": post(*OWNERS),
    "judging.declare": post("judge"),
    "judging.score": post("judge"),
    "judging.record_comparison": post(),
    "judging.pair_conflict": post(),
    # solutions library
    # notifications: answering one's own invitations from the dashboard (the world's panel invitation is for
    # an address nobody has; its team invitation is the other creator's; its introduction the creator's and
    # the other council's), marking one's list as seen, and messaging the entrants (the challenge's owners)
    "notifications.join_panel": post(),
    "notifications.join_team": post("other_creator"),
    "notifications.answer_introduction": post("creator", "other_seeker"),
    "notifications.mark_seen": post(*SIGNED_IN),
    "notifications.message_entrants": only(*OWNERS),
    # the public JSON API: the same answer for everyone (cookies never widen it); docs page outside /api/
    "api.challenges": public(),
    "api.challenge": public(),
    "api.winners": spec(404),  # the world's challenge has no published results
    "api.organisations": public(),
    "api.organisation": public(),
    "api.library": public(),
    "api.openapi": public(),
    "api_docs.docs": public(),
    # the authenticated API: a bearer token only, so a session cookie gets 401 (GET, POST and PATCH alike)
    "api.create_challenge": spec(TOKEN_ONLY),
    "api.update_challenge": spec(TOKEN_ONLY),
    "api.challenge_submissions": spec(TOKEN_ONLY),
    "api.challenge_results": spec(TOKEN_ONLY),
    "api.my_submissions": spec(TOKEN_ONLY),
    "api.partnerships": spec(TOKEN_ONLY),
    "api.partnership": spec(TOKEN_ONLY),
    "api.move_partnership": spec(TOKEN_ONLY),
    "api.payouts": spec(TOKEN_ONLY),
    "api.webhooks": spec(TOKEN_ONLY),
    "api.create_webhook": spec(TOKEN_ONLY),
    "api.webhook": spec(TOKEN_ONLY),
    "api.delete_webhook": spec(TOKEN_ONLY),
    "library.index": public(),
    "library.show": public(),
    "library.manage": only(*BROKER, anon=404),
    "library.consent": post("creator"),
    "library.publish": post(*BROKER, anon=404),
    "library.want": post(*SIGNED_IN),
    "library.withdraw": post("creator", "broker", anon=404),
    # organisations (the world's is the lead council)
    "organisations.show": public(),
    "organisations.create": signed_in(),
    "organisations.edit": only(*OWNERS, anon=404),
    "organisations.members": only(*OWNERS, anon=404),
    # an invitation link sends a signed-out visitor to sign in or sign up first
    "organisations.invitation": spec(200, anon=AWAY),
    "organisations.invite": post(*OWNERS, anon=404),
    "organisations.cancel_invitation": post(*OWNERS, anon=404),
    "organisations.change_role": post(*OWNERS, anon=404),
    "organisations.remove_member": post(*OWNERS, anon=404),
    "organisations.leave": post("seeker"),
    # pages
    "pages.accessibility": public(),
    "pages.healthz": public(),
    # partnerships: the broker's pipeline; the two sides see their own partnership
    "partnerships.index": only(*BROKER, no=AWAY),  # others are sent to "my partnerships"
    "partnerships.mine": signed_in(),
    "partnerships.show": only("creator", "other_seeker", "broker", anon=404),
    "partnerships.edit": only(*BROKER, anon=404),
    "partnerships.introduce": only(*BROKER, anon=404),
    "partnerships.new": only(*BROKER, anon=404),
    "partnerships.export": only(*BROKER, anon=404),
    "partnerships.add_event": post(*BROKER, anon=404),
    "partnerships.move": post(*BROKER, anon=404),
    # someone with no side in the introduction is sent back with "nothing for you to answer here"
    "partnerships.answer": post("creator", "other_seeker", anon=404, broker=AWAY),
    # payouts and funding (the lead council funds the pool alone)
    "payouts.bank_details": signed_in(),
    "payouts.mine": signed_in(),
    # finance rows are limited to the viewer's own organisations (tested in tests/payouts)
    "payouts.finance_page": only("seeker", "other_seeker", "broker"),
    "payouts.finance_csv": only("seeker", "other_seeker", "broker"),
    # 360Giving: everything for the broker; a funder's members for what it co-funded (the council's); public file
    "payouts.giving_all": only("broker", anon=404),
    "payouts.giving_funder": only("seeker", "broker", anon=404),
    "payouts.giving_public": public(),
    "payouts.run_reconciliation": post(*BROKER),
    "payouts.funding_page": only(*OWNERS),
    "payouts.invoice_page": only(*OWNERS),
    "payouts.invoice_pdf": only(*OWNERS),
    "payouts.confirm_release": only(*BROKER),
    "payouts.record_paid": only(*BROKER),
    "payouts.go_to_checkout": only(*OWNERS, ok=AWAY),
    "payouts.challenge_money": only(*BROKER),
    "payouts.queue": only(*BROKER),
    # a sole winner has no split to make
    "payouts.split": only(),
    # onboarding with the manual provider just sends everyone back to their payouts page
    "payouts.stripe_continue": spec(AWAY, anon=LOGIN),
    "payouts.stripe_onboarding": post(*SIGNED_IN),
    "payouts.stripe_return": spec(AWAY, anon=LOGIN),
    "payouts.agree_split": post("creator"),
    "payouts.create_awards": post(*BROKER),
    "payouts.invoice": post(*OWNERS),
    # a co-funding request is answered by the named organisation's members (here the lead council's seeker)
    "payouts.funder_consent": only("seeker"),
    "payouts.accept_funder_request": post("seeker"),
    "payouts.decline_funder_request": post("seeker"),
    "payouts.pay_by_card": post(*OWNERS),
    "payouts.record_transfer": post(*BROKER),
    "payouts.refund": post(*BROKER),
    "payouts.release_payout": post(*BROKER),
    "payouts.retry_payout": post(*BROKER),
    "payouts.reverse_payout": post(*BROKER),
    "payouts.set_fee": post(*OWNERS),
    "payouts.set_funders": post(*BROKER),  # the world's challenge is published: funders change through a broker
    "payouts.stage_grants": post(*BROKER),
    "payouts.waive": post(*BROKER),
    "payouts.stripe_webhook": post(*ROLES),  # checked by signature, see test_csrf_sweep
    # submissions: the creator's entry in the challenge in judging
    "submissions.show": only("creator", *OWNERS, anon=404),
    "submissions.download": only("creator", *OWNERS, anon=404),
    "submissions.answer_file": only("creator", *OWNERS, anon=404),
    # those who may see the entry are told why it cannot change now; others get 404
    "submissions.edit": only("creator", *OWNERS, ok=409),
    "submissions.withdraw": only("creator", *OWNERS, ok=409),
    # the challenge is closed: everyone signed in is told so (the creators are sent to their entries)
    "submissions.start": spec(409, anon=LOGIN, creator=AWAY, other_creator=AWAY),
    "submissions.mine": signed_in(),
    "submissions.everything": only(*BROKER, anon=404),
    "submissions.for_challenge": only(*OWNERS, anon=404),
    "submissions.challenge_csv": only(*OWNERS, anon=404),
    "submissions.disqualify": post(*BROKER, creator=FORM_AGAIN, seeker=FORM_AGAIN),
    # those who may see the entry are told it can no longer change (409) before being told it is not theirs
    "submissions.remove_attachment": post("creator", seeker=409, broker=409),
    "submissions.submit": post("creator", seeker=409, broker=409),
    "submissions.upload": post("creator", seeker=FORM_AGAIN, broker=FORM_AGAIN),
    # the token is the key; the page tells anyone but the invitee that it is someone else's
    "submissions.team_invitation": spec(200, anon=LOGIN),
    # webhooks: an organisation's for its owners (and brokers), the platform's for brokers; the world has no
    # endpoint, so its pages and buttons are a 404 to everyone signed in (tests/webhooks/test_webhook_pages.py)
    "webhooks.organisation_endpoints": only(*OWNERS),
    "webhooks.platform_endpoints": only(*BROKER),
    "webhooks.show": only(),
    "webhooks.ping": post(),
    "webhooks.disable": post(),
    "webhooks.enable": post(),
    "webhooks.delete": post(),
    "webhooks.redeliver": post(),
}

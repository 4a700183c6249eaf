"""Bulk-loading a believable platform fast: SQLAlchemy Core executemany inserts in batches.

Everything is derived from a challenge's index, so loading challenges 0..99 and then 100..9,999 gives
the same rows as loading 0..9,999 at once: the benchmark measures query counts at the small size,
then tops the data up to the full size and measures again.
"""
from __future__ import annotations

import importlib.util
from collections import Counter
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import Engine, Table, func, select, text

import challenge.models  # noqa: F401  (every table into the metadata)
from bench import words
from bench.server import BROKER_TOTP_SECRET, SECRET_KEY
from challenge.accounts.services import hash_password
from challenge.challenges.models import SECTORS, ChallengeType, IPTerms, search_text_of
from challenge.extensions import db

PASSWORD = "bench-password-not-secret"
BROKER_EMAIL = "broker@bench.example.org"
BATCH = 5_000
SEEKER_KINDS = ["local_authority", "nhs_trust", "government_department", "school_trust", "charity",
                "social_enterprise", "investor"]
# One stretch of 20 challenges: mostly open, every other phase present.
PHASE_CYCLE = (["open"] * 6 + ["upcoming"] * 2 + ["closed"] * 3 + ["judging"] * 2 + ["decided"] * 2
               + ["completed"] * 2 + ["draft", "in_review", "cancelled"])
TAKES_ENTRIES = {"open", "closed", "judging", "decided", "completed"}
# The signed-in cases (bench/cases.py): a creator with entries, the owner seeker of organisation 14 (whose
# challenge-14 is decided, not blind, with entries its seekers may list), and one partnership on the board
# per 20 challenges.
CREATOR_EMAIL = "creator0@bench.example.org"
SEEKER_EMAIL = "seeker28@bench.example.org"
SEEKER_SLUG = "challenge-14"
# Creator 0 also owns one entry (not selected) of the first decided challenge, so that even the small data set
# (the first 100 challenges) gives "my submissions" a decided entry: its outcome's statements are then run at
# both sizes, and the query counts compare the same page.
CREATOR_DECIDED_CHALLENGE = PHASE_CYCLE.index("decided")
PARTNERSHIP_EVERY = 20
PARTNERSHIP_STAGES = ["lead", "introduced", "in_discussion", "pilot", "contracted", "scaled"]


@dataclass(frozen=True)
class Plan:
    challenges: int = 10_000
    submissions: int = 100_000
    scores: int = 500_000  # run.py scales it: 50 per challenge
    creators: int = 5_000
    organisations: int = 300
    panel: tuple[int, int, int] = (500, 8, 5)  # entries × judges × criteria of the panel-view case

    def entries_per_challenge(self) -> list[int]:
        """How many submissions each challenge gets, spread evenly over those that take entries."""
        takes = [PHASE_CYCLE[i % len(PHASE_CYCLE)] in TAKES_ENTRIES for i in range(self.challenges)]
        eligible = sum(takes)
        share, extra = divmod(self.submissions, max(eligible, 1))
        counts, k = [], 0
        for ok in takes:
            counts.append(share + (1 if k < extra else 0) if ok else 0)
            k += ok
        return counts


def table(name: str) -> Table:
    return db.metadata.tables[name]


def insert(conn, name: str, rows: list[dict]) -> None:
    """Insert in batches; refuses loudly when a table grew a required column the loader does not fill."""
    if not rows:
        return
    t = table(name)
    missing = [c.name for c in t.columns if not c.nullable and c.default is None and c.server_default is None
               and not c.primary_key and c.name not in rows[0]]
    if missing:
        raise RuntimeError(f"bench/dataset.py does not fill {name}.{', '.join(missing)}: add it to the loader")
    # executemany needs the same keys in every row: fill in the columns' own defaults first.
    defaults = {c.name: c.default.arg for c in t.columns if c.default is not None and c.default.is_scalar}
    rows = [{**defaults, **r} for r in rows] if defaults else rows
    for start in range(0, len(rows), BATCH):
        conn.execute(t.insert(), rows[start:start + BATCH])


def organisation_name(n: int) -> str:
    """The name of organisation n (0-based; its id is n + 1)."""
    kind = SEEKER_KINDS[n % len(SEEKER_KINDS)]
    place = words.PLACES[n % len(words.PLACES)]
    return f"{random.Random(n).choice(words.ORG_PREFIXES[kind]).format(place)} {n + 1}"


def load_people(engine: Engine, plan: Plan, now: datetime) -> None:
    """The broker, the organisations with two seekers each, and the creators."""
    digest = hash_password(PASSWORD)  # one argon2 hash for everyone: hashing 5,000 would take minutes
    users = [dict(id=1, email=BROKER_EMAIL, name="Brooke Broker", password_hash=digest, is_broker=True,
                  session_token=secrets.token_hex(16), created_at=now)]
    orgs, members = [], []
    for n in range(plan.organisations):
        kind = SEEKER_KINDS[n % len(SEEKER_KINDS)]
        orgs.append(dict(id=n + 1, name=organisation_name(n), slug=f"org-{n + 1}", kind=kind, created_at=now,
                         description=words.sentences(random.Random(n), 2), verified=n % 3 == 0))
        for role, seat in (("owner", 0), ("member", 1)):
            uid = 2 + 2 * n + seat
            users.append(dict(id=uid, email=f"seeker{uid}@bench.example.org", name=f"Seeker {uid}",
                              password_hash=digest, session_token=secrets.token_hex(16), created_at=now))
            members.append(dict(user_id=uid, organisation_id=n + 1, role=role, created_at=now))
    first = first_creator_id(plan)
    users += [dict(id=first + k, email=f"creator{k}@bench.example.org", name=f"Creator {k}",
                   password_hash=digest, session_token=secrets.token_hex(16), created_at=now)
              for k in range(plan.creators)]
    with engine.begin() as conn:
        insert(conn, "users", users)
        insert(conn, "organisations", orgs)
        insert(conn, "memberships", members)
        insert(conn, "second_factors", [dict(user_id=1, secret_encrypted=_sealed(BROKER_TOTP_SECRET), confirmed_at=now,
                                             last_step=0, created_at=now)])


def _sealed(totp_secret: str) -> str:
    """The broker's authenticator secret as the app stores it (brokers must sign in with a code)."""
    from flask import Flask

    from challenge.accounts.twofactor import SECRETS

    app = Flask("bench")
    app.config["SECRET_KEY"] = SECRET_KEY
    with app.app_context():
        return SECRETS.seal(totp_secret)


def first_creator_id(plan: Plan) -> int:
    return 2 + 2 * plan.organisations


def _dates(phase: str, rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
    day = timedelta(days=1)
    if phase == "upcoming" or phase in ("draft", "in_review"):
        opens = now + rng.randint(2, 30) * day
        return opens, opens + rng.randint(20, 60) * day
    if phase == "open":
        return now - rng.randint(1, 30) * day, now + rng.randint(1, 60) * day + timedelta(hours=rng.randint(0, 23))
    closes = now - rng.randint(1, 200) * day
    return closes - rng.randint(20, 60) * day, closes


def challenge_row(i: int, plan: Plan, now: datetime, cid: int | None = None) -> tuple[dict, list[dict]]:
    """Challenge number `i` (stored with id `cid`, by default i + 1) and its prize tiers."""
    cid = i + 1 if cid is None else cid
    rng = random.Random(i)
    phase = PHASE_CYCLE[i % len(PHASE_CYCLE)]
    state = "published" if phase in ("open", "upcoming", "closed") else phase
    org = i % plan.organisations
    opens, closes = _dates(phase, rng, now)
    aim, place = rng.choice(words.AIMS), rng.choice(words.PLACES)
    row = dict(
        id=cid, organisation_id=org + 1, created_by_id=2 + 2 * org, title=f"{aim} in {place}",
        slug=f"challenge-{i + 1}", summary=f"{aim} in {place}. {words.sentences(rng, 2)}"[:500],
        problem=words.markdown_problem(rng), context=words.sentences(rng, 4), outcomes=words.sentences(rng, 3),
        eligibility=words.sentences(rng, 2), sector=SECTORS[(i // 3) % len(SECTORS)][0], tags=words.tags(rng),
        type=list(ChallengeType)[i % 4].value, ip_terms=list(IPTerms)[i % 3].value, currency="GBP",
        opens_at=opens, closes_at=closes, state=state, review_note="", blind_judging=i % 2 == 0,
        feedback_to_entrants=True, published_at=None if state in ("draft", "in_review") else opens - timedelta(days=7),
        created_at=opens - timedelta(days=30), updated_at=opens - timedelta(days=7),
    )
    prizes = [dict(challenge_id=cid, name=name, amount=amount, winners=winners, position=p)
              for p, (name, amount, winners) in enumerate(
                  [("First prize", rng.randint(10, 100) * 100_000, 1), ("Runner-up", 500_000, 2),
                   ("People's choice", 250_000, 1)][: 1 + i % 3], start=1)]
    if "prize_pool" in table("challenges").c:  # the catalogue may keep a denormalised total
        row["prize_pool"] = sum(p["amount"] * p["winners"] for p in prizes)
    if "search_text" in table("challenges").c:  # what the search reads, kept by the ORM, which this loader bypasses
        row["search_text"] = search_text_of(SimpleNamespace(**row), organisation_name(org))
    return row, prizes


def _submission_state(phase: str, j: int) -> str:
    if phase == "open":
        return "draft" if j % 3 == 0 else "submitted"
    if phase in ("decided", "completed"):
        return "winner" if j == 0 else "not_selected"
    return "withdrawn" if j % 10 == 9 else "submitted"


def submission_rows(i: int, cid: int, count: int, first_id: int, plan: Plan, phase: str, closes: datetime
                    ) -> list[dict]:
    rng = random.Random(10_000_000 + i)
    offset = (i * 37) % plan.creators
    owners = [first_creator_id(plan) + (offset + j) % plan.creators for j in range(count)]
    if i == CREATOR_DECIDED_CHALLENGE and count > 1 and first_creator_id(plan) not in owners:
        owners[1] = first_creator_id(plan)  # creator 0's decided entry (see CREATOR_DECIDED_CHALLENGE)
    rows = []
    for j in range(count):
        state = _submission_state(phase, j)
        at = closes - timedelta(hours=rng.randint(1, 400))
        rows.append(dict(
            id=first_id + j, challenge_id=cid, owner_id=owners[j],
            reference=f"CX-2025-{first_id + j:06d}",
            title=f"A {rng.choice(words.SOLUTION_WORDS)} for {rng.choice(words.PLACES)} ({j + 1})",
            summary=words.sentences(rng, 2)[:500], description=words.sentences(rng, 8),
            eligibility_confirmed=True, terms_accepted=state != "draft", state=state, state_reason="",
            submitted_at=None if state == "draft" else at, created_at=at, updated_at=at,
        ))
    return rows


def load_challenges(engine: Engine, plan: Plan, start: int, stop: int, now: datetime) -> None:
    """Challenges start..stop-1 with their prizes and submissions.

    Ids continue after whatever is already there (the judging builder may have added rows in between),
    so the content of challenge i is the same however the load is split; only its id may differ.
    """
    counts = plan.entries_per_challenge()
    with engine.connect() as conn:
        next_cid = (conn.scalar(select(func.max(table("challenges").c.id))) or 0) + 1
        next_sid = (conn.scalar(select(func.max(table("submissions").c.id))) or 0) + 1
    stop = min(stop, plan.challenges)
    for lo in range(start, stop, 1_000):
        challenges, prizes, subs, partnerships = [], [], [], []
        for i in range(lo, min(lo + 1_000, stop)):
            row, tiers = challenge_row(i, plan, now, next_cid)
            challenges.append(row)
            prizes += tiers
            phase = PHASE_CYCLE[i % len(PHASE_CYCLE)]
            entries = submission_rows(i, next_cid, counts[i], next_sid, plan, phase, row["closes_at"])
            subs += entries
            if i % PARTNERSHIP_EVERY == 0 and entries:
                partnerships.append(partnership_row(i, plan, row, entries[0], now))
            next_cid, next_sid = next_cid + 1, next_sid + counts[i]
        with engine.begin() as conn:
            insert(conn, "challenges", challenges)
            insert(conn, "prizes", prizes)
            insert(conn, "submissions", subs)
            if "submission_counts" in db.metadata.tables:  # kept by the ORM, which this loader bypasses
                insert(conn, "submission_counts", submission_counts(subs))
            if "partnerships" in db.metadata.tables:
                insert(conn, "partnerships", partnerships)
    after_bulk_load(engine)


def submission_counts(subs: list[dict]) -> list[dict]:
    """The submission_counts rows for these submissions (all of their challenges' submissions)."""
    counted = Counter((s["challenge_id"], s["state"]) for s in subs)
    return [dict(challenge_id=cid, state=state, n=n) for (cid, state), n in sorted(counted.items())]


def partnership_row(i: int, plan: Plan, challenge: dict, entry: dict, now: datetime) -> dict:
    """A partnership on the broker's board between the challenge's first entrant and another organisation."""
    stage = PARTNERSHIP_STAGES[(i // PARTNERSHIP_EVERY) % len(PARTNERSHIP_STAGES)]
    return dict(title=f"Pilot: {entry['title']}"[:200], creator_id=entry["owner_id"],
                counterpart_id=(i + 7) % plan.organisations + 1, origin_challenge_id=challenge["id"],
                origin_submission_id=entry["id"], stage=stage, value=(i % 50 + 1) * 1_000_000, currency="GBP",
                commission_bp=500, commission_amount=None, owner_id=1, next_action="Call the counterpart",
                next_action_due=now + timedelta(days=i % 30), created_at=now, updated_at=now)


def after_bulk_load(engine: Engine) -> None:
    """The counts the ORM keeps and the loaders bypassed (challenge_counts), rebuilt. On SQLite: gather the planner's
    statistics, as the daily `database.analyze` job would have. On PostgreSQL:
    rows came with explicit ids, so move the sequences past them (the app can insert);
    and vacuum and gather the planner's statistics, as a production server's autovacuum would have done
    (this machine's runs with autovacuum off). Without statistics the planner guesses: a 2 ms query took
    190 ms. Without a vacuum no page is marked all-visible, so a count an index could answer alone reads the
    whole table instead: the broker dashboard's challenges by state took 8.6 ms rather than 1 ms."""
    if "challenge_counts" in db.metadata.tables:  # kept by the ORM, which the loaders bypass: rebuilt from all
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM challenge_counts"))
            conn.execute(text("INSERT INTO challenge_counts (state, n) SELECT state, count(*) FROM challenges "
                              "GROUP BY state"))
    if engine.dialect.name == "sqlite":  # what the daily database.analyze job would have done
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for t in db.metadata.sorted_tables:
            if "id" in t.c and t.c.id.autoincrement in (True, "auto") and t.c.id.primary_key:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {t.name}), 0) + 1, false)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def load_scores(engine: Engine, plan: Plan, now: datetime) -> dict:
    """The judging data: the panel-view round and enough other rounds to reach plan.scores.

    Loads only when the judging tables exist (challenge.judging.models); returns facts for the panel case.
    """
    if importlib.util.find_spec("challenge.judging.models") is None:
        return {"scores": "skipped: challenge.judging.models not present"}
    after_bulk_load(engine)  # the builder inserts without explicit ids
    return load_panel(engine, plan, now)


def load_panel(engine: Engine, plan: Plan, now: datetime) -> dict:
    """plan.panel (500 × 8 × 5) fully scored, with the panel bulk builder (demo/panels.py), then more rounds
    of the same shape until plan.scores scores exist. Each round brings its own challenge, seeker, judges
    and entries, so the totals grow by those too (row_counts reports them).

    The hook for the judging merge: written against `demo.panels.build_panel(n_entries,
    n_judges, n_criteria, now, password_hash=..., seed=...)` as on the judging branch (2e5d758) and tried
    on a trial merge; if its signature changes, this is the one place to adjust."""
    from flask import Flask

    from challenge import create_app
    from demo.panels import build_panel

    entries, judges, criteria = plan.panel
    app: Flask = create_app({"SQLALCHEMY_DATABASE_URI": engine.url.render_as_string(hide_password=False)})
    digest = hash_password(PASSWORD)
    rounds = max(1, plan.scores // (entries * judges * criteria))
    with app.app_context():
        try:
            first = build_panel(entries, judges, criteria, now, password_hash=digest, seed=1)
            db.session.commit()
            for n in range(1, rounds):
                build_panel(entries, judges, criteria, now, password_hash=digest, seed=n + 1)
                db.session.commit()
            users = table("users")
            chair = db.session.execute(select(users.c.email).where(users.c.id == first.chair_id)).scalar_one()
            judge, sheet = _judge_and_sheet(first)
        finally:
            db.session.remove()
            db.engine.dispose()
    return {"panel_slug": first.slug, "panel_login": chair, "judge_login": judge, "score_sheet": sheet,
            "scores": f"{rounds} rounds of {entries} × {judges} × {criteria} built by demo.panels"}


def _judge_and_sheet(panel) -> tuple[str, int]:
    """A judge of the panel who is not its chair, and the id of one of their assignments (a score sheet)."""
    from challenge.judging.models import Assignment, PanelMember

    user_id = panel.judge_ids[-1]
    email = db.session.execute(select(table("users").c.email).where(table("users").c.id == user_id)).scalar_one()
    sheet = db.session.scalar(select(Assignment.id).join(PanelMember, PanelMember.id == Assignment.panel_member_id)
                              .where(PanelMember.user_id == user_id, Assignment.round_id == panel.round_id)
                              .order_by(Assignment.id).limit(1))
    return email, sheet


def row_counts(engine: Engine) -> dict[str, int]:
    names = ["users", "organisations", "challenges", "prizes", "submissions", "partnerships"]
    names += [n for n in ("scores",) if n in db.metadata.tables]
    with engine.connect() as conn:
        return {n: conn.scalar(select(func.count()).select_from(table(n))) for n in names}

"""Records of processing (UK GDPR Article 30), declared once beside the models that hold the data.

Each package has a `personal_data.py` that declares, for every one of its tables, which columns hold
personal data, about whom, why, on what lawful basis, for how long and who sees it; a table without
personal data is declared too, with the columns that look personal but are not. `register()` turns the
declarations into the broker's downloadable register (CSV and JSON) and the privacy notice's tables;
`undeclared()` finds a table or a personal-looking column nobody declared, so a new table cannot be left
out: tests/platform/test_records_of_processing.py fails until it is.

The columns that hold special category data (health, service users' words: UK GDPR Article 9) are
declared `special=(...)`: that one list is what is sealed at rest (`undeclared()` also finds a special
column whose type is not `sealed.SealedText`, and a sealed one not declared) and what a CSV export must
leave out unless a broker explicitly chooses it (`special_columns()`; no export includes these columns
today, and tests/privacy/test_special_category.py downloads every CSV to keep it so).
"""
from __future__ import annotations

import enum
import importlib
import io
import json
import re
from dataclasses import asdict, dataclass, field, replace

from flask import current_app
from sqlalchemy import MetaData

from challenge.platform import csvsafe, sealed
from challenge.words import count

PERSONAL_DATA_MODULES = (
    "challenge.accounts.personal_data",
    "challenge.challenges.personal_data",
    "challenge.submissions.personal_data",
    "challenge.judging.personal_data",
    "challenge.payouts.personal_data",
    "challenge.partnerships.personal_data",
    "challenge.library.personal_data",
    "challenge.diagnoses.personal_data",
    "challenge.notifications.personal_data",
    "challenge.platform.personal_data",
    "challenge.privacy.personal_data",
    "challenge.webhooks.personal_data",
)


class Basis(str, enum.Enum):
    """The lawful bases of UK GDPR Article 6(1) the platform relies on, in the words of the notice."""

    CONTRACT = "Contract: needed to provide the service the person signed up for (Article 6(1)(b))"
    LEGAL_OBLIGATION = "Legal obligation: records the law requires us to keep (Article 6(1)(c))"
    LEGITIMATE_INTERESTS = "Legitimate interests: running a fair, secure prize (Article 6(1)(f))"
    PUBLIC_TASK = "Public task: the seeker's public function (Article 6(1)(e))"
    CONSENT = "Consent: given, recorded and withdrawable (Article 6(1)(a))"


@dataclass(frozen=True)
class Processing:
    """What one table holds about people and why. `columns` are the personal ones; `not_personal` the
    columns whose names look personal but hold nothing about a person (an organisation's name)."""

    table: str
    area: str
    data: str = ""
    columns: tuple[str, ...] = ()
    subjects: str = ""
    purpose: str = ""
    basis: Basis | None = None
    retention: str = ""  # may say "{period}": the configured period of `retention_period`
    retention_period: str = ""  # a class of the retention schedule (`RETENTION`), when the job enforces it
    recipients: str = ""
    special_category: bool = False
    special: tuple[str, ...] = ()  # the columns holding special category data: sealed, left out of exports
    not_personal: tuple[str, ...] = field(default=())

    @property
    def personal(self) -> bool:
        return bool(self.columns)


_DECLARED: dict[str, Processing] = {}


def declare(table: str, area: str, **facts) -> Processing:
    """Declare what `table` holds about people (called at import by each package's personal_data.py)."""
    if facts.get("special"):
        facts["special_category"] = True
    entry = Processing(table=table, area=area, **facts)
    if not set(entry.special) <= set(entry.columns):
        raise ValueError(f"{table}: a special category column must be one of its personal columns")
    if entry.personal and not (entry.subjects and entry.purpose and entry.basis and entry.retention
                               and entry.recipients and entry.data):
        raise ValueError(f"{table}: a table with personal data needs its data, subjects, purpose, basis, "
                         "retention and recipients")
    _DECLARED[table] = entry
    return entry


def no_personal_data(table: str, area: str, *not_personal: str) -> Processing:
    """Declare a table that holds nothing about people (naming any columns that only look personal)."""
    return declare(table, area, not_personal=tuple(not_personal))


def load() -> dict[str, Processing]:
    for module in PERSONAL_DATA_MODULES:
        importlib.import_module(module)
    return dict(_DECLARED)


def special_columns() -> dict[str, frozenset[str]]:
    """The special category columns of each table that has any (what exports leave out by default, and what
    a broker's view of which is logged)."""
    return {table: frozenset(p.special) for table, p in load().items() if p.special}


def describe_period(name: str) -> str:
    """A class of the retention schedule's configured period in words ("2 years"): the register says what the
    retention job (privacy/retention.py) enforces, both read from the one setting `RETENTION`."""
    unit, n = next(iter(current_app.config["RETENTION"][name].items()))
    return count(n, unit[:-1])


def _with_period(entry: Processing) -> Processing:
    if not entry.retention_period:
        return entry
    return replace(entry, retention=entry.retention.format(period=describe_period(entry.retention_period)))


def register() -> list[Processing]:
    """The register: the tables that hold personal data, grouped by area, in a stable order, each retention
    enforced by the job stating the configured period."""
    return sorted((_with_period(p) for p in load().values() if p.personal), key=lambda p: (p.area, p.table))


COLUMNS = ("area", "table", "data", "columns", "subjects", "purpose", "basis", "special_category", "special",
           "retention", "recipients")


def _row(entry: Processing) -> dict:
    row = {k: v for k, v in asdict(entry).items() if k in COLUMNS}
    row["columns"], row["special"] = ", ".join(entry.columns), ", ".join(entry.special)
    row["basis"] = entry.basis.value if entry.basis else ""
    return row


def as_csv() -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(COLUMNS)
    for entry in register():
        row = _row(entry)
        writer.writerow(row[c] for c in COLUMNS)
    return out.getvalue()


def as_json(controller: dict) -> str:
    return json.dumps({"controller": controller, "records": [_row(e) for e in register()]}, indent=2,
                      ensure_ascii=False)


# A column looks personal when it points at a person or its name says it may hold something about one.
LOOKS_PERSONAL = re.compile(
    r"(^|_)(email|name|bio|ip|user_agent|phone|address|account_holder|bank|iban|bic|comment|note|body|quotes|"
    r"evidence|answer|reason|story|voter|description|summary|title|contact)($|_)")


def looks_personal(column) -> bool:
    return any(fk.column.table.name == "users" for fk in column.foreign_keys) or bool(
        LOOKS_PERSONAL.search(column.name))


def undeclared(metadata: MetaData) -> list[str]:
    """Tables nobody declared, and personal-looking columns a declaration neither lists nor sets aside."""
    declared = load()
    problems = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        entry = declared.get(table.name)
        if entry is None:
            problems.append(f"{table.name}: no declaration in any personal_data.py")
            continue
        for column in table.columns:
            if looks_personal(column) and column.name not in entry.columns + entry.not_personal:
                problems.append(f"{table.name}.{column.name}: looks personal but is not declared")
        for name in entry.columns + entry.not_personal:
            if name not in table.columns:
                problems.append(f"{table.name}.{name}: declared but not a column")
        problems += _unsealed(table, entry)
    return problems


def _unsealed(table, entry: Processing) -> list[str]:
    """Special category columns not sealed at rest, and sealed ones nobody declared special."""
    problems = []
    for column in table.columns:
        if column.name in entry.special and not sealed.is_special(column):
            problems.append(f"{table.name}.{column.name}: special category but not sealed at rest")
        elif column.name not in entry.special and sealed.is_special(column):
            problems.append(f"{table.name}.{column.name}: sealed as special category but not declared special")
    return problems

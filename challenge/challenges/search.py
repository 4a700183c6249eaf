"""The catalogue's text search: the same answers on PostgreSQL and on SQLite.

Both search a challenge's stored `search_text` (its words, tags, outcomes and organisation's name; see
models.SEARCH_SQL). PostgreSQL reads the query with `websearch_to_tsquery` and the English configuration;
SQLite has no such parser, so `parse` reads the same syntax here and `fts_clause` asks the FTS5 table
(porter tokenizer, holding the listed challenges only: migration 0044) for each part:

- words are all required and stemmed ("exclusions" finds "exclusion"); PostgreSQL's English stop words
  ("the", "of", "for") are left out, as PostgreSQL leaves them out;
- "quoted words" must appear together, in that order;
- `-word` or `-"a phrase"` excludes the challenges that have it;
- `or` between words gives either side: `carers or loneliness`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import (Integer, String, and_, bindparam, column, false, func, literal_column, not_, or_, select,
                        table, true)

from challenge.challenges.models import (SEARCH_CONFIG, SEARCH_INDEX_TABLE, SEARCH_LISTED_TABLE, Challenge,
                                        search_document)
from challenge.extensions import db

MAX_TERMS = 8
MAX_QUERY = 500  # characters handed to PostgreSQL's parser

# PostgreSQL's English stop-word list (tsearch_data/english.stop), so SQLite leaves out the same words.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
herself it its itself they them their theirs themselves what which who whom this that these those am is are
was were be been being have has had having do does did doing a an the and but if or because as until while
of at by for with about against between into through during before after above below to from up down in out
on off over under again further then once here there when where why how all any both each few more most
other some such no nor not only own same so than too very s t can will just don should now
""".split())

_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]  # lower-cased words, in order
    negated: bool = False


def parse(q: str) -> list[list[Term]]:
    """The query as alternatives (split by `or`), each a list of terms that must all hold. Terms that
    leave nothing to search for (stop words, punctuation) are dropped, as PostgreSQL drops them."""
    groups: list[list[Term]] = [[]]
    count = 0
    for match in _TERM.finditer(q):
        minus, quoted, word = match.groups()
        if quoted is None and minus == "" and word.lower() == "or":
            groups.append([])
            continue
        tokens = tuple(t.lower() for t in _TOKEN.findall(quoted if quoted is not None else word))
        if quoted is None or len(tokens) == 1:
            tokens = tuple(t for t in tokens if t not in STOP_WORDS)
        if tokens and count < MAX_TERMS:
            groups[-1].append(Term(tokens, negated=bool(minus)))
            count += 1
    return [g for g in groups if g]


def text_clause(q: str, dialect: str):
    """The SQL condition for a catalogue search `q` on this database."""
    if dialect == "postgresql":
        query = db.func.websearch_to_tsquery(SEARCH_CONFIG, q[:MAX_QUERY])
        return search_document().op("@@")(query)
    return fts_clause(parse(q))


def words_clause(dialect: str):
    """The condition `text_clause` makes, in one shape for every search, its words a parameter (`words_values`
    gives it): a statement built around it is built once, not per search (building the catalogue's search
    statement cost more Python than running it)."""
    if dialect == "postgresql":
        return search_document().op("@@")(_words_query())
    return Challenge.id.in_(_matching(_words()))


def words_count(dialect: str):
    """How many listed challenges `words_clause` finds, as a value to put beside others: counted from the search's
    own index of the listed challenges alone (SQLite: the FTS5 table; PostgreSQL: LISTED_SEARCH's narrow rows)."""
    if dialect == "postgresql":
        return select(func.count()).select_from(LISTED_SEARCH).where(listed_words_clause()).scalar_subquery()
    return _fts_count().scalar_subquery()


def fts_counted():
    """SQLite: `words_count` as a common table expression (one row, its column `n`), for a statement that asks the
    count more than once: SQLite counts once for the whole statement, where each scalar subquery counts again."""
    return _fts_count().cte("matched")


def _fts_count():
    """SQLite: how many rows of the FTS5 table match the words parameter, as a select of one column `n`."""
    return select(func.count().label("n")).select_from(_FTS_INDEX).where(_fts_match(_words()))


# PostgreSQL: the listed challenges' narrow rows (models.SEARCH_LISTED_TABLE).
LISTED_SEARCH = table(SEARCH_LISTED_TABLE, column("id", Integer), column("state", String),
                      column("closes_at", Challenge.closes_at.type), column("search_text", String))


def listed_words_clause():
    """PostgreSQL: the condition that a row of LISTED_SEARCH matches the words parameter (as `words_clause`), through
    its GIN index (the same expression)."""
    return func.to_tsvector(SEARCH_CONFIG, LISTED_SEARCH.c.search_text).op("@@")(_words_query())


def _words():
    """The words parameter of the statements built once (`words_values` gives its value)."""
    return bindparam("words", type_=String)


def _words_query():
    """PostgreSQL: the words parameter read as a web search's query."""
    return func.websearch_to_tsquery(SEARCH_CONFIG, _words())


def words_values(q: str, dialect: str) -> dict | None:
    """The parameter of `words_clause` for the search `q`, or None where that one shape cannot say it (SQLite: a
    part of the query that only leaves words out); `text_clause` then builds the condition for it."""
    if dialect == "postgresql":
        return {"words": q[:MAX_QUERY]}
    expression = fts_expression(parse(q))
    return None if expression is None else {"words": expression}


def fts_expression(groups: list[list[Term]]) -> str | None:
    """SQLite: the whole query as one FTS5 expression, meaning what `fts_clause` means: each group's positive
    terms AND-ed, NOT any of its negative ones, the groups OR-ed. None when a group has no positive term (FTS5's
    NOT needs something on its left) or there is nothing to search for."""
    if not groups or any(not any(not t.negated for t in group) for group in groups):
        return None
    alternatives = []
    for group in groups:
        wanted = " AND ".join(_fts(t) for t in group if not t.negated)
        unwanted = " OR ".join(_fts(t) for t in group if t.negated)
        alternatives.append(f"(({wanted}) NOT ({unwanted}))" if unwanted else f"({wanted})")
    return " OR ".join(alternatives)


def fts_clause(groups: list[list[Term]]):
    """SQLite: each term asks the FTS5 index once; a group's positive terms must all match and none of
    its negative ones; any group may match. Nothing to search for matches nothing, as on PostgreSQL."""
    if not groups:
        return false()
    return or_(*(_group_clause(group) for group in groups))


def _group_clause(group: list[Term]):
    wanted = [t for t in group if not t.negated]
    unwanted = [t for t in group if t.negated]
    clause = Challenge.id.in_(_matching(" AND ".join(_fts(t) for t in wanted))) if wanted else true()
    if unwanted:
        clause = and_(clause, not_(Challenge.id.in_(_matching(" OR ".join(_fts(t) for t in unwanted)))))
    return clause


def _fts(term: Term) -> str:
    """One term in FTS5's syntax: a quoted string of word tokens, which FTS5 reads as a phrase."""
    return '"' + " ".join(term.tokens) + '"'


# SQLite's FTS5 table of the listed challenges' search texts, its rowid the challenge's id.
_FTS_INDEX = table(SEARCH_INDEX_TABLE, column("rowid", Integer))


def _fts_match(expression):
    """SQLite: the condition that _FTS_INDEX's row matches the FTS5 `expression` (a value or a parameter)."""
    return literal_column(SEARCH_INDEX_TABLE).op("MATCH")(expression)


def _matching(expression):
    return select(_FTS_INDEX.c.rowid).where(_fts_match(expression))

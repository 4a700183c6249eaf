"""Rows of a statement of columns read around the ORM: one way, for the few places where the ORM's handling of
each row costs as much as the statement (the catalogue's cards, a panel's 20,000 scores, the signed-in user read on
every request: `persistent` makes the one instance such a row stands for); a related table's rows as one value of a
row (`json_rows`, read back by `decoded`: the challenge page's eight lists in one statement); and a fixed list of
values in a statement that runs on every page view (`one_of`)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (JSON, Boolean, ColumnElement, Date, DateTime, Enum, Integer, Result, String, func, inspect,
                        literal, type_coerce)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.types import TypeDecorator

from challenge.extensions import db


def read_columns(statement, values: dict | None = None) -> Result:
    """The result of `statement` (columns, no entities), run on the session's connection after the flush the session
    would make before it: to be read with `.all()`, or row by row without holding them all."""
    db.session.flush()
    return db.session.connection().execute(statement, values or {})


M = TypeVar("M")


@lru_cache(maxsize=64)  # a few models
def model_columns(model) -> tuple:
    """The columns of `model` (or an alias of one) that a query of it loads (not the deferred ones), in its
    attributes' order: a row of them is what `instance_of` and `json_instances` read."""
    mapper = inspect(model).mapper
    return tuple(getattr(model, prop.key) for prop in mapper.column_attrs if not prop.deferred)


def loaded_columns(model: type) -> list:
    """`model_columns(model)`, each labelled with its attribute's name: what `persistent` needs of a row."""
    return [column.label(column.key) for column in model_columns(model)]


def persistent(model: type[M], values: Mapping[str, Any]) -> M:
    """The instance of `model` that a row of `loaded_columns(model)` stands for, in the session as if a query had
    loaded it: the one already there if the session has it, or else made with those values as its loaded state
    (nothing to flush), its relationships and deferred columns loaded when first read, its changes flushed as
    any instance's. For the signed-in user, read on every request, this and the columns' read cost ~0.065 ms less
    than the ORM's loading of the row (with its memberships joined)."""
    mapper, keys, primary_key = _shape(model)
    key = mapper.identity_key_from_primary_key([values[name] for name in primary_key])
    session = db.session()
    kept = session.identity_map.get(key)
    if kept is not None:
        return kept
    instance = mapper.class_manager.new_instance()
    # A new instance has no history: its values set as the ORM's loading sets them (make_transient_to_detached then
    # commits them as loaded and expires the rest) cost less than set_committed_value's bookkeeping a column.
    instance.__dict__.update((name, values[name]) for name in keys if name in values)
    make_transient_to_detached(instance)
    # Session.add, less its cascade: a walk of every relationship for related instances to add with it, of which a
    # new instance has none (half of Session.add's cost, ~5 µs an instance; the challenge page makes a dozen).
    session._update_impl(instance_state(instance))
    return instance


def instance_of(model: type[M], values: Sequence) -> M:
    """`persistent(model, …)` of a row of `model_columns(model)`'s values, in their order."""
    return persistent(model, dict(zip((column.key for column in model_columns(model)), values, strict=True)))


def json_instances(model: type[M], value) -> list[M]:
    """The instances of `model` that `json_rows(…, model_columns(model), …)`'s `value` holds, in its order."""
    return [instance_of(model, item) for item in decoded(model_columns(model), value)]


@lru_cache(maxsize=64)  # a few models
def _shape(model: type) -> tuple[Any, tuple[str, ...], tuple[str, ...]]:
    """`model`'s mapper, its columns' attribute names and its primary key's."""
    mapper = inspect(model)
    return (mapper, tuple(prop.key for prop in mapper.column_attrs),
            tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key))


def json_rows(dialect: str, columns: Sequence, *where, order_by: Sequence = (), from_=None) -> ColumnElement:
    """A subquery (correlated through `where`) of the rows of `columns` that meet `where`, in `order_by`, as one
    JSON array holding each row as an array of its values (NULL when there are none), for the database `dialect`
    ("postgresql" or "sqlite"); `decoded(columns, value)` reads it back as the columns' types would load it.

    A statement that reads a page's lists as such values returns one row instead of a row for each item of each
    list: on PostgreSQL, the challenge page's statement cost the server ~0.43 ms a run as eight lists joined to
    their own rows and ~0.22 ms as JSON values, and the worker ~0.2 ms less, without the ORM's handling of eleven
    entities (issue 13). PostgreSQL orders the aggregate itself; SQLite 3.40 cannot, and aggregates the rows of a
    subquery in its order (it does not flatten an ordered subquery into an aggregate's)."""
    if dialect == "postgresql":
        rows = func.json_build_array(*columns)
        aggregate = func.json_agg(aggregate_order_by(rows, *order_by) if order_by else rows)
        statement = db.select(aggregate)
        if from_ is not None:
            statement = statement.select_from(from_)
        return type_coerce(statement.where(*where).scalar_subquery(), JSON)
    inner = db.select(*(column.label(f"c{n}") for n, column in enumerate(columns)))
    if from_ is not None:
        inner = inner.select_from(from_)
    # A subquery in FROM is not correlated unless told: all but its own tables are the enclosing statement's.
    own = {column.table for column in columns} | ({from_} if from_ is not None else set())
    inner = inner.where(*where).order_by(*order_by).correlate_except(*own).subquery()
    # SQLite keeps a JSON column as text, which json_array would quote as a string: json() makes it the value it
    # holds (as PostgreSQL's json_build_array does), outside the subquery, which would lose what json() marks.
    values = [func.json(value) if isinstance(column.type, JSON) else value
              for column, value in zip(columns, inner.c, strict=True)]
    return type_coerce(db.select(func.json_group_array(func.json_array(*values))).scalar_subquery(), JSON)


def decoded(columns: Sequence, value) -> list[tuple]:
    """The rows of `json_rows(…, columns, …)`'s `value`, each a tuple of its values as a statement of `columns`
    would load them (a timestamp, a date or a flag from its JSON form, then a column type's own conversion)."""
    if not value:
        return []
    loads = _loaders(tuple(columns), db.engine.dialect)
    return [tuple(v if v is None or load is None else load(v) for load, v in zip(loads, row, strict=True))
            for row in value]


@lru_cache(maxsize=64)
def _loaders(columns: tuple, dialect) -> tuple[Callable[[Any], Any] | None, ...]:
    return tuple(_loader(column.type, dialect) for column in columns)


def _loader(kind, dialect) -> Callable[[Any], Any] | None:
    """How a value of a column of type `kind` is read from its JSON form (None: as it is)."""
    if isinstance(kind, TypeDecorator):
        inner = _loader(kind.impl, dialect)
        if inner is None:
            return lambda value: kind.process_result_value(value, dialect)
        return lambda value: kind.process_result_value(inner(value), dialect)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Boolean):
        return bool  # SQLite's 0 and 1
    if isinstance(kind, (Integer, String, JSON)) and not isinstance(kind, Enum):  # an Enum's members: not its text
        return None
    raise TypeError(f"json_rows cannot read back a column of type {kind!r}")


def one_of(column, values: Iterable, *, negate: bool = False) -> ColumnElement[bool]:
    """`column IN (values)` (`NOT IN` with `negate`) for values fixed in the code (a lifecycle's states), each a
    parameter of the statement as built. `column.in_(values)` sends the same parameters, but as one "expanding"
    parameter, which SQLAlchemy writes out into the statement's text each time it runs (a pass over the whole
    text, ~0.05 ms for the challenge page's 8 kB statement, issue 13). For a statement that runs on every page view."""
    items = [literal(value, column.type) for value in values]
    return column.not_in(items) if negate else column.in_(items)

"""Model instances from rows of hand-written SQL, made as the ORM makes them.

    columns = ModelColumns(Datasource)                  # or ModelColumns(Model, ["id", "store"])
    sql = f"SELECT {columns.select('d')} FROM ... d WHERE d.id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    datasource = columns.instance(row, connection)      # converters applied, then Model.from_db

For the few fixed-shape statements run on every request (`builder.statements`,
`restapi.authentication`): Django's ORM compiles a query anew on each call,
0.3-0.6 ms of CPU against ~0.03 ms for SQLite to run it. Each column goes
through the converters the ORM would apply to it (the backend's, e.g.
SQLite's datetimes and booleans, then the field's own: JSON, decryption),
so the instance is the one the ORM would give, the fields not selected
deferred.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

__all__ = ["ModelColumns", "column", "concrete_field", "table"]

_M = TypeVar("_M", bound=Model)
_Converter = Callable[..., Any]


def table(model: type[Model]) -> str:
    """The model's table name, quoted for the current connection."""
    return connection.ops.quote_name(model._meta.db_table)


def concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    """The model's field with a column called ``name`` (ValueError for a relation's other side)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} has no column")
    return field


def column(model: type[Model], name: str) -> str:
    """A field's column name (``user`` is ``user_id``), quoted for the current connection."""
    return connection.ops.quote_name(str(concrete_field(model, name).column))


class ModelColumns(Generic[_M]):
    """Some concrete fields of one model (all by default), in the model's order."""

    def __init__(self, model: type[_M], names: Sequence[str] | None = None) -> None:
        wanted = set(names) if names is not None else None
        self.model = model
        self.fields: list[Field[Any, Any]] = [
            f for f in model._meta.concrete_fields if wanted is None or f.name in wanted
        ]
        if wanted is not None and len(self.fields) != len(wanted):
            raise ValueError(f"not all concrete fields of {model.__name__}: {sorted(wanted)}")
        self.attnames = [f.attname for f in self.fields]
        # Built once per database alias. A backend converter is a method of one
        # connection's `ops` (there is one connection per thread, often one per
        # request): it is kept unbound and called on the current one's.
        self._converters: dict[str, list[tuple[int, list[tuple[_Converter, bool]], Any]]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, alias: str) -> str:
        """The SELECT list: ``"alias"."column", ...`` in field order."""
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(alias)}.{quote(str(f.column))}" for f in self.fields)

    def _converters_for(
        self, db: BaseDatabaseWrapper
    ) -> list[tuple[int, list[tuple[_Converter, bool]], Any]]:
        found = self._converters.get(db.alias)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                col = field.get_col(self.model._meta.db_table)
                backend = [
                    (c.__func__, True) if getattr(c, "__self__", None) is db.ops else (c, False)
                    for c in db.ops.get_db_converters(col)
                ]
                own = [(c, False) for c in col.get_db_converters(db)]
                if backend or own:
                    found.append((index, backend + own, col))
            with self._lock:
                self._converters[db.alias] = found
        return found

    def instance(self, values: Sequence[Any], db: BaseDatabaseWrapper) -> _M:
        """The instance the ORM would make of these columns' values (other fields deferred)."""
        db = connections[db.alias]  # the thread's own connection, not `connection`'s proxy
        row = list(values)
        for index, converters, col in self._converters_for(db):
            value = row[index]
            for converter, on_ops in converters:
                value = converter(db.ops, value, col, db) if on_ops else converter(value, col, db)
            row[index] = value
        return self.model.from_db(db.alias, self.attnames, row)

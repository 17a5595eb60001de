"""``compile_page`` with meta properties: the entry point ``runtime.compile_page``.

:func:`runtime.page_compiler.compile_page` builds the program and graph and
knows nothing of :attr:`EntitySpec.meta`; this step records which computed
properties are meta (``"Input1.text"``), so that ``evaluate`` and
``reevaluate`` let a value in the state win over their binding. It is kept
apart from the compiler so the two can change independently; folding it
into the compiler is one line there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from runtime.engine import Engine
from runtime.limits import EvaluationLimits
from runtime.page import CompiledPage, EntitySpec
from runtime.page_compiler import GLOBAL_NAMES
from runtime.page_compiler import compile_page as compile_without_meta


def compile_page(
    entities: Mapping[str, EntitySpec | Mapping[str, Any]],
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    global_names: Iterable[str] = GLOBAL_NAMES,
) -> CompiledPage:
    """Compile a page's entities (widgets and actions) into a :class:`CompiledPage`."""
    page = compile_without_meta(entities, limits=limits, engine=engine, global_names=global_names)
    declared = {
        f"{name}.{prop}"
        for name, spec in entities.items()
        for prop in EntitySpec.coerce(name, spec).meta
    }
    meta = frozenset(unit.path for unit in page.units if unit.path in declared)
    if not meta:
        return page
    # A new page, not dataclasses.replace(): that would hand the private
    # indexes over to be filled twice. __post_init__ indexes the meta nodes.
    return CompiledPage(
        units=page.units,
        reads=page.reads,
        graph=page.graph,
        static=page.static,
        compile_errors=page.compile_errors,
        program=page.program,
        program_index=page.program_index,
        limits=page.limits,
        meta=meta,
    )

"""What a binding reads: free names and their member paths, found by parsing.

The public, cached face of the analysis. ``analyse_expression`` answers for
one binding from :mod:`runtime.js_scope_analysis` (parse it alone, walk it
with a scope chain). ``analyse_expressions`` answers for a whole page at
once through :mod:`runtime.js_batch_analysis` (one parse, a query), which
gives the same results where it is used. Both fill one cache, so compiling
a page batch-analyses its bindings first and then asks for each in turn.

An :class:`~runtime.js_scope_analysis.Analysis` lists the member paths read
(``FilePicker1.files[0].name`` reads ``FilePicker1.files``) or says why the
binding cannot run (a syntax error, not exactly one expression, nested too
deep).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from runtime.js_batch_analysis import analyse_batch, can_batch
from runtime.js_scope_analysis import Analysis, analyse_alone


class _Cache:
    """Analyses by (code, max_depth), shared by single and batch analysis."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.data: dict[tuple[str, int], Analysis] = {}
        self.lock = threading.Lock()

    def get(self, code: str, max_depth: int) -> Analysis | None:
        return self.data.get((code, max_depth))

    def put(self, code: str, max_depth: int, analysis: Analysis) -> Analysis:
        with self.lock:
            if len(self.data) >= self.maxsize:
                # Drop the oldest half: cheaper than LRU bookkeeping on every hit.
                for key in list(self.data)[: self.maxsize // 2]:
                    del self.data[key]
            return self.data.setdefault((code, max_depth), analysis)

    def put_many(self, max_depth: int, analyses: dict[str, Analysis]) -> None:
        with self.lock:
            if len(self.data) + len(analyses) > self.maxsize:
                self.data.clear()
            for code, analysis in analyses.items():
                self.data.setdefault((code, max_depth), analysis)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


_cache = _Cache(16384)


class _AnalyseExpression:
    """``analyse_expression(code, max_depth=200)``: one binding, cached per text."""

    def __call__(self, code: str, max_depth: int = 200) -> Analysis:
        analysis = _cache.get(code, max_depth)
        if analysis is None:
            analysis = _cache.put(code, max_depth, analyse_alone(code, max_depth))
        return analysis

    def cache_clear(self) -> None:
        _cache.clear()


analyse_expression = _AnalyseExpression()
"""Parse one binding's code and list what it reads. Cached per text."""


def analyse_expressions(codes: Iterable[str], max_depth: int = 200) -> None:
    """Analyse many bindings at once into the cache ``analyse_expression`` reads.

    One tree-sitter parse for all of them instead of one each, and a query
    instead of a Python walk where that gives the same answer (see
    :mod:`runtime.js_batch_analysis`).
    """
    fresh: dict[str, None] = {}
    for code in codes:
        if _cache.get(code, max_depth) is None:
            fresh[code] = None
    if not fresh:
        return
    batch: list[str] = []
    for code in fresh:
        if can_batch(code, max_depth):
            batch.append(code)
        else:
            _cache.put(code, max_depth, analyse_alone(code, max_depth))
    if batch:
        _cache.put_many(max_depth, analyse_batch(batch, max_depth))

"""Benchmark page evaluation: ``.venv/bin/python bench/evaluate.py [--runs N]``.

Generates a page of 1,000 widgets and 3,000 bindings (chains, maps over an
API's rows, string templates) and prints medians of:

* cold: parse + graph + compile + evaluate, with every cache cleared;
* warm: evaluating the compiled (published) page again;
* incremental: re-evaluating after one Input changes (it feeds 10 bindings);
* floors: what the two engines alone take on this page (one tree-sitter parse
  of every binding, one QuickJS compile of the generated program in a fresh
  context), the parts of a cold evaluation no Python change can remove;
* js2py against QuickJS, if js2py is importable (``pip install Js2Py==0.74``):
  js2py is ES5-only and takes ~2 ms a binding, so both engines run the same
  ES5 variant of the page (function expressions instead of arrows) cut to
  100 widgets (~300 bindings), through the runtime's engine interface.

Run by hand; nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runtime import CompiledPage, clear_caches, compile_page, get_engine

WIDGETS = 1000
CHAIN = 10
ROWS = 10  # rows in Api1.data; --heavy-rows adds a run with a bigger table
TARGETS = {"warm": 10.0, "cold": 50.0, "incremental": 0.5}
JS2PY_WIDGETS = 100
JS2PY_TARGET = 300  # QuickJS at least this many times faster


HEAVY_ROWS = (
    "{{ Api1.data.filter(d => d.score > %d)"
    ".map(({ id, name }) => ({ id, label: `${name}!` })).slice(0, 5) }}"
)


def build_page(heavy: bool = False, es5: bool = False, widgets: int = WIDGETS) -> dict[str, Any]:
    """1,000 widgets x 3 bindable properties; 10 bindings read SearchInput.text.

    Each widget has a chain link (``count``), a string template (``label``)
    and a map over the API's rows (``rows``); ``heavy`` makes that map a
    filter + destructuring map + template literal + slice (~10 us each in
    QuickJS instead of ~3 us). ``es5`` writes the map with a function
    expression, the only ES6 of the plain page, so that js2py can run it.
    """
    entities: dict[str, Any] = {
        "SearchInput": {"properties": {"text": "", "placeholder": "Search"}},
        "Api1": {"properties": {"data": [], "isLoading": False}},
    }
    for i in range(widgets - 1):
        name = f"Text{i}"
        if i % CHAIN == 0:
            count = f"{{{{ Api1.data.length + {i} }}}}"
        else:
            count = f"{{{{ Text{i - 1}.count + 1 }}}}"
        if i < 10:
            label = f"Search: {{{{ SearchInput.text }}}} in {{{{ Text{i}.count }}}} rows #{i}"
        else:
            label = f"Item {{{{ Text{i}.count }}}} of {{{{ appsmith.store.total }}}} #{i}"
        if heavy:
            rows = HEAVY_ROWS % (i % 50)
        elif es5:
            rows = f"{{{{ Api1.data.map(function (d) {{ return d.score + {i}; }}) }}}}"
        else:
            rows = f"{{{{ Api1.data.map(d => d.score + {i}) }}}}"
        entities[name] = {
            "properties": {
                "count": count,
                "label": label,
                "rows": rows,
                "visible": True,
                "onClick": "{{ Api1.run() }}",
            },
            "triggers": ["onClick"],
        }
    return entities


def build_state(search: str = "", rows_count: int = ROWS) -> dict[str, Any]:
    rows = [{"id": n, "name": f"row {n}", "score": (n * 7) % 100} for n in range(rows_count)]
    return {
        "SearchInput": {"text": search},
        "Api1": {"data": rows, "isLoading": False, "responseMeta": {"statusCode": 200}},
        "appsmith": {"store": {"total": 42}, "user": {"email": "ann@example.com"}, "URL": {}},
    }


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``fn``, in ms.

    CPU time is printed too because this machine is shared: other work
    inflates wall time but not the CPU time spent in this thread.
    """
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--heavy-rows", type=int, default=50)
    args = parser.parse_args()

    entities = build_page()
    state = build_state()
    page = compile_page(entities)
    bindings = len(page.units)
    first = page.evaluate(state)
    if first.errors:
        raise SystemExit(f"benchmark page has errors: {list(first.errors.items())[:3]}")

    def cold() -> None:
        clear_caches()
        compile_page(entities).evaluate(state)

    changed = build_state("abc")

    def incremental() -> None:
        page.reevaluate(first, ["SearchInput.text"], changed)

    affected = len(page.affected(["SearchInput.text"]))
    results = {
        "cold": median_ms(cold, max(5, args.runs // 3)),
        "warm": median_ms(lambda: page.evaluate(state), args.runs),
        "incremental": median_ms(incremental, args.runs * 10),
    }
    stored = page.to_json()
    results["load stored page"] = median_ms(
        lambda: CompiledPage.from_json(stored), max(5, args.runs // 3)
    )
    heavy_page = compile_page(build_page(heavy=True))
    results["warm, heavy maps"] = median_ms(lambda: heavy_page.evaluate(state), args.runs)
    big = build_state(rows_count=args.heavy_rows)
    results[f"warm, heavy maps, {args.heavy_rows} rows"] = median_ms(
        lambda: heavy_page.evaluate(big), max(5, args.runs // 3)
    )

    def cold_cached_parse() -> None:
        # The editor case: the page was compiled before and one text changed,
        # so every other binding's parse is a cache hit.
        get_engine().discard_all()  # type: ignore[attr-defined]
        compile_page(entities).evaluate(state)

    results["cold, parse cache warm"] = median_ms(cold_cached_parse, max(5, args.runs // 3))

    results.update(measure_floors(entities, page, max(5, args.runs // 3)))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load {load:.1f}, "
        f"python {platform.python_version()}"
    )
    print(
        f"page: {WIDGETS} widgets, {bindings} computed properties, {affected} read SearchInput, "
        f"Api1.data has {ROWS} rows"
    )
    print(f"{'':>26}  {'wall':>9}  {'cpu':>9}  (medians)")
    for name, (wall, cpu) in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else (" ok" if wall <= target else f" over {target} ms")
        print(f"{name:>26}: {wall:6.3f} ms {cpu:6.3f} ms{verdict}")
    if importlib.util.find_spec("js2py") is None:
        print("js2py: not installed (pip install Js2Py==0.74 to compare; unsafe, ES5 only)")
    else:
        compare_js2py(state, args.runs)


def measure_floors(
    entities: dict[str, Any], page: CompiledPage, runs: int
) -> dict[str, tuple[float, float]]:
    """The engines' own share of a cold evaluation, measured without Brace's code around it."""
    import quickjs  # the engine itself, not runtime.engine's sandbox around it

    from runtime.js_scope_analysis import parser
    from runtime.segments import parse_template

    codes = [
        part.code
        for spec in entities.values()
        for prop, value in spec["properties"].items()
        if prop not in spec.get("triggers", ()) and isinstance(value, str)
        for part in parse_template(value).parts
        if not isinstance(part, str)
    ]
    batch = "".join(f"(\n{code}\n);\n" for code in codes).encode()
    source = page.program.source()
    return {
        "floor: tree-sitter parse": median_ms(lambda: parser().parse(batch), runs),
        "floor: QuickJS compile": median_ms(lambda: quickjs.Context().eval(source), runs),
    }


def compare_js2py(state: dict[str, Any], runs: int) -> None:
    """Both engines on the same ES5 page, through ``CompiledPage.evaluate``."""
    page = compile_page(build_page(es5=True, widgets=JS2PY_WIDGETS))
    quickjs = get_engine("quickjs")
    js2py = get_engine("js2py")
    expected = page.evaluate(state, engine=quickjs)
    got = page.evaluate(state, engine=js2py)
    if expected.errors or got != expected:
        raise SystemExit("js2py and QuickJS disagree on the ES5 page; no comparison")
    quickjs_ms, quickjs_cpu = median_ms(lambda: page.evaluate(state, engine=quickjs), runs * 10)
    js2py_ms, js2py_cpu = median_ms(lambda: page.evaluate(state, engine=js2py), 3)
    ratio = js2py_ms / quickjs_ms
    verdict = "ok" if ratio >= JS2PY_TARGET else f"under the {JS2PY_TARGET}x target"
    print(
        f"ES5 page, {JS2PY_WIDGETS} widgets, {len(page.units)} computed properties, "
        "same values from both engines:"
    )
    print(f"{'warm QuickJS':>26}: {quickjs_ms:6.3f} ms {quickjs_cpu:6.3f} ms")
    print(f"{'js2py':>26}: {js2py_ms:6.0f} ms {js2py_cpu:6.0f} ms")
    print(f"{'js2py / QuickJS':>26}: {ratio:6.0f}x {verdict}")


if __name__ == "__main__":
    main()

"""Benchmark the editor's evaluate request after a one-property change.

    .venv/bin/python bench/editor.py [--edits 60] [--profile FILE]

The page is bench/evaluate.py's shape as a real layout: 1,000 widgets
(an Input, ``SearchInput``, and 999 Texts) and 2,997 computed properties,
per Text a chain link (``fontSize``, chains of 10), a string template with
two bindings (``text``) and a map over the API's 10 rows (``isVisible``);
``Api1`` is an action of the page whose result the state gives.

Each edit changes one property of the draft the editor holds, in turn: a
literal text property (``textColor``), the static text of a template, the
code of a binding, and a binding the edit adds (a literal ``textColor``
becomes ``{{ ... }}``). The timed span is the editor's request in-process,
body already encoded: ``POST /api/v1/pages/{id}/evaluate/`` with the draft
``layout`` and a state, through Django's test ``Client`` signed in as a
developer (session), SQLite; every answer is checked afterwards.

Printed twice: with the editor's compile cache (``BRACE_EDITOR_CACHE_PAGES``,
the default) and without it (0: every request compiles the whole draft, as
before the cache). Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDGETS = 1000
CHAIN = 10
ROWS = 10
TARGET_MS = 25.0


def _widget(name: str, type_: str, props: dict[str, Any], y: int) -> dict[str, Any]:
    return {
        "widgetName": name,
        "type": type_,
        "props": props,
        "position": {"x": (y % 6) * 10, "y": (y // 6) * 2, "w": 10, "h": 2},
        "children": [],
    }


def build_layout(widgets: int = WIDGETS) -> dict[str, Any]:
    """SearchInput and ``widgets - 1`` Texts with three bound properties each."""
    children = [_widget("SearchInput", "Input", {"placeholderText": "Search"}, 0)]
    for i in range(widgets - 1):
        if i % CHAIN == 0:
            size = f"{{{{ (Api1.data.length + {i % 7}) + 'px' }}}}"
        else:
            size = f"{{{{ (parseInt(Text{i - 1}.fontSize) + 1) + 'px' }}}}"
        if i < 10:
            text = f"Search: {{{{ SearchInput.text }}}} in {{{{ Text{i}.fontSize }}}} #{i}"
        else:
            text = f"Item {{{{ Text{i}.fontSize }}}} of {{{{ appsmith.store.total }}}} #{i}"
        props = {
            "text": text,
            "fontSize": size,
            "isVisible": f"{{{{ Api1.data.map(d => d.score + {i}).length > 0 }}}}",
            "textColor": "#231F20",
        }
        children.append(_widget(f"Text{i}", "Text", props, i + 1))
    return {
        "widgetName": "MainContainer",
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": 64, "h": 400},
        "children": children,
    }


def build_state() -> dict[str, Any]:
    rows = [{"id": n, "name": f"row {n}", "score": (n * 7) % 100} for n in range(ROWS)]
    return {
        "widgets": {"SearchInput": {"text": "abc"}},
        "actions": {"Api1": {"data": rows, "isLoading": False}},
        "store": {"total": 42},
    }


# One edit: (description, widget index, property, new value of the draft, expected).
Edit = tuple[str, int, str, str, Callable[[dict[str, Any]], bool]]


def _equals(prop: str, want: object) -> Callable[[dict[str, Any]], bool]:
    return lambda values: bool(values[prop] == want)


def _row_template(n: int) -> Callable[[dict[str, Any]], bool]:
    return lambda values: values["text"].startswith("Row ") and values["text"].endswith(f"#{n}")


def edits(count: int) -> list[Edit]:
    """``count`` one-property edits of different widgets, cycling through four kinds."""
    found: list[Edit] = []
    for n in range(count):
        i = 11 + (n * 37) % (WIDGETS - 12)  # a spread of widgets past the SearchInput ones
        kind = n % 4
        if kind == 0:
            color = f"#{(n * 2654435761) % 0xFFFFFF:06X}"
            found.append(("text property", i, "textColor", color, _equals("textColor", color)))
        elif kind == 1:
            text = f"Row {{{{ Text{i}.fontSize }}}} of {{{{ appsmith.store.total }}}} #{n}"
            found.append(
                (
                    "template text",
                    i,
                    "text",
                    text,
                    _row_template(n),
                )
            )
        elif kind == 2:
            code = f"{{{{ Api1.data.map(d => d.score + {n}).length > {ROWS} }}}}"
            found.append(("binding code", i, "isVisible", code, _equals("isVisible", False)))
        else:
            color = "{{ Api1.data.length > 5 ? '#00AA00' : '#AA0000' }}"
            found.append(("binding added", i, "textColor", color, _equals("textColor", "#00AA00")))
    return found


def _setup() -> tuple[Any, int]:
    """A developer signed in (session) and the page, saved with the unedited layout."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from builder.models import Action
    from builder.services.applications import create_application
    from workspaces.models import Membership, Role, Workspace

    developer = get_user_model().objects.create_user("bench_developer", password="x")
    workspace = Workspace.objects.create(name="Bench")
    Membership.objects.create(workspace=workspace, user=developer, role=Role.DEVELOPER)
    application = create_application(user=developer, workspace=workspace, name="Bench")
    page = application.pages.get(name="Page1")
    page.layout = build_layout()
    page.save()
    Action.objects.create(page=page, name="Api1", config={})
    client = Client()
    client.force_login(developer)
    return client, page.pk


def _measure(
    client: Any, page_id: int, count: int, profile: cProfile.Profile | None
) -> tuple[list[float], list[float]]:
    """Wall and CPU ms of each edit's request; every answer is checked after its timing.

    CPU time (this thread's) is printed beside wall time because the machine
    is shared: other work inflates wall time but not the CPU time spent here.
    """
    url = f"/api/v1/pages/{page_id}/evaluate/"
    state = build_state()
    draft = build_layout()
    warm = client.post(url, json.dumps({"layout": draft, "state": state}), "application/json")
    if warm.status_code != 200 or warm.json()["errors"]:
        raise SystemExit(f"the benchmark page does not evaluate cleanly: {warm.content[:300]!r}")
    times, cpu = [], []
    for description, index, prop, value, expected in edits(count):
        draft["children"][index + 1]["props"][prop] = value
        body = json.dumps({"layout": draft, "state": state})
        if profile is not None:
            profile.enable()
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.post(url, body, "application/json")
        cpu.append((time.thread_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        if profile is not None:
            profile.disable()
        answer = response.json()
        name = f"Text{index}"
        if response.status_code != 200 or answer["errors"] or not expected(answer["values"][name]):
            raise SystemExit(f"{description} on {name}.{prop}: unexpected {str(answer)[:300]}")
    return times, cpu


def _line(label: str, measured: tuple[list[float], list[float]]) -> str:
    times, cpu = measured
    q = statistics.quantiles(times, n=20)
    return (
        f"{label:>26}: wall median {statistics.median(times):6.1f} ms (p95 {q[18]:6.1f}, "
        f"min {min(times):6.1f}), cpu median {statistics.median(cpu):6.1f} ms, {len(times)} edits"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--profile", help="write a cProfile of the cached edits to this file")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="brace-bench-editor-"))
    os.environ["BRACE_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    client, page_id = _setup()

    results = {}
    default_pages = getattr(settings, "BRACE_EDITOR_CACHE_PAGES", None)
    if default_pages is not None:
        settings.BRACE_EDITOR_CACHE_PAGES = 0
        results["full compile (cache off)"] = _measure(client, page_id, args.edits, None)
        settings.BRACE_EDITOR_CACHE_PAGES = default_pages
    profile = cProfile.Profile() if args.profile else None
    label = "incremental (cache on)" if default_pages is not None else "full compile"
    results[label] = _measure(client, page_id, args.edits, profile)
    if profile is not None:
        profile.dump_stats(args.profile)

    load = os.getloadavg()[0]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load {load:.1f}, "
        f"python {platform.python_version()}"
    )
    print(
        f"page: {WIDGETS} widgets, {3 * (WIDGETS - 1)} computed properties; target {TARGET_MS} ms"
    )
    for name, times in results.items():
        print(_line(name, times))


if __name__ == "__main__":
    main()

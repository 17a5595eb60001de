"""Benchmark the editor canvas's first paint of a 1,000-widget page in Chromium.

    .venv/bin/python bench/editor_paint.py [--loads 15] [--widgets 1000] [--write]

Sets itself up in a throwaway directory (``BRACE_VAR_DIR``, a SQLite file,
``config.settings_test``): a developer, an application whose Page1 holds the
page of ``bench/evaluate.py``'s size (one Input and 999 Text widgets, 3,000
bindings: a chain link in each text, a colour and a visibility reading the
Input), and Brace served by a threaded WSGI server on loopback (static files
too, as ``runserver`` serves them). Then opens the editor on that page
``--loads`` times in headless Chromium (/usr/bin/chromium, one signed-in
browser context, so the browser cache is as warm as on a reload) and reads
the canvas's own performance marks, in ms since the navigation started:

* mount: the editor has loaded the page and its types and mounts the
  canvas (``brace:canvas-mount``): what comes before is the page and the
  API requests, not the canvas;
* drawn: every widget's box is in the DOM with its values
  (``brace:canvas-drawn``), the canvas's own script time ending;
* painted: the frame after that has been rendered (``brace:canvas-painted``),
  the figure the target (<= 1,000 ms) is about;
* evaluated: the canvas shows the server's values (the first evaluate answer
  applied), for context: that includes the server's evaluation of the page.

Prints the median of each (and the first, cold-cache load on its own), as a
Markdown section for bench/RESULTS.md ("editor_paint"); ``--write`` replaces
that section. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "editor_paint"
CHROMIUM = "/usr/bin/chromium"
TARGET_MS = 1000.0
CHAIN = 10
PER_ROW = 4  # Text widgets side by side, 16 columns each

# Resolves once the canvas has painted and the first evaluation is shown.
_MARKS = """
async () => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
  const loading = performance.now();
  while (mark("brace:canvas-painted") === undefined) {
    if (performance.now() - loading > 60000) {
      const text = document.body.innerText.slice(0, 300);
      throw new Error(`no canvas after 60 s at ${location.href}: ${text}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const shown = () => document.querySelector('[data-widget="Text1"] .w-text')?.textContent || "";
  const start = performance.now();
  while (!/^Item \\d/.test(shown()) && performance.now() - start < 30000) {
    await new Promise((r) => requestAnimationFrame(r));
  }
  return {
    mount: mark("brace:canvas-mount"),
    drawn: mark("brace:canvas-drawn"),
    painted: mark("brace:canvas-painted"),
    evaluated: /^Item \\d/.test(shown()) ? performance.now() : null,
    widgets: document.querySelectorAll(".c-widget").length,
  };
}
"""


def build_layout(widgets: int) -> dict[str, Any]:
    """One Input and ``widgets - 1`` Texts with three bindings each, four to a row."""
    children: list[dict[str, Any]] = [
        {
            "widgetName": "SearchInput",
            "type": "Input",
            "props": {"label": "Search", "placeholderText": "Search"},
            "position": {"x": 0, "y": 0, "w": 32, "h": 7},
        }
    ]
    for i in range(widgets - 1):
        if i % CHAIN == 0:
            text = f"Item {{{{ SearchInput.text.length + {i} }}}} #{i}"
        else:
            text = f"Item {{{{ Text{i - 1}.text.length + 1 }}}} #{i}"
        children.append(
            {
                "widgetName": f"Text{i}",
                "type": "Text",
                "props": {
                    "text": text,
                    "textColor": "{{ SearchInput.text ? '#2f5bd3' : '#231F20' }}",
                    "isVisible": f"{{{{ SearchInput.text !== 'hide {i}' }}}}",
                },
                "position": {"x": (i % PER_ROW) * 16, "y": 8 + (i // PER_ROW) * 4, "w": 16, "h": 4},
            }
        )
    return {
        "widgetName": "MainContainer",
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": 64, "h": 60},
        "children": children,
    }


def _brace_server() -> Any:
    """Brace's WSGI app (with static files) on a free loopback port, threaded."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Handler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def _setup(widgets: int) -> tuple[Any, str]:
    """The developer, and the editor's path on the big page."""
    from django.contrib.auth import get_user_model

    from builder.services.applications import create_application
    from workspaces.models import Membership, Role, Workspace

    developer = get_user_model().objects.create_user("bench_developer", password="x")
    workspace = Workspace.objects.create(name="Bench")
    Membership.objects.create(workspace=workspace, user=developer, role=Role.ADMIN)
    application = create_application(user=developer, workspace=workspace, name="Bench")
    page = application.pages.get(name="Page1")
    page.layout = build_layout(widgets)
    page.save()
    return developer, f"/editor/apps/{application.pk}/pages/{page.pk}/"


def _session_cookie(user: Any, url: str) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


def measure(url: str, path: str, cookie: Any, loads: int) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(base_url=url, viewport={"width": 1440, "height": 900})
        context.add_cookies([cookie])
        tab = context.new_page()
        for _ in range(loads):
            tab.goto(path)
            marks = tab.evaluate(_MARKS)
            runs.append(marks)
            print(
                f"mount {marks['mount']:.0f} ms, drawn {marks['drawn']:.0f} ms, "
                f"painted {marks['painted']:.0f} ms, "
                f"evaluated {marks['evaluated'] or float('nan'):.0f} ms, {marks['widgets']} widgets"
            )
        browser.close()
    return runs


def _section(runs: list[dict[str, Any]], args: Any) -> str:
    def med(key: str, rows: list[dict[str, Any]]) -> str:
        values = [row[key] for row in rows if row[key] is not None]
        return f"{statistics.median(values):.0f} ms" if values else "n/a"

    warm = runs[1:] or runs

    def spans(start: str, end: str) -> str:
        return f"{statistics.median(row[end] - row[start] for row in warm):.0f} ms"

    painted = statistics.median(row["painted"] for row in warm)
    verdict = "ok" if painted <= TARGET_MS else "**missed**"
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return "\n".join(
        [
            f"## {SECTION}",
            "",
            "`bench/editor_paint.py` (run by hand: "
            f"`.venv/bin/python bench/editor_paint.py --loads {args.loads}`).",
            f"Machine: {os.cpu_count()}-core {platform.machine()} VM, Python "
            f"{platform.python_version()}, {chromium} headless, viewport 1440x900. "
            f"Date: {date.today().isoformat()}. Load average {args.load}.",
            "",
            f"Page: {runs[0]['widgets']} widgets (one Input, Texts four to a row, each with a "
            "chained text binding, a colour and a visibility binding: 3,000 bindings), "
            f"opened {len(runs)} times in one signed-in browser context. Times in ms since "
            "the navigation started; medians of the loads after the first (the first, "
            "cold cache, on its own).",
            "",
            "| measurement | median | first load | target |",
            "| --- | ---: | ---: | ---: |",
            f"| editor loaded, canvas mounting (page, API requests) | {med('mount', warm)} | "
            f"{runs[0]['mount']:.0f} ms | - |",
            f"| canvas drawn (every widget's box in the DOM, with values) | {med('drawn', warm)} | "
            f"{runs[0]['drawn']:.0f} ms | - |",
            f"| canvas first paint (the frame after it) | {painted:.0f} ms | "
            f"{runs[0]['painted']:.0f} ms | {TARGET_MS:.0f} ms: {verdict} |",
            f"| of which the canvas's own script (drawn - mount) | {spans('mount', 'drawn')} | "
            f"{runs[0]['drawn'] - runs[0]['mount']:.0f} ms | - |",
            f"| of which the browser's style, layout and paint (painted - drawn) | "
            f"{spans('drawn', 'painted')} | {runs[0]['painted'] - runs[0]['drawn']:.0f} ms | - |",
            f"| evaluated values shown (includes the server's evaluation) | "
            f"{med('evaluated', warm)} | {med('evaluated', runs[:1])} | - |",
            "",
        ]
    )


def _write(section: str) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    start = text.find(f"## {SECTION}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    results.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=15)
    parser.add_argument("--widgets", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="brace-bench-editor-paint-"))
    os.environ["BRACE_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    developer, path = _setup(args.widgets)
    server = _brace_server()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Brace on {url}, data in {tmp}")

    load_before = os.getloadavg()[0]
    runs = measure(url, path, _session_cookie(developer, url), args.loads)
    server.shutdown()
    args.load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    section = _section(runs, args)
    print()
    print(section)
    if args.write:
        _write(section)


if __name__ == "__main__":
    main()

"""Brace under gunicorn as Procfile.production starts it (config/gunicorn.py,
gthread, two processes) with the production settings on the test database:
the probes answer, and the static files `collectstatic` hashed are served by
WhiteNoise, compressed and cached for ever, the portal's and the editor's
ES modules importing each other by their hashed names, every import found."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.production_server import ProductionServer

pytestmark = pytest.mark.django_db(transaction=True)

# A relative import or re-export in code (comments removed first), as written by Biome.
IMPORT = re.compile(r"""\b(?:import|export)\b[^;"']*?\bfrom\s*["'](\.[^"']+)["']\s*;""")
BARE_IMPORT = re.compile(r"""\bimport\s*["'](\.[^"']+)["']\s*;""")
COMMENT = re.compile(r"/\*.*?\*/|^\s*//[^\n]*", re.DOTALL | re.MULTILINE)
HASHED = re.compile(r"\.[0-9a-f]{12}\.js$")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ProductionServer]:
    with ProductionServer(tmp_path) as running:
        yield running


def _imports(source: str) -> list[str]:
    code = COMMENT.sub("", source)
    return IMPORT.findall(code) + BARE_IMPORT.findall(code)


def _module_graph(client: httpx.Client, entry: str) -> dict[str, list[str]]:
    """Every module reachable from `entry` (a /static/ URL), fetched over HTTP."""
    graph: dict[str, list[str]] = {}
    waiting = [entry]
    while waiting:
        url = waiting.pop()
        if url in graph:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/javascript"), url
        assert "immutable" in response.headers["cache-control"], url
        folder = posixpath.dirname(url)
        targets = [posixpath.normpath(posixpath.join(folder, i)) for i in _imports(response.text)]
        graph[url] = targets
        waiting.extend(targets)
    return graph


def test_gunicorn_serves_probes_and_hashed_static_files(server: ProductionServer) -> None:
    manifest: dict[str, Any] = json.loads((server.static_root / "staticfiles.json").read_text())
    paths: dict[str, str] = manifest["paths"]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ok"}
        # Any host, as a load balancer probing the instance's address sends.
        assert client.get("/readyz", headers={"Host": "10.9.8.7"}).status_code == 200

        login = client.get("/accounts/login/?next=/editor/&token=do-not-log-me")
        assert login.status_code == 200
        stylesheet = f"/static/{paths['brace/sign_in.css']}"
        assert stylesheet in login.text
        css = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
        assert css.status_code == 200
        assert css.headers["content-encoding"] == "gzip"
        assert "immutable" in css.headers["cache-control"]

        for entry in ("portal/portal.js", "editor/app/main.js", "editor/home.js"):
            graph = _module_graph(client, f"/static/{paths[entry]}")
            imported = [target for targets in graph.values() for target in targets]
            assert imported, entry
            # Every import names a hashed file, so a deploy never mixes versions.
            assert all(HASHED.search(target) for target in imported), entry
        assert len(_module_graph(client, f"/static/{paths['editor/app/main.js']}")) > 20

    server.stop()  # flushes the access log
    log = server.log.read_text()
    assert log.count("Booting worker with pid") == 2
    assert "Using worker: gthread" in log
    assert '"GET /accounts/login/ HTTP/1.1" 200' in log
    assert "do-not-log-me" not in log

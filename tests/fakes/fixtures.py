"""Fixtures that start the loopback fakes; ``tests/conftest.py`` registers them.

`server` and `other_server` are two `EchoServer`s (two origins), started once
per session and emptied of recorded requests for each test; `tls_server` is
an HTTPS `EchoServer` whose certificate names ``api.test``, with its CA file.
`upstream` is a fresh `LenientDropbox` and `dropbox_api` a fresh `DropboxApi`
per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.dropbox import DropboxApi, LenientDropbox
from tests.fakes.tls import make_certificates, server_context
from tests.fakes.upstream import EchoServer


@pytest.fixture(scope="session")
def _echo_servers() -> Iterator[tuple[EchoServer, EchoServer]]:
    with EchoServer() as first, EchoServer() as second:
        yield first, second


@pytest.fixture
def server(_echo_servers: tuple[EchoServer, EchoServer]) -> EchoServer:
    _echo_servers[0].received.clear()
    return _echo_servers[0]


@pytest.fixture
def other_server(_echo_servers: tuple[EchoServer, EchoServer]) -> EchoServer:
    """A second origin (another port), for cross-origin redirects."""
    _echo_servers[1].received.clear()
    return _echo_servers[1]


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EchoServer, Path]]:
    """An HTTPS echo server whose certificate names ``api.test``; yields it and the CA file."""
    ca, leaf, key = make_certificates(tmp_path_factory.mktemp("tls"), "api.test")
    with EchoServer(tls=server_context(leaf, key)) as srv:
        yield srv, ca


@pytest.fixture
def upstream() -> Iterator[LenientDropbox]:
    """A fresh recording API on 127.0.0.1 (see `LenientDropbox`), stopped after the test."""
    with LenientDropbox() as srv:
        yield srv


@pytest.fixture
def dropbox_api() -> Iterator[DropboxApi]:
    """A fresh Dropbox-shaped content API on 127.0.0.1, stopped after the test."""
    with DropboxApi() as srv:
        yield srv

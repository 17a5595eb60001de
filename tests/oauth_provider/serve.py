"""Run the test provider: ``python -m tests.oauth_provider.serve --port N --db PATH``.

Migrates its own SQLite file, creates the users and clients, then serves
threaded on 127.0.0.1 until killed.
"""

from __future__ import annotations

import argparse
import os
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oauth_provider.settings"
    os.environ["OAUTH_PROVIDER_DB"] = args.db

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    from tests.oauth_provider import setup_data
    from tests.oauth_provider.session_faults import CONNECTION

    call_command("migrate", verbosity=0)
    setup_data.create()

    class QuietHandler(WSGIRequestHandler):
        # Without it, Nagle and delayed ACKs add ~40 ms to keep-alive requests,
        # which would drown what the benchmark measures.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def get_environ(self) -> dict[str, str]:
            environ: dict[str, Any] = super().get_environ()
            # A view may drop the connection (a fault, tests.oauth_provider.session_faults).
            environ[CONNECTION] = self.connection
            return environ

    class Server(ThreadedWSGIServer):
        # Benchmarks open a hundred connections at once.
        request_queue_size = 512

    server = Server(("127.0.0.1", args.port), QuietHandler)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    server.serve_forever()


if __name__ == "__main__":
    main()

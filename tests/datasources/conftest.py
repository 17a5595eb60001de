"""Fixtures of the datasources tests.

The provider-backed fixtures live in ``tests.oauth_provider.fixtures`` so that
``tests/e2e`` can load them too; modules load them with ``pytest_plugins``.
"""

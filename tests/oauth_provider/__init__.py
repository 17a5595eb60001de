"""A real OAuth 2.0 authorization server for tests: django-oauth-toolkit on loopback.

It runs in its own process (``python -m tests.oauth_provider.serve``) because
Django settings are per process. See ``settings.py`` for its behaviour and
``views.py`` for the protected API and the test controls; ``fixtures.py``
holds the pytest fixtures that start it.
"""

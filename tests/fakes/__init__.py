"""The tests' loopback peers: real HTTP servers on 127.0.0.1 in the test process.

``loopback`` is the one server they all run on; ``upstream`` holds the generic
APIs (an echo with canned answers, a redirector), ``dropbox`` Dropbox's content
API (its rules are shared with the test provider's Dropbox endpoint in
``tests.oauth_provider``), ``tls`` a throwaway certificate authority.
``fixtures`` starts them for tests (registered in ``tests/conftest.py``).
"""

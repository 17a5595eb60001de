"""The HTML pages: the published portal and the editor's screens.

The views only authenticate, check membership and hand the page its ids; the
browser code in `static/` loads everything else from the REST API, so no
secret or token is ever rendered into a page.
"""

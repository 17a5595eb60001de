"""Static files in production: hashed names, compressed copies, served by WhiteNoise.

The editor and the portal are plain ES modules that import each other by
relative path (`import { api } from "../brace/http.js";`). With hashed names
the page loads `portal.3f2a….js`, and its imports must name hashed files
too, or a browser could run a new module against a cached old one after a
deploy (WhiteNoise caches hashed files for ever, others briefly). Django's
manifest storage rewrites `import … from "…";` and `export … from "…";`
when asked to (support_js_module_import_aggregation); its patterns need the
closing semicolon, which Biome's formatting keeps.

Its pattern for dynamic `import("…")` is left out: Brace's code has none,
and it matches the JSDoc type references (`@type {import("./store.js").X}`),
which would make type-only references count as dependencies, and a module
pair that reference each other's types a cycle the hashing cannot resolve
("Max post-process passes exceeded"). A real import cycle would stop
`collectstatic` the same way; tests/config/test_static_files.py runs it.
`new URL("./x.css", import.meta.url)` is not rewritten either: such a file is
served under its own name, unhashed.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

_GLOB, _PATTERNS = ManifestStaticFilesStorage._js_module_import_aggregation_patterns  # type: ignore[attr-defined]  # not in django-stubs
_STATEMENTS = tuple(
    pattern
    for pattern in _PATTERNS
    if not (isinstance(pattern, tuple) and pattern[0].startswith(r"(?P<matched>import\("))
)


class BraceStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped
    support_js_module_import_aggregation = True
    _js_module_import_aggregation_patterns = (_GLOB, _STATEMENTS)

"""What every REST API view of Brace shares, whichever app serves it.

    restapi.base      the base view (authentication, the body size guard),
                      `valid_body`, and the error responses' OpenAPI docs
    restapi.strict    serializer fields that refuse unknown keys and coerced types
    restapi.ids       `parse_id`: ids from paths (404) and from queries or bodies (400)
    restapi.errors    the errors of reading those values
    restapi.defaults  what answers where no view decides: OPTIONS, an unknown /api/ URL

A bottom layer: builder's and datasources' APIs import it; it imports none of
Brace's apps. The exception handler that renders every app's errors lives with
the API that wires them all (`builder.api.errors`).
"""

"""Writes: every change to builder data goes through a function here.

Each function runs in one transaction, so a failed check leaves nothing
half-written, and assumes the caller has checked the user's role (views do,
through `builder.selectors`). Faults are raised as `builder.errors` (or
the `widgets` error a check raised) naming the field; the API maps them to
statuses, so views need no translation.
"""

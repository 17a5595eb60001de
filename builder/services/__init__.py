"""Writes: every change to builder data goes through a function here.

Each function runs in one transaction, so a failed check leaves nothing
half-written, and assumes the caller has checked the user's role (views do,
through `builder.selectors`). Faults are raised as `builder.api.errors`
exceptions naming the field, so views need no translation.
"""

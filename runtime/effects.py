"""The effects an event handler can make: the one list of their names.

A handler calls ``showAlert(...)``, ``storeValue(...)``...; each call becomes an
effect ``{"type": <name>, ...}`` (shapes in ``docs/triggers.md``) that the
portal applies in order. Every place that knows the names reads them here:

- ``runtime.triggers`` puts ``BRIDGED_NAMES`` in the handler's scope and
  refuses an effect of any other type coming back from the sandbox;
- ``js/triggers.js`` implements the functions and is handed
  ``BRIDGED_NAMES`` when a handler context is built (``runtime.engine``): a
  function it has that the list lacks, or the reverse, stops the build;
- ``builder`` replays ``STORE_EFFECTS`` on the stored ``appsmith.store``;
- ``static/portal/effects.js`` and the docs are checked against
  ``EffectType`` by tests (``tests/runtime/test_effects.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["BRIDGED_NAMES", "STORE_EFFECTS", "TIMER_FUNCTIONS", "EffectType"]


class EffectType(StrEnum):
    """An effect's ``type``, which is also the name of the function that makes it."""

    SHOW_ALERT = "showAlert"
    STORE_VALUE = "storeValue"
    REMOVE_VALUE = "removeValue"
    CLEAR_STORE = "clearStore"
    NAVIGATE_TO = "navigateTo"
    RESET_WIDGET = "resetWidget"
    DOWNLOAD = "download"
    COPY_TO_CLIPBOARD = "copyToClipboard"
    SHOW_MODAL = "showModal"
    CLOSE_MODAL = "closeModal"


# The effects that change appsmith.store, replayed on it in the handler's order.
STORE_EFFECTS: Final = frozenset(
    {EffectType.STORE_VALUE, EffectType.REMOVE_VALUE, EffectType.CLEAR_STORE}
)

# Bridged too, but they make no effect: timers run inside the sandbox.
TIMER_FUNCTIONS: Final = ("setTimeout", "clearTimeout")

# Every function js/triggers.js puts in a handler's scope besides the queries.
BRIDGED_NAMES: Final[tuple[str, ...]] = (
    *(effect.value for effect in EffectType),
    *TIMER_FUNCTIONS,
)

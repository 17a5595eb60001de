"""Input: a single-line text field; end users set its meta ``text``."""

from __future__ import annotations

from collections.abc import Mapping

from widgets.errors import FieldError
from widgets.schema import (
    EventSpec,
    GridSize,
    MetaSpec,
    PropertySpec,
    Section,
    ValueType,
    WidgetType,
    type_name,
)
from widgets.types.common import is_disabled, is_required, is_visible

__all__ = ["INPUT", "validate_text"]

# Bounds what an end user can push into a session; far above any real form field.
MAX_TEXT_LENGTH = 100_000

# The derived expressions run with `this` bound to the widget. Arrow functions
# keep that `this`; a plain `function` would rebind it.
IS_VALID = """(() => {
  const text = this.text ?? "";
  if (text === "") return !this.isRequired;
  if (this.maxChars && text.length > this.maxChars) return false;
  if (this.inputType === "NUMBER" && Number.isNaN(Number(text))) return false;
  if (this.inputType === "EMAIL" && !/^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/.test(text)) return false;
  if (this.regex) {
    try { return new RegExp("^(?:" + this.regex + ")$").test(text); } catch (e) { return false; }
  }
  return true;
})()"""

VALUE = """(() => {
  const text = this.text ?? "";
  if (this.inputType !== "NUMBER") return text;
  const number = Number(text);
  return text === "" || Number.isNaN(number) ? null : number;
})()"""


def validate_text(value: object, props: Mapping[str, object], path: str) -> list[FieldError]:
    """End-user text must be a string; ``maxChars`` and ``regex`` feed isValid instead."""
    if not isinstance(value, str):
        return [FieldError(path, "invalid_type", f"text must be a string, not {type_name(value)}.")]
    if len(value) > MAX_TEXT_LENGTH:
        return [
            FieldError(path, "too_long", f"text can have at most {MAX_TEXT_LENGTH} characters.")
        ]
    return []


INPUT = WidgetType(
    name="Input",
    label="Input",
    help="A text field.",
    # A field with a text cursor in it.
    icon="M2 6h20v12H2zM4 8v8h16V8zM6 10h1.5v4H6z",
    default_size=GridSize(20, 7),
    default_props={"label": "Label"},
    properties=(
        PropertySpec("label", ValueType.STRING, "", label="Label"),
        # Not bindable: the editor changes the field's keyboard and validation with it.
        PropertySpec(
            "inputType",
            ValueType.ENUM,
            "TEXT",
            bindable=False,
            choices=("TEXT", "NUMBER", "EMAIL", "PASSWORD"),
            label="Data type",
        ),
        PropertySpec(
            "defaultText",
            ValueType.STRING,
            "",
            help="Initial value of text.",
            label="Default value",
        ),
        PropertySpec("placeholderText", ValueType.STRING, "", label="Placeholder"),
        is_required(),
        PropertySpec(
            "regex",
            ValueType.STRING,
            "",
            help="JavaScript regex the whole text must match.",
            label="Regex",
            section=Section.VALIDATION,
        ),
        PropertySpec(
            "errorMessage",
            ValueType.STRING,
            "",
            help="Shown when isValid is false.",
            label="Error message",
            section=Section.VALIDATION,
        ),
        PropertySpec(
            "maxChars",
            ValueType.INTEGER,
            None,
            nullable=True,
            minimum=1,
            label="Max characters",
            section=Section.VALIDATION,
        ),
        is_disabled(),
        is_visible(),
    ),
    meta=(
        MetaSpec(
            "text", "", validate_text, default_from="defaultText", help="What the user typed."
        ),
    ),
    derived={"isValid": IS_VALID, "value": VALUE},
    events=(
        EventSpec("onTextChanged", "Runs when an end user changes the text."),
        EventSpec("onSubmit", "Runs when an end user presses Enter."),
    ),
)

"""The building blocks every model item is made of: ids, text, numbers, and the strict base class.

Kept apart from :mod:`valuenet.models` so that both the value network and its
economic layer (:mod:`valuenet.models.economics`) can use them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

#: Control characters no text may hold (tab, line feed and carriage return are text; XML and XLSX hold no
#: others), and halves of surrogate pairs, which are no characters.
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: What no id may hold: control characters (line breaks and tabs included), and the invisible
#: characters that make two ids look alike (zero-width spaces and joiners, direction marks and overrides).
HIDDEN_IN_ID = re.compile("[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")


def _not_blank(value: str) -> str:
    if not value or value.isspace():
        raise ValueError("is empty or only white space")
    bad = CONTROL_IN_TEXT.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        raise ValueError(f"holds the control character {code}; text may hold tabs and line breaks only")
    return value


def _plain_id(value: str) -> str:
    bad = HIDDEN_IN_ID.search(value)
    if bad:
        raise ValueError(f"holds U+{ord(bad.group()):04X}, an invisible or control character, which no id may hold")
    return value


#: An id: white space around it is dropped (an id cannot start or end with a space), and it holds
#: no control or invisible characters (line breaks, zero-width spaces, direction overrides).
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_plain_id)]
#: Free text (a name, a title): kept exactly as given, spaces and line breaks included, but not blank,
#: and without control characters other than tab, line feed and carriage return.
Text = Annotated[str, AfterValidator(_not_blank)]


#: The whole numbers every store holds (64-bit integers).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: What a number field says of ``true`` or ``false`` (pydantic would read them as 1 and 0).
NOT_A_NUMBER = "Input should be a number, not true or false"


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("bool_not_number", NOT_A_NUMBER)
    return value


#: A finite number; ``true``/``false`` are refused, not read as 1 and 0.
Number = Annotated[float, BeforeValidator(_not_bool), Field(allow_inf_nan=False)]
#: A whole number a store can hold (64 bits); ``true``/``false`` are refused.
Whole = Annotated[int, BeforeValidator(_not_bool), Field(ge=INT_MIN, le=INT_MAX)]


class Base(BaseModel):
    """Every model item: unknown keys are refused, so a misspelt key is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)

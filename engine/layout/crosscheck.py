"""Cross-field correction: the ID number's check digit, its birth and sex digits, and the date order, used to fix
a single misread character when exactly one candidate satisfies them. Never invents an unsupported value."""

from __future__ import annotations

from dataclasses import replace

from engine.layout.fields import birth_from_id, is_valid_id, sex_from_id
from engine.results import FieldValue

# Characters a recognizer confuses in ID numbers (digits and the final X), each with its likely true readings.
CONFUSIONS = {
    "0": "869",
    "8": "036B",
    "6": "058",
    "9": "04",
    "1": "74",
    "7": "1",
    "4": "1",
    "3": "8",
    "5": "6",
    "2": "7",
    "X": "4",
}
# A corrected field keeps at most this confidence: it was inferred, not read cleanly.
CORRECTED_SCORE = 0.8


def correct_number(fields: dict[str, FieldValue], fill_from_number: bool) -> dict[str, FieldValue]:
    """Fix an ID number whose check digit fails when exactly one single-character change makes it valid and
    consistent with the printed birth date and sex; on pages that print them (`fill_from_number`), fill a missing
    birth or sex from a valid ID number."""
    number = fields.get("number")
    if number is None or not isinstance(number.value, str):
        return fields
    birth = _text(fields.get("birth"))
    sex = _text(fields.get("sex"))
    fixed = dict(fields)
    if not _consistent(number.value, birth, sex):
        candidates = {
            candidate
            for candidate in _single_changes(number.value)
            if is_valid_id(candidate) and _consistent(candidate, birth, sex)
        }
        if len(candidates) == 1:
            fixed["number"] = replace(number, value=candidates.pop(), score=min(number.score, CORRECTED_SCORE))
    value = fixed["number"].value
    if fill_from_number and isinstance(value, str) and is_valid_id(value):
        if "sex" not in fixed and (derived := sex_from_id(value)):
            fixed["sex"] = FieldValue(derived, min(fixed["number"].score, CORRECTED_SCORE), None)
        if "birth" not in fixed and (derived := birth_from_id(value)):
            fixed["birth"] = FieldValue(derived, min(fixed["number"].score, CORRECTED_SCORE), None)
    return fixed


def _consistent(number: str, birth: str | None, sex: str | None) -> bool:
    if not is_valid_id(number):
        return False
    return (birth is None or birth_from_id(number) == birth) and (sex is None or sex_from_id(number) == sex)


def _single_changes(number: str) -> list[str]:
    return [
        number[:index] + alternative + number[index + 1 :]
        for index, character in enumerate(number)
        for alternative in CONFUSIONS.get(character, "")
    ]


def _text(value: FieldValue | None) -> str | None:
    return value.value if value is not None and isinstance(value.value, str) else None

"""The engine on a rendered main page whose recognizer reads garbage: long digit runs, full-width, circled and
superscript digits, date characters. Each read still ends in pages of well-formed values or in 'no license',
never in an exception from deep in the parser (a 500 for the whole request)."""

import random

import numpy as np
import pytest

import engine.runtime
from engine import Engine
from engine.errors import NoLicenseFound
from engine.layout.fields import is_date
from tests.rendering import render_front_page

# Characters a garbled strip is read as: ASCII digits (twice, so drawn most), other digits (str.isdigit takes ① and
# ², int() does not), and the characters dates and validity rows are written with.
GARBAGE = "0123456789X-0123456789０１２９①②²³年月日至长期."
DATE_FIELDS = ("birth", "issue_date", "valid_from")


def garbled(probabilities: np.ndarray, alphabet: list[str], rng: random.Random) -> np.ndarray:
    """Lines read as one garbage character every other step (blanks between), as a digit at every step (a run as
    long as the line has steps), with their steps reversed, or as they are."""
    columns = [alphabet.index(character) for character in GARBAGE if character in alphabet]
    digits = [alphabet.index(character) for character in "0123456789"]
    out = probabilities.copy()
    for line in out:
        draw = rng.random()
        if draw < 0.5:
            line[:] = 0.0
            for step in range(line.shape[0]):
                line[step, rng.choice(columns) if step % 2 else 0] = 1.0
        elif draw < 0.75:
            line[:] = 0.0
            for step in range(line.shape[0]):
                line[step, digits[step % 10]] = 1.0
        elif draw < 0.85:
            line[:] = line[::-1].copy()
    return out


@pytest.fixture(scope="module")
def garbling_reader():
    """An engine whose recognizer's outputs go through garbled() while `draws[0]` holds a random generator."""
    draws: list[random.Random | None] = [None]
    run = engine.runtime.Runtime.run

    def garbling_run(self, tensor):
        probabilities = run(self, tensor)
        rng = draws[0]
        if rng is None or probabilities.shape[-1] != len(reader.recognizer.alphabet):  # not the main recognizer's
            return probabilities
        return garbled(probabilities, reader.recognizer.alphabet, rng)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine.runtime.Runtime, "run", garbling_run)  # before the engine binds its models' runs
        reader = Engine()
        yield reader, draws


@pytest.mark.parametrize("seed", range(10))
def test_a_garbled_reading_gives_well_formed_values_or_no_license(garbling_reader, seed):
    reader, draws = garbling_reader
    draws[0] = random.Random(seed)
    try:
        pages = reader.read_license(render_front_page()).pages
    except NoLicenseFound:
        return
    finally:
        draws[0] = None
    for page in pages:
        for key in DATE_FIELDS:
            if key in page.fields:
                assert is_date(page.fields[key].value), (key, page.fields[key].value)
        if "valid_to" in page.fields:
            assert page.fields["valid_to"].value == "长期" or is_date(page.fields["valid_to"].value)
        assert all(0.0 <= value.score <= 1.0 for value in page.fields.values())

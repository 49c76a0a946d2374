"""The GPU's fixed input shapes, run here on the CPU: reads stay exact, and start-up plans every shape a read uses."""

import pytest

import engine.runtime
from engine import Engine
from engine.shapes import ShapePolicy
from tests.integration.test_read_text import LICENSE_STRINGS
from tests.rendering import FRONT_PAGE_FIELDS, render_front_page, render_lines


@pytest.fixture(scope="module")
def fixed_engine():
    """An engine with the policy CUDA gets, and the input shapes its start-up fed the models."""
    shapes: set[tuple[int, ...]] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ShapePolicy, "for_providers", classmethod(lambda cls, providers, exact: cls(True, exact)))
        run = engine.runtime.Runtime.run

        def recording_run(self, tensor):
            shapes.add((self.path.name, tensor.shape))
            return run(self, tensor)

        patch.setattr(engine.runtime.Runtime, "run", recording_run)
        built = Engine()
        planned = set(shapes)
        shapes.clear()
        yield built, planned, shapes


def test_fixed_shapes_read_license_values_exactly(fixed_engine):
    built, _, _ = fixed_engine
    lines = built.read_text(render_lines(LICENSE_STRINGS))
    assert [line.text for line in lines] == LICENSE_STRINGS


def test_start_up_plans_every_shape_a_license_read_uses(fixed_engine):
    built, planned, used = fixed_engine
    (page,) = built.read_license(render_front_page()).pages
    assert {key: page.fields[key].value for key in FRONT_PAGE_FIELDS} == FRONT_PAGE_FIELDS
    assert used and used <= planned


def test_start_up_feeds_the_recognizer_only_full_batches(fixed_engine):
    built, planned, _ = fixed_engine
    recognizer_shapes = [shape for name, shape in planned if "_rec" in name]
    assert recognizer_shapes and all(shape[0] == built.recognizer.config.batch_size for shape in recognizer_shapes)

"""benchmarks.request_cost's table on hand-built timings."""

from benchmarks.request_cost import table


def test_table_gives_each_ways_median_and_the_median_paired_difference_all_last():
    times = {
        "all": {"everything": [300.0, 400.0, 500.0], "API default": [260.0, 390.0, 450.0]},
        "photo": {"everything": [300.0, 400.0, 500.0], "API default": [260.0, 390.0, 450.0]},
    }
    header, photo, everything = table(times).splitlines()
    assert header.startswith("tier") and photo.startswith("photo") and everything.startswith("all")
    # Medians 400 and 390; the differences -40, -10 and -50 have median -40, not 390 - 400.
    assert photo.split()[1:] == ["3", "400.0", "ms", "390.0", "ms", "-40.0", "ms"]

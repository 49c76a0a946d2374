from benchmarks.results import record_section


def test_a_section_is_replaced_and_the_others_kept(tmp_path):
    results = tmp_path / "RESULTS.md"
    record_section("## Speed", "old speed", results)
    record_section("## Accuracy", "accuracy table", results)
    record_section("## Speed", "new speed", results)
    text = results.read_text()
    assert text.count("## Speed") == 1 and "old speed" not in text and "new speed" in text
    assert "accuracy table" in text and text.startswith("# Benchmark results")

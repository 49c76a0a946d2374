"""benchmarks.locate's table on hand-built statistics."""

from benchmarks.locate import TierStats, print_table


def test_table_skips_tiers_without_cards_and_counts_good_quads(capsys):
    photo = TierStats(cards=4, images=4, errors=[0.001, 0.005, 0.03, 0.01], all_pages_good=3, times_ms=[100.0] * 4)
    screenshot = TierStats(images=3, times_ms=[1.0] * 3)  # electronic licenses: nothing to locate
    print_table({"photo": photo, "screenshot": screenshot})
    rows = capsys.readouterr().out.splitlines()
    assert not any(row.startswith("screenshot") for row in rows)
    photo_row = next(row for row in rows if row.startswith("photo"))
    assert "75.0%" in photo_row  # 3 of 4 cards under 2% of the card width


def test_enlarged_photos_are_scored_against_labels_enlarged_alike(tmp_path):
    """Two photos from the generator, read as they are and enlarged 2.5 times (phone-camera sizes): the labels scale
    with them, so the card found well in one is found well in the other."""
    from benchmarks.locate import measure
    from benchmarks.synth.generate import SynthConfig, generate

    generate(SynthConfig(n=2, seed=3, tiers=("photo",), electronic_share=0.0), tmp_path, workers=1)
    as_taken, enlarged = measure(tmp_path)["photo"], measure(tmp_path, enlarge=2.5)["photo"]
    assert as_taken.cards == enlarged.cards == 2
    found_well = [error < 0.02 for error in as_taken.errors]
    assert any(found_well)
    assert [error < 0.02 for error in enlarged.errors] == found_well

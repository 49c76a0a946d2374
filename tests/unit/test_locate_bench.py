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

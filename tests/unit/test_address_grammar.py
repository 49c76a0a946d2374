"""An address row's grammar, on text alone: which rewrites mend a misread number or word, and that a row its grammar
explains gets none."""

import pytest

from engine.address_grammar import address_rewrites, wrapped_room_rewrites


@pytest.mark.parametrize(
    ("read", "ends_address", "expected"),
    [
        # a building and a room whose word between was lost: each word printed there is offered
        ("长江路38号221903室", False, {"长江路38号22幢1903室", "长江路38号22栋1903室", "长江路38号22号楼1903室"}),
        ("3栋4年元803室", False, {"3栋4单元803室"}),  # a misread 单
        ("红星村112240号", True, {"红星村11组2240号"}),  # a group and a house whose 组 was lost
        ("红星村11组240", True, {"红星村11组240号", "红星村11组240室"}),  # the address's last character lost
        ("红星村11组240", False, set()),  # ...but a row the next one continues may end bare
        ("红星村11组240号", True, set()),
        ("滨河路61号锦绣花园11栋2单元2303室", True, set()),
    ],
)
def test_an_address_row_gets_the_rewrites_its_grammar_asks_for(read, ends_address, expected):
    assert address_rewrites(read, ends_address) == expected


@pytest.mark.parametrize(
    ("read", "continued", "expected"),
    [
        ("18号楼21125", 2, {"18号楼2门25"}),  # 门's two strokes read 11: 25 and the next row's 04 make the room
        ("18号楼2112", 2, {"18号楼2门2", "18号楼2门12"}),  # which 1s were 门 is the line's to tell
        ("18号楼21125", 3, set()),  # no reading leaves a room of 3-4 digits
        ("18号楼2门25", 2, set()),  # 门 read
        ("国贸大楼1205", 0, set()),  # a building's own name, no 号楼 and unit
    ],
)
def test_a_wrapped_rooms_door_goes_back_where_the_room_it_leaves_fits_the_next_row(read, continued, expected):
    assert wrapped_room_rewrites(read, continued) == expected

"""Small CSV side tables (concordances, consumer groups): what every reader gets from them."""

import pytest

from footprint_plugin.engine.csv_tables import read_csv_rows
from footprint_plugin.engine.errors import MrioFileError


def test_short_rows_get_empty_cells_and_names_are_cleaned(tmp_path):
    """A byte-order mark, padded mixed-case names and a row one cell short: names are stripped
    and lower-cased, cells stripped, the missing cell is ""."""
    path = tmp_path / "table.csv"
    path.write_bytes("\ufeff Inventory_Sector ,Weight\n steel , 0.5 \ncement\n".encode())
    rows, header = read_csv_rows(path, "Concordance")
    assert header == ["inventory_sector", "weight"]
    assert rows == [
        {"inventory_sector": "steel", "weight": "0.5"},
        {"inventory_sector": "cement", "weight": ""},
    ]


def test_a_missing_table_is_named_in_the_error(tmp_path):
    """The error says which table, and where, so the user knows which parameter to fix."""
    path = tmp_path / "groups.csv"
    with pytest.raises(MrioFileError, match=r"Consumer groups .*groups\.csv"):
        read_csv_rows(path, "Consumer groups")

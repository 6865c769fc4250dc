"""Field names made from band descriptions: separators at either end, the length cut, digits."""

from footprint_plugin.engine.analysis.band_labels import band_field_names


def test_separators_at_the_start_of_a_description_are_dropped():
    """Leading punctuation or spaces do not leave a leading underscore."""
    assert band_field_names(["(foreign) total", "  domestic"]) == ["foreign_total", "domestic"]


def test_a_name_cut_at_30_characters_does_not_end_in_an_underscore():
    """The name "carbon_footprint_of_household_demand" cut to 30 characters ends at the
    separator after "household"; the separator goes."""
    assert band_field_names(["carbon footprint of household demand"]) == [
        "carbon_footprint_of_household"
    ]


def test_a_name_starting_with_a_digit_gets_a_b_in_front():
    """Field names may not start with a digit, whatever the second character is."""
    assert band_field_names(["1st region", "7"]) == ["b1st_region", "b7"]

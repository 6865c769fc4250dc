"""Bad inputs: each failure raises a typed error whose message says what is wrong and what to do."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

from footprint_plugin.engine.errors import (
    EmissionOverflowError,
    LabelMismatchError,
    MrioFileError,
    MrioWarning,
    NonFiniteError,
    ShapeError,
    SingularSystemError,
    UnknownNameError,
)
from footprint_plugin.engine.mrio.aggregation import match_regions, sum_by
from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.model import Extension, build_mrio
from footprint_plugin.engine.mrio.pymrio_format import (
    ExtensionTables,
    mrio_from_frames,
    read_pymrio,
)
from footprint_plugin.engine.mrio.stressors import select_stressor
from footprint_plugin.engine.reasons import PRODUCER_NON_FINITE

PRODUCERS = [("A", "farm"), ("A", "mill"), ("B", "farm")]
DEMAND_LABELS = [("A", "households"), ("B", "households")]
FLOWS = np.array([[1.0, 4.0, 0.5], [0.0, 1.0, 0.2], [2.0, 0.0, 1.0]])
DEMAND = np.array([[3.0, 1.0], [5.0, 2.0], [1.0, 6.0]])


def build(**changes):
    arguments = dict(
        producers=PRODUCERS,
        final_demand_labels=DEMAND_LABELS,
        final_demand=DEMAND,
        intermediate_flows=FLOWS,
    )
    arguments.update(changes)
    return build_mrio(**arguments)


def frames(**changes):
    producers = pd.MultiIndex.from_tuples(PRODUCERS, names=["region", "sector"])
    columns = pd.MultiIndex.from_tuples(DEMAND_LABELS, names=["region", "category"])
    stressors = pd.Index(["CO2"], name="stressor")
    tables = dict(
        intermediate_flows=pd.DataFrame(FLOWS, index=producers, columns=producers),
        final_demand=pd.DataFrame(DEMAND, index=producers, columns=columns),
        extensions={
            "emissions": ExtensionTables(
                F=pd.DataFrame([[1.0, 2.0, 3.0]], index=stressors, columns=producers),
                F_Y=pd.DataFrame([[0.5, 0.5]], index=stressors, columns=columns),
            )
        },
    )
    tables.update(changes)
    return tables


def test_non_square_z_is_refused():
    with pytest.raises(ShapeError, match=r"Z has shape \(3, 2\), but it must be square"):
        build(intermediate_flows=FLOWS[:, :2])
    table = frames()["intermediate_flows"].iloc[:, :2]
    with pytest.raises(ShapeError, match="Z has 3 rows and 2 columns; it must be square"):
        mrio_from_frames(**frames(intermediate_flows=table))


def test_y_with_other_producers_is_refused_with_the_labels_named():
    table = frames()["final_demand"].rename(index={"mill": "mills"})
    with pytest.raises(
        LabelMismatchError,
        match=r"rows of Y do not line up with the producers \(rows of Z or A\) "
        r"\(missing: 'A/mill'; unexpected: 'A/mills'\).*check their "
        r"spelling",
    ):
        mrio_from_frames(**frames(final_demand=table))


def test_z_columns_x_and_extensions_must_line_up():
    flows = frames()["intermediate_flows"].rename(columns={"B": "C"}, level=0)
    with pytest.raises(LabelMismatchError, match=r"columns of Z do not line up.*'C/farm'"):
        mrio_from_frames(**frames(intermediate_flows=flows))
    output = pd.Series([1.0, 2.0], index=pd.MultiIndex.from_tuples(PRODUCERS[:2]))
    with pytest.raises(LabelMismatchError, match=r"rows of x do not line up.*missing: 'B/farm'"):
        mrio_from_frames(**frames(total_output=output))
    extension = frames()["extensions"]["emissions"]
    renamed = ExtensionTables(F=extension.F, F_Y=extension.F_Y.rename(columns={"B": "Z"}))
    with pytest.raises(
        LabelMismatchError, match="columns of F_Y of extension 'emissions' do not line up"
    ):
        mrio_from_frames(**frames(extensions={"emissions": renamed}))


def test_tables_in_another_order_are_reordered():
    table = frames()["final_demand"].iloc[::-1]
    mrio = mrio_from_frames(**frames(final_demand=table))
    np.testing.assert_array_equal(mrio.final_demand, DEMAND)


def test_single_level_labels_are_refused():
    table = frames()["final_demand"].droplevel("category", axis=1)
    with pytest.raises(LabelMismatchError, match=r"columns of Y have 1 label level.*need two"):
        mrio_from_frames(**frames(final_demand=table))


@pytest.mark.parametrize("table", ["intermediate_flows", "final_demand"])
def test_non_finite_values_are_refused(table):
    values = (FLOWS if table == "intermediate_flows" else DEMAND).copy()
    values[1, 1] = np.nan
    with pytest.raises(NonFiniteError, match=r"holds 1 NaN or infinite value\(s\). Replace"):
        build(**{table: values})


def test_inputs_exceeding_output_are_refused():
    flows = FLOWS.copy()
    flows[0, 1] = 40.0  # the mill buys more from the farm than it produces
    with pytest.raises(
        SingularSystemError, match=r"Column sums of A .* >= 1 for 1 producer\(s\): 'A/mill'"
    ):
        build(intermediate_flows=flows)


def test_singular_leontief_system_is_refused():
    """Negative flows can make (I - A) singular while every column of A sums below 1."""
    flows = np.array([[0.0, -2.0], [-0.5, 0.0]])
    demand = np.array([[3.0], [1.5]])
    mrio = build_mrio(PRODUCERS[:2], DEMAND_LABELS[:1], demand, intermediate_flows=flows)
    for method in ("dense", "sparse"):
        with pytest.raises(SingularSystemError, match=r"\(I - A\) is singular.*Check Z and x"):
            driven_shares(mrio, method=method)


def test_disagreeing_total_output_warns_by_how_much_and_is_recomputed():
    correct = FLOWS.sum(axis=1) + DEMAND.sum(axis=1)
    given = correct * np.array([1.0, 1.1, 1.0])
    with pytest.warns(
        MrioWarning,
        match=r"disagrees with Z·1 \+ Y·1 for 1 of 3 producers "
        r"\(largest difference 0.82 = 0.0909 relative, at "
        r"'A/mill'\); the recomputed x is used",
    ):
        mrio = build(total_output=given)
    np.testing.assert_allclose(mrio.total_output, correct)
    assert len(mrio.warnings) == 1 and "0.82" in mrio.warnings[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert build(total_output=correct).warnings == ()


def test_coefficients_with_disagreeing_output_warn_and_are_solved():
    mrio = build()
    coefficients = FLOWS / mrio.total_output[None, :]
    with pytest.warns(MrioWarning, match=r"disagrees with A·x \+ Y·1 for"):
        solved = build(
            intermediate_flows=None,
            technical_coefficients=coefficients,
            total_output=mrio.total_output * 2,
        )
    np.testing.assert_allclose(solved.intermediate_flows, FLOWS)
    np.testing.assert_allclose(solved.total_output, mrio.total_output)


def test_duplicate_producers_are_refused():
    with pytest.raises(ShapeError, match="Duplicate \\(region, sector\\) labels: 'A/farm'"):
        build(producers=[PRODUCERS[0], PRODUCERS[0], PRODUCERS[2]])


def test_wrong_length_emissions_and_non_finite_direct_emissions_are_refused():
    with pytest.raises(NonFiniteError, match="Direct emissions of final demand hold NaN"):
        attribute_emissions(driven_shares(build()), [1.0, 2.0, 3.0], [np.nan, 0.0])
    with pytest.raises(
        ShapeError,
        match="emissions has 2 values but the MRIO has 3 of producers; give one value per producer",
    ):
        attribute_emissions(driven_shares(build()), [1.0, 2.0])


def test_unknown_stressor_lists_the_available_names():
    mrio = mrio_from_frames(**frames())
    with pytest.raises(
        UnknownNameError,
        match=r"'emissions/CH4' is not a stressor of extension "
        r"'emissions'. Available stressors: "
        r"'emissions/CO2'",
    ):
        select_stressor(mrio, "emissions/CH4")
    with pytest.raises(
        UnknownNameError,
        match=r"'air/CO2' does not name an extension of the "
        r"MRIO \(available extensions: 'emissions'\)",
    ):
        select_stressor(mrio, "air/CO2")
    assert select_stressor(mrio, "EMISSIONS/CO2").name == "emissions/CO2"


def test_region_pattern_matching_nothing_lists_the_regions():
    with pytest.raises(
        UnknownNameError,
        match=r"Region pattern 'CN-\*' matches no region. "
        r"Available regions: 'A', 'B'",
    ):
        match_regions(["A", "B", "A"], "CN-*")
    with pytest.raises(UnknownNameError, match="No region codes or patterns were given"):
        match_regions(["A"], " , ")


def test_grouping_by_an_unknown_level_is_refused():
    labels = pd.MultiIndex.from_tuples(DEMAND_LABELS, names=["region", "category"])
    with pytest.raises(UnknownNameError, match="Cannot group by 'sector'"):
        sum_by(np.ones(2), labels, "sector")


def test_missing_pymrio_files_are_named(tmp_path):
    with pytest.raises(MrioFileError, match=r"does not exist. Give the folder"):
        read_pymrio(tmp_path / "nowhere")
    with pytest.raises(MrioFileError, match=r"file_parameters.json is missing. Give the folder"):
        read_pymrio(tmp_path)
    (tmp_path / "file_parameters.json").write_text(
        json.dumps(
            {
                "systemtype": "IOSystem",
                "files": {
                    "Z": {"name": "Z.txt", "nr_index_col": "2", "nr_header": "2"},
                    "Y": {"name": "Y.txt", "nr_index_col": "2", "nr_header": "2"},
                },
            }
        )
    )
    with pytest.raises(
        MrioFileError,
        match=r"Z.txt is listed in file_parameters.json but "
        r"missing. Copy the complete folder",
    ):
        read_pymrio(tmp_path)


def test_mrio_without_flows_or_final_demand_is_refused(tmp_path):
    (tmp_path / "file_parameters.json").write_text(
        json.dumps(
            {
                "systemtype": "IOSystem",
                "files": {"Y": {"name": "Y.pkl", "nr_index_col": "2", "nr_header": "2"}},
            }
        )
    )
    with pytest.raises(MrioFileError, match=r"is not in pymrio's text format. Re-save"):
        read_pymrio(tmp_path)
    (tmp_path / "file_parameters.json").write_text(
        json.dumps({"systemtype": "IOSystem", "files": {}})
    )
    with pytest.raises(MrioFileError, match="lists no Y"):
        read_pymrio(tmp_path)


def test_tables_of_the_wrong_length_are_refused():
    with pytest.raises(
        ShapeError, match=r"Y rows has length 2, but there are 3 producers. Give Y rows"
    ):
        build(final_demand=DEMAND[:2])
    with pytest.raises(ShapeError, match=r"x has length 2, but there are 3 producers"):
        build(total_output=[1.0, 2.0])


def test_tables_of_the_wrong_size_are_named():
    """The message says which table is wrong (A, not Z, when A was given) and against what."""
    with pytest.raises(ShapeError, match=r"^A has shape \(3, 2\), but it must be square"):
        build(intermediate_flows=None, technical_coefficients=FLOWS[:, :2] / 10)
    with pytest.raises(ShapeError, match=r"^Z has length 2, but there are 3 producers"):
        build(intermediate_flows=FLOWS[:2, :2])
    with pytest.raises(
        ShapeError, match=r"^Y columns has length 1, but there are 2 final-demand columns"
    ):
        build(final_demand=DEMAND[:, :1])


def extension(from_producers=((1.0, 2.0, 3.0),), from_final_demand=((0.5, 0.5),)):
    return Extension(
        "emissions", pd.Index(["CO2"]), np.array(from_producers), from_final_demand, ("t",)
    )


@pytest.mark.parametrize(
    "table, what",
    [
        ("intermediate_flows", "Z"),
        ("technical_coefficients", "A"),
        ("final_demand", "Y"),
        ("total_output", "x"),
        ("extension", "F_Y of extension 'emissions'"),
    ],
)
def test_a_missing_value_given_as_none_is_refused_with_its_table_named(table, what):
    """None (an empty cell in an object column) counts as NaN, not as a type error."""
    arguments = {
        "intermediate_flows": dict(intermediate_flows=[[1.0, None, 0.5], *FLOWS[1:].tolist()]),
        "technical_coefficients": dict(
            intermediate_flows=None, technical_coefficients=[[0.1, None, 0.1], *FLOWS[1:] / 100]
        ),
        "final_demand": dict(final_demand=[[3.0, None], *DEMAND[1:].tolist()]),
        "total_output": dict(total_output=[1.0, None, 2.0]),
        "extension": dict(extensions=[extension(from_final_demand=[[0.5, None]])]),
    }[table]
    with pytest.raises(NonFiniteError, match=rf"^{what} holds 1 NaN or infinite value"):
        build(**arguments)


def test_a_missing_emission_in_f_is_kept_as_nan_and_left_unattributed():
    """F may hold missing amounts: kept as NaN and reported, not attributed."""
    mrio = build(extensions=[extension(from_producers=[[1.0, None, 3.0]])])
    account = select_stressor(mrio, "emissions/CO2")
    assert np.isnan(account.from_producers[1])
    result = attribute_emissions(driven_shares(mrio), account.from_producers)
    assert result.reasons[1] == PRODUCER_NON_FINITE
    np.testing.assert_allclose(result.attributed.sum(axis=1), [1.0, 0.0, 3.0], rtol=1e-12)


@pytest.mark.parametrize("as_sparse", [False, True])
def test_a_producer_without_value_added_is_refused(as_sparse):
    """Inputs exactly equal to output (A's column sums to exactly 1) is already refused: the
    mill's x = 2 is all bought from the farm."""
    flows = np.array([[0.0, 2.0], [0.0, 0.0]])
    demand = np.array([[0.0], [2.0]])
    with pytest.raises(SingularSystemError, match=r"for 1 producer\(s\): 'A/mill' \(largest 1\)"):
        build_mrio(
            PRODUCERS[:2],
            DEMAND_LABELS[:1],
            demand,
            intermediate_flows=scipy.sparse.csr_matrix(flows) if as_sparse else flows,
        )


def test_a_singular_system_given_as_a_names_the_producer():
    """Solving x from A: (I - A) = [[1, 2], [0.5, 1]] has, after LU with partial pivoting
    (pivot row 0), a zero second pivot, 1 - 0.5 * 2 = 0: the mill's."""
    with pytest.raises(SingularSystemError, match=r"broke down at 'A/mill'"):
        build_mrio(
            PRODUCERS[:2],
            DEMAND_LABELS[:1],
            np.array([[3.0], [1.5]]),
            technical_coefficients=np.array([[0.0, -2.0], [-0.5, 0.0]]),
        )


def test_wrong_length_direct_emissions_are_named():
    with pytest.raises(
        ShapeError,
        match=r"^direct emissions has 1 values but the MRIO has 2 of final-demand columns",
    ):
        attribute_emissions(driven_shares(build()), [1.0, 2.0, 3.0], [1.0])


def test_emissions_overflowing_float64_are_refused_naming_which():
    """Finite amounts whose total is beyond float64 (1.8e308) could not give a right total."""
    shares = driven_shares(build())
    with pytest.raises(EmissionOverflowError, match=r"^The emissions add up to more"):
        attribute_emissions(shares, [1e308, 1e308, 1.0])
    with pytest.raises(EmissionOverflowError, match=r"^The direct emissions add up to more"):
        attribute_emissions(shares, [1.0, 2.0, 3.0], [1e308, 1e308])

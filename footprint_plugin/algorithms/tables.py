"""Write pandas tables to Processing feature sinks (no-geometry tables that chain in models)."""

import contextlib

import numpy as np
import pandas as pd
from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant


def table_fields(table: pd.DataFrame) -> QgsFields:
    """QGIS fields for a table's columns: integers, reals, and text for everything else."""
    fields = QgsFields()
    for name, dtype in table.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
            fields.append(QgsField(str(name), QVariant.LongLong))
        elif pd.api.types.is_float_dtype(dtype):
            fields.append(QgsField(str(name), QVariant.Double))
        else:
            fields.append(QgsField(str(name), QVariant.String))
    return fields


def write_table(algorithm, parameters, context, key, table: pd.DataFrame, feedback) -> str:
    """Write ``table`` row by row to the sink ``key``; return the sink's destination id."""
    sink, dest_id = algorithm.parameterAsSink(
        parameters, key, context, table_fields(table), QgsWkbTypes.NoGeometry
    )
    if sink is None:
        raise QgsProcessingException(algorithm.invalidSinkError(parameters, key))
    columns = [
        column.astype(object).where(column.notna(), None).tolist()
        if not pd.api.types.is_float_dtype(column)
        else [None if np.isnan(value) else float(value) for value in column]
        for _, column in table.items()
    ]
    for row in zip(*columns):
        if feedback.isCanceled():
            raise QgsProcessingException(f"Cancelled while writing {key}: the table is incomplete.")
        feature = QgsFeature()
        feature.setAttributes(list(row))
        sink.addFeature(feature, QgsFeatureSink.FastInsert)
    return dest_id


def read_table(source) -> pd.DataFrame:
    """The attributes of every feature of a feature source, as a DataFrame (no geometry)."""
    rows = [
        [None if isinstance(value, QVariant) else value for value in feature.attributes()]
        for feature in source.getFeatures()
    ]
    frame = pd.DataFrame(rows, columns=source.fields().names())
    for name in frame.columns:  # CSV outputs come back as text: restore the numbers
        with contextlib.suppress(ValueError, TypeError):
            frame[name] = pd.to_numeric(frame[name])
    return frame

"""Tables for Processing sinks: pandas tables in and out, and field types per QGIS version."""

import contextlib

import numpy as np
import pandas as pd
from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

if Qgis.QGIS_VERSION_INT >= 33800:  # fields are typed by QMetaType; QVariant types deprecated
    from qgis.PyQt.QtCore import QMetaType

    FIELD_TYPES = {
        "real": QMetaType.Type.Double,
        "text": QMetaType.Type.QString,
        "integer": QMetaType.Type.Int,
        "integer64": QMetaType.Type.LongLong,
    }
else:
    FIELD_TYPES = {
        "real": QVariant.Double,
        "text": QVariant.String,
        "integer": QVariant.Int,
        "integer64": QVariant.LongLong,
    }


def new_field(name: str, kind: str) -> QgsField:
    """A field of ``kind`` (real, text, integer, integer64) in the running QGIS's terms."""
    return QgsField(name, FIELD_TYPES[kind])


def table_fields(table: pd.DataFrame) -> QgsFields:
    """QGIS fields for a table's columns: 32-bit and other integers, reals, and text for
    everything else."""
    fields = QgsFields()
    for name, dtype in table.dtypes.items():
        if dtype == np.int32:
            fields.append(new_field(str(name), "integer"))
        elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
            fields.append(new_field(str(name), "integer64"))
        elif pd.api.types.is_float_dtype(dtype):
            fields.append(new_field(str(name), "real"))
        else:
            fields.append(new_field(str(name), "text"))
    return fields


def attribute_rows(table: pd.DataFrame) -> list[list]:
    """The rows of ``table`` as QGIS attribute lists: Python values, None for missing ones."""
    columns = [
        column.astype(object).where(column.notna(), None).tolist()
        if not pd.api.types.is_float_dtype(column)
        else [None if np.isnan(value) else float(value) for value in column]
        for _, column in table.items()
    ]
    return [list(row) for row in zip(*columns)]


def write_table(outputs, key: str, table: pd.DataFrame, feedback) -> str:
    """Write ``table`` to the output ``key`` (see :class:`outputs.Outputs`); its destination."""
    sink, destination = outputs.sink(key, table_fields(table), QgsWkbTypes.NoGeometry)
    for row in attribute_rows(table):
        if feedback.isCanceled():
            raise QgsProcessingException(f"Cancelled while writing {key}: nothing was written.")
        feature = QgsFeature()
        feature.setAttributes(row)
        add_feature(sink, feature, key)
    return destination


def add_feature(sink, feature: QgsFeature, key: str) -> None:
    """Add a feature to an output's sink; a failed write is an error naming the output."""
    if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
        raise QgsProcessingException(
            f"Writing {key} failed: {sink.lastError() or 'the file could not be written'}. "
            "Check the disk space and the output's format."
        )


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

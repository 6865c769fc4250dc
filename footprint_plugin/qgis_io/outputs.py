"""A run's file outputs: checked before any work, moved into place once the run succeeded.

Every destination is checked first: its folder exists and is writable, it is none of the run's
inputs (nor a part of one: a shapefile's files, an MRIO folder, an input's .qml or .aux.xml, an
input's GeoPackage as a layer URI), and no two outputs share a file. Files are written into a
hidden folder beside their destination (``.footprint-partial-*``, on the same file system) and
renamed into place, one by one, only when the whole run has succeeded: each file appears
complete or not at all (a kill during those renames can leave some new files beside old
ones). A failed or cancelled run removes that folder; a killed one leaves only it. Outputs
that are not files (memory layers, tables written into a database) are written directly.
"""

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsMapLayer,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterRasterDestination,
    QgsProcessingUtils,
    QgsProviderRegistry,
)

FOLDER_DATASET = "footprint_folder_dataset"
"""Metadata key of a file parameter whose file stands for its whole folder (an MRIO)."""

PARTIAL_PREFIX = ".footprint-partial-"
SHAPEFILE_PARTS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
RASTER_SUFFIXES = (".tif", ".tiff")
NOT_A_FILE = re.compile(r"^[A-Za-z][A-Za-z0-9_]+:(?P<uri>.*)$|\|")
"""Destinations that are not plain files: memory:, ogr:dbname=..., postgres:..., file|options."""


def _real(path) -> str:
    return os.path.realpath(path)


def _layer_path(value, context) -> str | None:
    """The file behind a layer parameter's value (a layer, its id, name or source), if any."""
    if isinstance(value, QgsMapLayer):
        layer = value
    else:
        source = getattr(value, "source", value)  # a feature source definition
        source = source.staticValue() if hasattr(source, "staticValue") else source
        layer = QgsProcessingUtils.mapLayerFromString(str(source), context, False)
        if layer is None:
            return str(source).split("|")[0] or None
    return (
        QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path")
    )


def _files_of_input(path: Path, folder_dataset: bool) -> list:
    """The existing files (and folders) an input path stands for, that no output may touch:
    a folder dataset (an MRIO) is protected as a folder, so that nothing is added to it."""
    if folder_dataset and path.is_file() and not zipfile.is_zipfile(path):
        path = path.parent
    if path.is_dir():
        return [path]
    files = [path, path.with_suffix(".qml"), Path(f"{path}.aux.xml")]
    if path.suffix.lower() == ".shp":
        files += [path.with_suffix(suffix) for suffix in SHAPEFILE_PARTS]
    return [part for part in files if part.exists()]


def input_files(algorithm, parameters, context) -> dict:
    """Real path -> parameter name of every file (or dataset folder) the run's inputs are."""
    protected = {}
    for definition in algorithm.parameterDefinitions():
        key = definition.name()
        value = parameters.get(key)
        if definition.isDestination() or value in (None, ""):
            continue
        if definition.type() == "file":
            paths = [algorithm.parameterAsFile(parameters, key, context)]
        elif definition.type() in ("source", "vector", "raster", "layer", "multilayer"):
            values = value if isinstance(value, (list, tuple)) else [value]
            paths = [_layer_path(item, context) for item in values]
        else:
            continue
        folder_dataset = bool(definition.metadata().get(FOLDER_DATASET))
        for path in filter(None, paths):
            for part in _files_of_input(Path(path), folder_dataset):
                protected.setdefault(_real(part), key)
    return protected


class Outputs:
    """The file outputs of one run: where to write each, and the commit that moves them.

    Use as a context manager around the run: on success every file is moved into place, on
    any error (or cancellation) every file written so far is removed.
    """

    def __init__(self, algorithm, parameters, context):
        self.algorithm, self.parameters, self.context = algorithm, parameters, context
        self.finals = {}  # output name -> final Path, for outputs that are files
        self.direct = {}  # output name -> destination string, for the others
        self.partial_folders = {}  # destination folder -> its hidden partial folder
        protected = input_files(algorithm, parameters, context)
        taken = {}
        for definition in algorithm.destinationParameterDefinitions():
            key = definition.name()
            if parameters.get(key) in (None, ""):
                continue
            destination = self._resolve(definition)
            if NOT_A_FILE.search(destination):
                _check_container(key, destination, protected)
                self.direct[key] = destination
                continue
            final = Path(destination).absolute()
            self._check_file(definition, final, protected, taken)
            self.finals[key] = final

    def _resolve(self, definition) -> str:
        """The destination of an output, resolved once (a temporary output's name is random)."""
        if isinstance(definition, QgsProcessingParameterRasterDestination):
            return self.algorithm.parameterAsOutputLayer(
                self.parameters, definition.name(), self.context
            )
        return self.algorithm.parameterAsFileOutput(
            self.parameters, definition.name(), self.context
        )

    def _check_file(self, definition, final: Path, protected: dict, taken: dict) -> None:
        key = definition.name()
        raster = isinstance(definition, QgsProcessingParameterRasterDestination)
        if raster and final.suffix.lower() not in RASTER_SUFFIXES:
            raise QgsProcessingException(
                f"{key} must be a GeoTIFF file (.tif), got {final.name}. Choose a .tif name."
            )
        if final.is_dir():
            raise QgsProcessingException(f"{key} {final} is a folder: give a file name.")
        folder = final.parent
        if any(part.startswith(PARTIAL_PREFIX) for part in final.parts):
            raise QgsProcessingException(
                f"{key} {final} is inside the folder where another run writes its outputs "
                "before they are complete. Choose a file outside it."
            )
        if not folder.is_dir():
            raise QgsProcessingException(
                f"The folder of {key} ({folder}) does not exist: create it, or choose another "
                "folder. Nothing was computed."
            )
        _check_writable(key, folder)
        parts = [final, final.with_suffix(".qml")] if raster else [final]
        if final.suffix.lower() == ".shp":
            parts += [final.with_suffix(suffix) for suffix in SHAPEFILE_PARTS]
        for part in parts:
            real = _real(part)
            inside = _protected_container(real, protected)
            if inside is not None:
                raise QgsProcessingException(
                    f"{key} would write into the folder {inside} of the input "
                    f"{protected[inside]}, whose files are read as one dataset. Choose another "
                    "folder for the output."
                )
            if real in protected:
                raise QgsProcessingException(
                    f"{key} would replace {part}, a file of the input {protected[real]}: the "
                    "input would be destroyed. Choose another file name for the output."
                )
            if real in taken:
                raise QgsProcessingException(
                    f"{key} and {taken[real]} would both write {part}: give them different "
                    "file names."
                )
            taken[real] = key

    # -- where to write ---------------------------------------------------------------------

    def file(self, key: str) -> str | None:
        """Where to write output ``key``'s file now (None if it was not asked for)."""
        if key in self.direct:
            return self.direct[key]
        if key not in self.finals:
            return None
        final = self.finals[key]
        if final.parent not in self.partial_folders:
            self.partial_folders[final.parent] = Path(
                tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=final.parent)
            )
        return str(self.partial_folders[final.parent] / final.name)

    def destination(self, key: str) -> str | None:
        """The destination of output ``key`` as the results give it."""
        final = self.finals.get(key)
        return str(final) if final is not None else self.direct.get(key)

    def sink(self, key, fields, geometry_type, crs=None):
        """A feature sink writing output ``key`` and its destination for the results."""
        crs = crs or QgsCoordinateReferenceSystem()
        algorithm, parameters, context = self.algorithm, self.parameters, self.context
        if key not in self.finals:
            sink, destination = algorithm.parameterAsSink(
                parameters, key, context, fields, geometry_type, crs
            )
        else:
            algorithm.parameterAsOutputLayer(parameters, key, context)  # loaded on completion
            partial = QgsProcessingOutputLayerDefinition(self.file(key))
            asked = parameters[key]
            if isinstance(asked, QgsProcessingOutputLayerDefinition):
                partial.createOptions = asked.createOptions
            sink, _ = algorithm.parameterAsSink(
                {**parameters, key: partial}, key, context, fields, geometry_type, crs
            )
            destination = self.destination(key)
        if sink is None:
            raise QgsProcessingException(algorithm.invalidSinkError(parameters, key))
        return sink, destination

    # -- the transaction --------------------------------------------------------------------

    def commit(self) -> None:
        """Move every written file into place; a stale .aux.xml of a replaced file goes too."""
        try:
            for folder, partial in self.partial_folders.items():
                for written in sorted(partial.iterdir()):
                    target = folder / written.name
                    if not written.name.endswith(".aux.xml"):
                        Path(f"{target}.aux.xml").unlink(missing_ok=True)
                    os.replace(written, target)
        except OSError as error:
            raise QgsProcessingException(
                f"Cannot move the finished outputs into {error.filename}: "
                f"{error.strerror or error}."
            ) from error
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove every partial folder (with what is left in it)."""
        for partial in self.partial_folders.values():
            shutil.rmtree(partial, ignore_errors=True)
        self.partial_folders.clear()

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, traceback):
        if error_type is None:
            self.commit()
        else:
            self.discard()
        return False


def _protected_container(real: str, protected: dict) -> str | None:
    """The protected folder (a folder dataset) that holds the path ``real``, if any."""
    return next(
        (path for path in protected if os.path.isdir(path) and real.startswith(path + os.sep)),
        None,
    )


def _check_container(key: str, destination: str, protected: dict) -> None:
    """A layer written into a file (``ogr:dbname=...``, ``file|layername=...``) must not go
    into an input's file or folder."""
    match = NOT_A_FILE.match(destination)
    if match:
        container = QgsDataSourceUri(match.group("uri")).database()
    else:
        container = destination.split("|")[0]
    real = _real(container) if container else ""
    owner = real if real in protected else _protected_container(real, protected)
    if owner is not None:
        raise QgsProcessingException(
            f"{key} would write into {container}, a file of the input {protected[owner]}: "
            "the input would be changed. Choose another file for the output."
        )


def _check_writable(key: str, folder: Path) -> None:
    """Refuse a folder where no file can be created (tried, as permissions can mislead)."""
    try:
        handle, probe = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=folder)
    except OSError as error:
        raise QgsProcessingException(
            f"Cannot write {key} in {folder}: {error.strerror or error}. Choose a folder you "
            "can write to. Nothing was computed."
        ) from error
    os.close(handle)
    os.unlink(probe)

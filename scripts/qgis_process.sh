#!/usr/bin/env bash
# Run qgis_process headless with this plugin enabled, in a throwaway QGIS profile so that a
# user's own QGIS settings are neither read nor changed.
#   FOOTPRINT_PLUGIN_PATH  folder holding footprint_plugin/ (default: this checkout)
# Debian's /usr/bin/qgis_process passes --noversioncheck, which qgis_process 3.22 rejects, so the
# real binary is called where it exists.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=/usr/bin/qgis_process.bin
[ -x "$bin" ] || bin=$(command -v qgis_process)
scratch=$(mktemp -d)  # mode 0700, as Qt wants for XDG_RUNTIME_DIR
trap 'rm -rf "$scratch"' EXIT
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR=$scratch
export QGIS_CUSTOM_CONFIG_PATH=$scratch/profile
export QGIS_PLUGINPATH=${FOOTPRINT_PLUGIN_PATH:-$here}
"$bin" plugins enable footprint_plugin >/dev/null 2>&1 \
  || { echo "qgis_process could not enable footprint_plugin from $QGIS_PLUGINPATH" >&2; exit 2; }
# Rasters that QGIS opens as layers (qgis_process checks every parameter before the plugin
# runs; a model does for its variables) get no default contrast stretch, so no statistics and
# histograms, which GDAL would keep in a .aux.xml beside the user's raster. Throwaway profile.
cat >>"$QGIS_CUSTOM_CONFIG_PATH/profiles/default/QGIS/QGIS3.ini" <<'INI'
[Raster]
defaultContrastEnhancementAlgorithm\singleBand=NoEnhancement
defaultContrastEnhancementAlgorithm\multiBandSingleByte=NoEnhancement
defaultContrastEnhancementAlgorithm\multiBandMultiByte=NoEnhancement
defaultContrastEnhancementLimits\singleBand=None
defaultContrastEnhancementLimits\multiBandSingleByte=None
defaultContrastEnhancementLimits\multiBandMultiByte=None
INI
"$bin" "$@"

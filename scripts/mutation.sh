#!/usr/bin/env bash
# Mutation testing: how many small deliberate bugs the tests catch, one package at a time.
#
#   scripts/mutation.sh                      every scope (hours on a 2-core machine)
#   scripts/mutation.sh engine/mrio qgis_io  some scopes
#   scripts/mutation.sh footprint_plugin/engine/mrio/attribution.py   one module
#
# Scopes and the tests each is checked by (a package against its own tests, so a run stays
# within reach): engine/mrio, engine/mapping, engine/analysis and engine (its top-level modules)
# against tests/engine in a venv like .venv-oracle; qgis_io, algorithms and report against
# tests/algorithms in a venv on Debian's QGIS, like .venv (headless tests left out: qgis_process
# cannot import mutmut; each test run in a process of its own, as QGIS cannot start twice in
# one). mutmut (3.x) mutates a copy of the repository's HEAD in build/mutation/<scope>, runs
# the tests that reach each mutated function, and keeps its results there (`mutmut results`
# and `mutmut show NAME` in that folder list and show the survivors). Prints, per scope, the
# mutants killed (tests failed or timed out) of those that tests reach. Measured: about one
# mutant a second in the engine, 0.13 in the QGIS layers. A developer tool: not in make test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/mutation
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$root/build/runtime
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
MUTMUT=mutmut==3.8.1

venv() {  # venv FOLDER [--system-site-packages] REQUIREMENTS...: made once, with mutmut
  local folder=$1 options=()
  shift
  if [ "${1:-}" = --system-site-packages ]; then options=(--system-site-packages); shift; fi
  if [ ! -f "$folder/.installed" ]; then
    /usr/bin/python3 -m venv "${options[@]}" "$folder"
    "$folder/bin/python" -m pip install -q "$@" "$MUTMUT" 2>"$folder/pip.log"
    touch "$folder/.installed"
  fi
}

scope() {  # scope NAME: the files mutated, the tests run, the venv
  case $1 in
    engine/mrio|engine/mapping|engine/analysis)
      mutate="footprint_plugin/$1/*"; tests=tests/engine; python=engine ;;
    engine) mutate="footprint_plugin/engine/[a-z]*.py"; tests=tests/engine; python=engine ;;
    qgis_io|algorithms|report)
      mutate="footprint_plugin/$1/*"; tests=tests/algorithms; python=qgis ;;
    footprint_plugin/engine/*.py) mutate=$1; tests=tests/engine; python=engine ;;
    footprint_plugin/*.py) mutate=$1; tests=tests/algorithms; python=qgis ;;
    *) echo "unknown scope $1 (engine/mrio engine/mapping engine/analysis engine" \
         "qgis_io algorithms report)" >&2; exit 2 ;;
  esac
}

make_venv() {  # make_venv engine|qgis: the venv a scope runs in, made the first time
  case $1 in
    engine) venv "$work/venv-engine" -r "$root/requirements-oracle.txt" ;;
    qgis)
      local version pytest_qgis
      version=$(/usr/bin/python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)')
      if [ "$version" -ge 33400 ]; then pytest_qgis='pytest-qgis>=3,<4'; else pytest_qgis='pytest-qgis==2.1.0'; fi
      venv "$work/venv-qgis" --system-site-packages -r "$root/requirements-test.txt" "$pytest_qgis" ;;
  esac
}
# pymrio for the oracle tests, in a venv where the mutants can import mutmut
export FOOTPRINT_ORACLE_PYTHON=$work/venv-engine/bin/python

scopes=("$@")
[ ${#scopes[@]} -gt 0 ] || scopes=(engine/mrio engine/mapping engine/analysis engine qgis_io algorithms report)
printf '%-44s %8s %8s %8s %8s\n' scope mutants killed survived "kill %"
for name in "${scopes[@]}"; do
  scope "$name"
  make_venv engine  # the oracle's, for both kinds of scope
  make_venv $python
  copy=$work/$(basename "${name//\//-}" .py)
  rm -rf "$copy" && mkdir -p "$copy"
  git -C "$root" archive HEAD | tar -x -C "$copy"  # the committed tree, not work in progress
  extra=""
  # qgis_process runs of the mutated plugin cannot see mutmut: the headless tests stay out
  [ $python = qgis ] && extra=$'\n  --qgis_disable_gui\n  -k\n  not headless\nprocess_isolation = forkserver\nforkserver_warmup = none'
  cat >"$copy/setup.cfg" <<CFG
[mutmut]
source_paths = footprint_plugin/
only_mutate = $mutate
also_copy =
  footprint_plugin/
  scripts/
  metadata.txt
  pb_tool.cfg
pytest_add_cli_args_test_selection = $tests
pytest_add_cli_args =
  -p
  no:cacheprovider
  -q
  -x$extra
CFG
  (cd "$copy" && "$work/venv-$python/bin/mutmut" run >mutmut.log 2>&1) || true
  # the last progress line: done/total, then killed, no tests, timeout, suspicious, survived,
  # skipped, caught by type checks
  progress=$(tr '\r' '\n' <"$copy/mutmut.log" | grep -E '^[^0-9]*[0-9]+/[0-9]+ ' | tail -1 |
    sed -E 's/[^0-9/ ]//g; s#([0-9]+)/[0-9]+#\1#' | tr -s ' ') || true
  if [ -z "$progress" ]; then
    printf '%-44s failed: see %s\n' "$name" "$copy/mutmut.log"
    continue
  fi
  read -r done killed untested timeout suspicious survived skipped typed <<<"$progress"
  reached=$((killed + timeout + suspicious + survived + typed))
  caught=$((killed + timeout + typed))
  printf '%-44s %8d %8d %8d %8s\n' "$name" "$done" "$caught" "$survived" \
    "$([ $reached -gt 0 ] && echo "$((100 * caught / reached))" || echo -)"
done

#!/usr/bin/env bash
# Mutation testing: how many small deliberate bugs the tests catch, one package at a time.
#
#   scripts/mutation.sh                      every scope (over an hour on a 2-core machine)
#   scripts/mutation.sh engine/mrio qgis_io  some scopes
#   scripts/mutation.sh footprint_plugin/engine/mrio/attribution.py   one module
#   scripts/mutation.sh --sample 100 engine/mrio   100 of the scope's mutants, drawn at random
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
# mutant a second in the engine, 0.13 in the QGIS layers, so the QGIS scopes (qgis_io,
# algorithms, report) are measured on a random sample of 100 mutants unless --sample says
# otherwise (--sample 0: all). Not mutated: what a message says (raise statements, feedback
# lines, the toolbox's display text and, in the QGIS layers, lines holding only a plain string
# with a space: a piece of a help text or description), which tests match by a telling
# fragment that mutmut's XX...XX wrapping and re-casing leave intact. A developer tool: not in
# make test.
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
      mutate=("footprint_plugin/$1/*"); tests=tests/engine; python=engine ;;
    engine)  # its top-level modules, one by one: mutmut's * would reach into the packages
      mapfile -t mutate < <(cd "$root" && ls footprint_plugin/engine/[a-z]*.py)
      tests=tests/engine; python=engine ;;
    qgis_io|algorithms|report)
      mutate=("footprint_plugin/$1/*"); tests=tests/algorithms; python=qgis ;;
    footprint_plugin/engine/*.py) mutate=("$1"); tests=tests/engine; python=engine ;;
    footprint_plugin/*.py) mutate=("$1"); tests=tests/algorithms; python=qgis ;;
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

sample=""
if [ "${1:-}" = --sample ]; then sample=$2; shift 2; fi
scopes=("$@")
[ ${#scopes[@]} -gt 0 ] || scopes=(engine/mrio engine/mapping engine/analysis engine qgis_io algorithms report)
printf '%-44s %8s %8s %8s %8s\n' scope mutants killed survived "kill %"
for name in "${scopes[@]}"; do
  scope "$name"
  size=${sample:-$([ $python = qgis ] && echo 100 || echo 0)}
  make_venv engine  # the oracle's, for both kinds of scope
  make_venv $python
  copy=$work/$(basename "${name//\//-}" .py)
  rm -rf "$copy" && mkdir -p "$copy"
  git -C "$root" archive HEAD | tar -x -C "$copy"  # the committed tree, not work in progress
  sentences=""  # in the QGIS layers, help texts and descriptions: a line holding only a sentence
  [ $python = qgis ] && sentences=$'\n  ^\\s*"[^"{]* [^"]*"\\s*[,)]*\\s*$'
  extra=""
  # qgis_process runs of the mutated plugin cannot see mutmut: the headless tests stay out
  [ $python = qgis ] && extra=$'\n  --qgis_disable_gui\n  -k\n  not headless\nprocess_isolation = forkserver\nforkserver_warmup = none'
  cat >"$copy/setup.cfg" <<CFG
[mutmut]
source_paths = footprint_plugin/
only_mutate =$(printf '\n  %s' "${mutate[@]}")
also_copy =
  footprint_plugin/
  scripts/
  metadata.txt
  pb_tool.cfg
do_not_mutate_patterns =
  ^\s*raise\s
  ^\s*(HELP|DISPLAY_NAME|GROUP|TAGS)\s*=
  feedback\.push\w*\($sentences
pytest_add_cli_args_test_selection = $tests
pytest_add_cli_args =
  -p
  no:cacheprovider
  -q
  -x$extra
CFG
  mutmut=$work/venv-$python/bin/mutmut
  names=()
  if [ "$size" -gt 0 ]; then  # make the mutants and the test map, then draw the sample
    (cd "$copy" && "$mutmut" run 'none-such*' >mutmut.log 2>&1) || true
    mapfile -t names < <(python3 "$root/scripts/mutation_score.py" "$copy" --sample "$size")
    printf '%s\n' "${names[@]}" >"$copy/sample.txt"
  fi
  (cd "$copy" && "$mutmut" run "${names[@]}" >>mutmut.log 2>&1) || true
  tally=$(python3 "$root/scripts/mutation_score.py" "$copy" \
    ${names:+--names "$copy/sample.txt"})
  read -r mutants killed survived rate <<<"$tally"
  if [ "$killed" = 0 ] && [ "$survived" = 0 ]; then
    printf '%-44s failed: see %s\n' "$name" "$copy/mutmut.log"
    continue
  fi
  printf '%-44s %8d %8d %8d %8s\n' "$name${names:+ (sample)}" "$mutants" "$killed" "$survived" "$rate"
done

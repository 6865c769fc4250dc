# make test    - install what is missing, then run the whole test suite headless
# make demo    - install what is missing, then run the footprint study on the demo data
# make package - build the installable plugin ZIP (dist/footprint_plugin.zip)
# make lint    - ruff
SHELL := /bin/bash
SYSTEM_PYTHON := /usr/bin/python3
VENV := .venv
ORACLE := .venv-oracle
RUNTIME_DIR := $(CURDIR)/build/runtime
export QT_QPA_PLATFORM := offscreen
export XDG_RUNTIME_DIR := $(RUNTIME_DIR)
export FOOTPRINT_ORACLE_PYTHON := $(CURDIR)/$(ORACLE)/bin/python

.PHONY: test demo package lint system-packages clean

system-packages:
	@scripts/install_system_packages.sh
	@mkdir -p -m 700 $(RUNTIME_DIR)

$(VENV)/.installed: requirements-test.txt | system-packages
	$(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)
	qgis=$$($(VENV)/bin/python -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)'); \
	  if [ $$qgis -ge 33400 ]; then pytest_qgis='pytest-qgis>=3,<4'; else pytest_qgis='pytest-qgis==2.1.0'; fi; \
	  $(VENV)/bin/python -m pip install -q -r requirements-test.txt "$$pytest_qgis"
	touch $@

$(ORACLE)/.installed: requirements-oracle.txt | system-packages
	$(SYSTEM_PYTHON) -m venv $(ORACLE)
	$(ORACLE)/bin/python -m pip install -q -r requirements-oracle.txt
	touch $@

test: $(VENV)/.installed $(ORACLE)/.installed
	@echo "== engine tests on current numpy/scipy/pandas ($(ORACLE))"
	$(ORACLE)/bin/python -m pytest -q -p no:cacheprovider tests/engine
	@echo "== all tests on Debian's QGIS stack ($(VENV))"
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider --qgis_disable_gui tests

demo: system-packages
	@scripts/demo.sh

package: system-packages
	$(SYSTEM_PYTHON) scripts/package.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf build dist $(VENV) $(ORACLE)

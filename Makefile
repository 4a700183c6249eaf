# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
export FLASK_APP = wsgi

.PHONY: run test install migrate demo bench rush cluster clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo --if-empty

run: demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.run

rush: install
	$(BIN)/python -m bench.rush

# Two app nodes behind nginx with PostgreSQL, Redis and a local S3 server, on 127.0.0.1 (bench/cluster.py).
cluster: install
	$(BIN)/python -m bench.cluster serve

clean:
	rm -rf $(VENV) instance/challenge.db test-output

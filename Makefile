# log-sentinel — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_MODULES_STAMP := node_modules/.package-lock.json
VENV := .venv-airflow

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP) ## install Node dependencies (npm ci)

dist/sentinel.mjs: $(NODE_MODULES_STAMP) $(shell find shared tasks -name '*.ts' ! -name '*.test.ts' 2>/dev/null) tasks/report/explorer/explorer.html images/bundle.mjs
	npm run --silent build

build: dist/sentinel.mjs ## bundle the CLI into dist/sentinel.mjs

demo: build ## generate a day of logs, run the whole pipeline on embedded defaults (no servers), print commands to explore it
	node bin/sentinel.mjs demo

services: ## start PostgreSQL, MinIO, MLflow and dockerd for the integration tests, and the test Kubernetes
	infra/scripts/services.sh up
	infra/scripts/kube.sh up

kube-down: ## stop the test Kubernetes (infra/scripts/kube.sh) and undo its changes to the host
	infra/scripts/kube.sh down

airflow-venv: ## create the pinned Airflow virtualenv (.venv-airflow)
	infra/scripts/airflow-venv.sh

lint-py: airflow-venv ## Python lint and format check of the DAGs and their tests (ruff, ruff.toml)
	$(VENV)/bin/ruff check dags test/dags
	$(VENV)/bin/ruff format --check dags test/dags
.PHONY: lint-py

lint: install lint-py ## lint and format check: Biome (TypeScript, biome.jsonc; zero warnings) and ruff (DAGs)
	npx biome check --error-on-warnings

typecheck: install ## TypeScript strict check
	npx tsc --noEmit

test: install lint typecheck build services airflow-venv images ## lint, format check and types first, then every test: TypeScript (vitest) and DAGs (pytest), against real services
	set -a && source .sentinel/services.env && set +a && npx vitest run
	set -a && source .sentinel/services.env && set +a && $(VENV)/bin/python -m pytest -q test/dags

check: test ## alias for test (lint, format, types, then all tests)

bench: install build ## benchmarks: step throughput, parsing accuracy, detector speed and quality; peers (PySpark, Drain3: .venv-bench, Java 17+)
	npx tsx bench/run.ts

screenshots: install build airflow-venv images ## redraw the README's pictures in headless Chromium: docs/explorer.png (explorer test), docs/airflow-grid.png (test_rest_api.py)
	infra/scripts/services.sh up
	set -a && source .sentinel/services.env && set +a && npx vitest run test/integration/explorer.test.ts
	set -a && source .sentinel/services.env && set +a && $(VENV)/bin/python -m pytest -q test/dags/test_rest_api.py
	cp .sentinel/explorer/explorer.png docs/explorer.png
	cp .sentinel/airflow-grid.png docs/airflow-grid.png

images: build ## build one image per step (BASE_IMAGE=... to override the base)
	images/build.sh

demo-stream: build ## real-time demo: Kafka (make services), a model trained on a generated day, then `sentinel stream` on live generated traffic
	infra/scripts/demo-stream.sh

up: ## the full local stack with registry access: MinIO, PostgreSQL, Airflow (Docker runner); UI on :8080
	docker compose -f infra/compose.yaml up -d

down: ## stop the local stack
	docker compose -f infra/compose.yaml down

clean: ## remove local lake, embedded database and build output
	rm -rf .sentinel dist

.PHONY: help install build demo demo-stream services kube-down airflow-venv lint typecheck test check bench images screenshots up down clean

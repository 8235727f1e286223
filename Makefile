# upvend: `make run` starts the local stack, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
RUN_STAMP := $(VENV)/.stack-installed

.PHONY: run test venv clean package render deploy bench client-deps explain deploy-cli-deps docs

# Deploying: `make package`, `make render PROVIDER=aliyun|tencent`, `make deploy PROVIDER=... [DRY_RUN=1]`.
PROVIDER ?=
DRY_RUN  ?=
_provider = $(if $(PROVIDER),--provider $(PROVIDER))

venv: $(STAMP)

# `make run` installs only what the stack needs; tests, benchmarks and deploy tools come on top.
$(RUN_STAMP): requirements.txt requirements-stack.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-stack.txt -c constraints.txt
	@# The layer and the dev tools are used from the work tree, not installed.
	$(PY) -c "import site; open(site.getsitepackages()[0] + '/upvend-dev.pth', 'w').write('$(CURDIR)/shared\n$(CURDIR)\n')"
	printf '#!/bin/sh\nexec "$(CURDIR)/$(PY)" -m devtools.cli "$$@"\n' > $(VENV)/bin/upvend
	chmod +x $(VENV)/bin/upvend
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

run: $(RUN_STAMP)
	$(PY) -m devtools.stack

# Regenerate docs/settings.md and docs/http-api.md from the code (a test fails while they differ).
docs: $(RUN_STAMP)
	$(PY) -m devtools.cli docs

# Decode and check a Tencent VOD upload signature: `make explain SIGNATURE=... [JSON=1]`.
explain: $(RUN_STAMP)
	@test -n "$(SIGNATURE)" || { echo "make explain needs SIGNATURE=<the signature>"; exit 2; }
	$(PY) -m devtools.cli explain "$(SIGNATURE)" $(if $(filter 1 true yes,$(JSON)),--json)

test: $(STAMP) client-deps deploy-cli-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The official upload SDKs the client tests drive, pinned by tests/clients/package-lock.json.
CLIENT_STAMP := tests/clients/node_modules/.installed
client-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(CLIENT_STAMP); \
	else echo "npm not found: the client SDK tests will skip"; fi

$(CLIENT_STAMP): tests/clients/package.json tests/clients/package-lock.json
	npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
	touch $@

# The real deploy tools the deploy tests run offline (Serverless Devs `s`, the Tencent component loader and
# toolkit), pinned by tests/deploy/cli/package-lock.json. No install scripts: nothing is fetched but the packages.
DEPLOY_CLI_STAMP := tests/deploy/cli/node_modules/.installed
deploy-cli-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(DEPLOY_CLI_STAMP); \
	else echo "npm not found: the deploy CLI tests will skip"; fi

$(DEPLOY_CLI_STAMP): tests/deploy/cli/package.json tests/deploy/cli/package-lock.json
	npm ci --prefix tests/deploy/cli --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Benchmarks (not part of `make test`): prints the tables, writes bench/results.json and regenerates the
# tables in docs/performance.md and README.md. At the functions' default log level (INFO), logs to a null sink.
# One section alone: `make bench BENCH_ARGS="--only cold,warm"`.
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

# Mutation testing of the security code (not part of `make test`): a score per module and every
# survivor; equivalent ones are explained in devtools/mutation/equivalent.yaml. MUTATE_ARGS=--module NAME.
.PHONY: mutate
mutate: $(STAMP)
	$(PY) -m devtools.mutation $(MUTATE_ARGS)

package: $(STAMP)
	$(PY) -m devtools.cli package $(_provider)

render: $(STAMP)
	$(PY) -m devtools.cli render $(_provider)

# The provider is checked before anything is packaged or rendered.
deploy:
	@test -n "$(PROVIDER)" || { echo "make deploy needs PROVIDER=aliyun or PROVIDER=tencent"; exit 2; }
	@$(MAKE) --no-print-directory package render PROVIDER=$(PROVIDER)
	$(PY) -m devtools.cli deploy $(_provider) $(if $(filter 1 true yes,$(DRY_RUN)),--dry-run)

clean:
	rm -rf $(VENV) .local build .pytest_cache tests/clients/node_modules tests/deploy/cli/node_modules

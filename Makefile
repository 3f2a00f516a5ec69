# backup_exporter — build, test and demo targets. `make help` lists them.

GO            ?= go
BIN_DIR       ?= $(CURDIR)/bin
VERSION       ?= $(shell cat VERSION)
REVISION      ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH        ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
BUILD_USER    ?= $(shell whoami 2>/dev/null || echo unknown)@$(shell hostname 2>/dev/null || echo unknown)
BUILD_DATE    ?= $(shell date -u +%Y%m%d-%H:%M:%S)
FUZZTIME      ?= 1m
DURATION      ?= 3m
DOCKER_IMAGE  ?= backup_exporter:$(VERSION)

VERSION_PKG := github.com/prometheus/common/version
LDFLAGS := -s -w \
	-X $(VERSION_PKG).Version=$(VERSION) \
	-X $(VERSION_PKG).Revision=$(REVISION) \
	-X $(VERSION_PKG).Branch=$(BRANCH) \
	-X $(VERSION_PKG).BuildUser=$(BUILD_USER) \
	-X $(VERSION_PKG).BuildDate=$(BUILD_DATE)

export CGO_ENABLED ?= 0

include tools.mk
include release.mk

# The race detector needs cgo, so a C compiler. Without one the unit tests run without -race, and say so.
RACE := $(if $(shell command -v $(or $(CC),gcc) 2>/dev/null),-race)

.PHONY: help tools build test unit lint fmt-check vet staticcheck rules e2e demo bench bench-scale bench-rules soak soak-ci fuzz docker docker-buildx generate clean backtest backtest-short

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/backup_exporter and bin/vendorsim with version information
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN_DIR)/backup_exporter .
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN_DIR)/vendorsim ./cmd/vendorsim

test: lint rules unit backtest-short e2e soak-ci ## everything CI runs: lint, rule checks, unit tests with -race, the short backtest, end-to-end, a 60 s soak

unit: $(PROMTOOL) $(PROMETHEUS) $(AMTOOL) $(HELM) ## the Go tests with the race detector
	@[ -n "$(RACE)" ] || echo "!! no C compiler found (gcc): the race detector needs cgo, so the tests run WITHOUT -race"
	CGO_ENABLED=$(if $(RACE),1,0) $(GO) test $(RACE) -count=1 ./...

lint: fmt-check vet staticcheck ## gofmt, go vet and staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The build tags of the suites outside `make unit` (e2e, soak, scale): their
# files are vetted and checked as well, so that code only they use is not
# left unread.
LINT_TAGS := e2e soak scale

vet:
	$(GO) vet ./...
	for tag in $(LINT_TAGS); do $(GO) vet -tags $$tag ./e2e/ || exit 1; done

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...
	for tag in $(LINT_TAGS); do $(STATICCHECK) -tags $$tag ./e2e/ || exit 1; done

rules: $(PROMTOOL) ## promtool check rules and promtool test rules on every rule file
	$(PROMTOOL) check rules alerts/*.rules.yml
	$(PROMTOOL) test rules alerts/tests/*.yml

e2e: build $(PROMTOOL) $(PROMETHEUS) $(ALERTMANAGER) ## vendorsim + exporter + real Prometheus and Alertmanager, every query and alert
	$(GO) test -count=1 -tags e2e -timeout 20m ./e2e/

demo: build ## run the exporter against the built-in vendor simulator
	./scripts/demo.sh

bench: ## benchmarks with allocations (long)
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

soak: build ## DURATION (default 3m) of faults, 16 scrapers and reloads; reports scrapes, latency and footprint (long)
	SOAK_DURATION=$(DURATION) $(GO) test -count=1 -v -tags soak -run '^TestSoak$$' -timeout 3h ./e2e/

soak-ci: ## the soak for 60 s, as CI runs it
	$(MAKE) soak DURATION=60s

# FUZZ_TARGETS lists package:target for `make fuzz`; `make test` runs their
# seed corpora (testdata/fuzz) as ordinary tests.
FUZZ_TARGETS := \
	./config:FuzzParse \
	./vendor_clients/clumio:FuzzDecodeList ./vendor_clients/clumio:FuzzReadValue \
	./vendor_clients/cleverfox:FuzzDecodeList ./vendor_clients/cleverfox:FuzzReadValue \
	./vendor_clients/cloutility:FuzzDecodeList ./vendor_clients/cloutility:FuzzReadValue \
	./vendor_clients/cloverdx:FuzzDecodeList ./vendor_clients/cloverdx:FuzzReadValue

fuzz: ## run each fuzz target for FUZZTIME (default 1m), one after the other; a crash is written under testdata/fuzz
	@failed=; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "== $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$t"; \
	done; if [ -n "$$failed" ]; then echo "fuzz failures:$$failed"; exit 1; fi

generate: ## regenerate the dashboards' JSON from their Go code
	$(GO) run ./dashboards/cmd/gen -dir dashboards

# The image's build arguments: the stamps of make build, the date in RFC 3339 for the OCI created label.
DOCKER_BUILD_ARGS = --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) --build-arg BRANCH=$(BRANCH) \
	--build-arg BUILD_USER=$(BUILD_USER) --build-arg BUILD_DATE=$(shell date -u +%Y-%m-%dT%H:%M:%SZ)
# The platforms of the base image (distroless static) that the release also builds binaries for.
DOCKER_PLATFORMS ?= linux/amd64,linux/arm64,linux/arm/v7,linux/ppc64le,linux/s390x
# Where docker buildx puts the multi-platform image: an OCI layout archive by default, as a multi-platform
# image cannot be loaded into a local engine; DOCKER_BUILDX_OUTPUT=--push pushes DOCKER_IMAGE to its registry.
DOCKER_BUILDX_OUTPUT ?= --output type=oci,dest=$(RELEASE_DIR)/backup_exporter-$(VERSION).oci.tar

docker: ## build the container image for this machine's platform (needs a Docker engine)
	docker build $(DOCKER_BUILD_ARGS) -t $(DOCKER_IMAGE) .

docker-buildx: ## build the image for DOCKER_PLATFORMS with docker buildx (needs a Docker engine with buildx)
	@mkdir -p $(RELEASE_DIR)
	docker buildx build --platform $(DOCKER_PLATFORMS) $(DOCKER_BUILD_ARGS) -t $(DOCKER_IMAGE) $(DOCKER_BUILDX_OUTPUT) .

clean: ## remove bin/ and the release artifacts
	rm -rf $(BIN_DIR) $(RELEASE_DIR)

backtest-short: $(PROMTOOL) $(PROMETHEUS) ## the alert rules scored on a simulated day, failing on a regression (without -race, which slows the simulation)
	$(GO) test -count=1 -run '^TestShortScenario$$' -v ./internal/backtest/

# BACKTEST_FLAGS pass flags to cmd/backtest, for example `--dir DIR` to keep the month's data for `--reuse`, or
# `--skip-recording REGEXP` to leave out recording rules (and what reads them). Every rule is scored by default:
# the long baselines are hourly groups, backfilled at their interval (BENCHMARKS.md, section 6).
BACKTEST_FLAGS ?=

backtest: $(PROMTOOL) $(PROMETHEUS) ## score the alert rules on a simulated month of the exporter's own output (long; prints the table of BENCHMARKS.md)
	$(GO) run ./cmd/backtest --scenario internal/backtest/testdata/month.yml $(BACKTEST_FLAGS)

bench-scale: build ## the scripted runs of BENCHMARKS.md at MSP scale (long; timed, never part of test)
	CGO_ENABLED=1 $(GO) test -tags scale -count=1 -v -timeout 120m -run '^TestScale' ./collector/ ./e2e/

# RULES_BEFORE (a git revision) measures that revision's rule file too, first, on the same TSDB.
bench-rules: build $(PROMTOOL) $(PROMETHEUS) ## what the rules cost a Prometheus at 50,000 assets, per group (long; never part of test)
	RULES_BEFORE=$(RULES_BEFORE) $(GO) test -tags scale -count=1 -v -timeout 120m -run '^TestRuleCost$$' ./e2e/

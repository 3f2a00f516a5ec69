# tools.mk — the command-line tools that `make test` drives, at pinned versions, built from source with
# `go install` into $(TOOLS_DIR) (git-ignored). Each binary's name carries its version, so a tool is built only
# when it is missing or its pin changed: a second `make test` builds nothing.
#
# To use binaries already installed instead, name them in the environment or on the command line:
#   make test PROMTOOL=/usr/bin/promtool PROMETHEUS=/usr/bin/prometheus \
#             ALERTMANAGER=/usr/bin/prometheus-alertmanager AMTOOL=/usr/bin/amtool HELM=helm
# (a path, or a name looked up on PATH).

TOOLS_DIR ?= $(BIN_DIR)/tools

# Prometheus 3.16 (prometheus and promtool).
PROMETHEUS_VERSION   ?= v0.316.0
# Alertmanager's server: v0.31.1 is the newest whose cmd/alertmanager builds from the Go module (from v0.32 its
# UI assets are not in the module). amtool has no such assets and is pinned to the newest, v0.35.0, whose
# config checks are the strictest users will meet.
ALERTMANAGER_VERSION ?= v0.31.1
AMTOOL_VERSION       ?= v0.35.0
# Helm 4 (helm.sh/helm/v4): v3.22.0 is served but not an approved release. The chart tests drive only
# `helm lint --strict` and `helm template`, which v4 runs on this apiVersion v2 chart as v3 did.
HELM_VERSION         ?= v4.3.2
STATICCHECK_VERSION  ?= v0.8.2
# The SBOM generator of `make release` only (release.mk); `make test` does not build it.
CYCLONEDX_GOMOD_VERSION ?= v1.10.0

PROMETHEUS_MODULE   := github.com/prometheus/prometheus
ALERTMANAGER_MODULE := github.com/prometheus/alertmanager

PINNED_PROMTOOL     := $(TOOLS_DIR)/promtool-$(PROMETHEUS_VERSION)
PINNED_PROMETHEUS   := $(TOOLS_DIR)/prometheus-$(PROMETHEUS_VERSION)
PINNED_ALERTMANAGER := $(TOOLS_DIR)/alertmanager-$(ALERTMANAGER_VERSION)
PINNED_AMTOOL       := $(TOOLS_DIR)/amtool-$(AMTOOL_VERSION)
PINNED_HELM         := $(TOOLS_DIR)/helm-$(HELM_VERSION)
PINNED_STATICCHECK  := $(TOOLS_DIR)/staticcheck-$(STATICCHECK_VERSION)
PINNED_CYCLONEDX_GOMOD := $(TOOLS_DIR)/cyclonedx-gomod-$(CYCLONEDX_GOMOD_VERSION)

PROMTOOL     ?= $(PINNED_PROMTOOL)
PROMETHEUS   ?= $(PINNED_PROMETHEUS)
ALERTMANAGER ?= $(PINNED_ALERTMANAGER)
AMTOOL       ?= $(PINNED_AMTOOL)
HELM         ?= $(PINNED_HELM)
STATICCHECK  ?= $(PINNED_STATICCHECK)
CYCLONEDX_GOMOD ?= $(PINNED_CYCLONEDX_GOMOD)

# resolve_tool turns an override that is a bare name into its path on PATH, so that the tests get an absolute
# path and make can use it as a prerequisite; a missing one becomes a path that names what is missing.
resolve_tool = $(if $(findstring /,$(1)),$(1),$(or $(shell command -v $(1) 2>/dev/null),/nonexistent/$(1)))
override PROMTOOL     := $(call resolve_tool,$(PROMTOOL))
override PROMETHEUS   := $(call resolve_tool,$(PROMETHEUS))
override ALERTMANAGER := $(call resolve_tool,$(ALERTMANAGER))
override AMTOOL       := $(call resolve_tool,$(AMTOOL))
override HELM         := $(call resolve_tool,$(HELM))
override STATICCHECK  := $(call resolve_tool,$(STATICCHECK))
override CYCLONEDX_GOMOD := $(call resolve_tool,$(CYCLONEDX_GOMOD))

# The tests find the tools through these variables (internal/tooltest, e2e).
export PROMTOOL PROMETHEUS ALERTMANAGER AMTOOL HELM

# go_install builds package $(1) at version $(2) and moves the binary $(3) to $(4). It builds in a scratch
# GOBIN, so an interrupted build never leaves a binary that looks finished. CGO is off: static binaries. The
# Prometheus projects print the version their release builds stamp in, so `promtool --version` tells it here too.
# Prometheus' module v0.3XX.Y is release 3.XX.Y; Alertmanager's vX.Y.Z is release X.Y.Z.
version_stamp = -X github.com/prometheus/common/version.Version=$(1)
PROMETHEUS_RELEASE   := $(patsubst v0.3%,3.%,$(PROMETHEUS_VERSION))
define go_install
	@echo ">> building $(notdir $(4)) (once; later runs reuse it)"
	@rm -rf $(TOOLS_DIR)/.build-$(notdir $(4)) && mkdir -p $(TOOLS_DIR)/.build-$(notdir $(4))
	GOBIN=$(TOOLS_DIR)/.build-$(notdir $(4)) CGO_ENABLED=0 GOFLAGS=-trimpath $(GO) install -ldflags '$(5)' $(1)@$(2)
	@mv $(TOOLS_DIR)/.build-$(notdir $(4))/$(3) $(4) && rm -rf $(TOOLS_DIR)/.build-$(notdir $(4))
endef

$(PINNED_PROMTOOL):
	$(call go_install,$(PROMETHEUS_MODULE)/cmd/promtool,$(PROMETHEUS_VERSION),promtool,$@,$(call version_stamp,$(PROMETHEUS_RELEASE)))

$(PINNED_PROMETHEUS):
	$(call go_install,$(PROMETHEUS_MODULE)/cmd/prometheus,$(PROMETHEUS_VERSION),prometheus,$@,$(call version_stamp,$(PROMETHEUS_RELEASE)))

$(PINNED_ALERTMANAGER):
	$(call go_install,$(ALERTMANAGER_MODULE)/cmd/alertmanager,$(ALERTMANAGER_VERSION),alertmanager,$@,$(call version_stamp,$(ALERTMANAGER_VERSION:v%=%)))

$(PINNED_AMTOOL):
	$(call go_install,$(ALERTMANAGER_MODULE)/cmd/amtool,$(AMTOOL_VERSION),amtool,$@,$(call version_stamp,$(AMTOOL_VERSION:v%=%)))

# Helm's major version is part of its module path; its release builds stamp the full version, so that
# `helm version` says v4.3.2 rather than the source's default v4.3.
HELM_MODULE := helm.sh/helm/$(firstword $(subst ., ,$(HELM_VERSION)))

$(PINNED_HELM):
	$(call go_install,$(HELM_MODULE)/cmd/helm,$(HELM_VERSION),helm,$@,-X $(HELM_MODULE)/internal/version.version=$(HELM_VERSION))

$(PINNED_STATICCHECK):
	$(call go_install,honnef.co/go/tools/cmd/staticcheck,$(STATICCHECK_VERSION),staticcheck,$@)

$(PINNED_CYCLONEDX_GOMOD):
	$(call go_install,github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod,$(CYCLONEDX_GOMOD_VERSION),cyclonedx-gomod,$@)

# An override that names no executable stops here, with its name.
/nonexistent/%:
	@echo "$* was not found on PATH; unset the override to build the pinned version" >&2; exit 1

.PHONY: tools
tools: $(PROMTOOL) $(PROMETHEUS) $(ALERTMANAGER) $(AMTOOL) $(HELM) $(STATICCHECK) ## build the pinned test tools into bin/tools (once)

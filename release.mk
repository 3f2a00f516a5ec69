# release.mk — `make release`: static binaries cross-built for every platform, packed as the Prometheus projects
# pack theirs, with checksums and an SBOM per binary, into $(RELEASE_DIR) (git-ignored).
#
#   dist/backup_exporter-VERSION.OS-ARCH.tar.gz      (.zip for windows) holding backup_exporter-VERSION.OS-ARCH/
#        with the binary, LICENSE, NOTICE and the example exporter.yml
#   dist/backup_exporter-VERSION.OS-ARCH.sbom.cdx.json  CycloneDX SBOM of that binary (cyclonedx-gomod)
#   dist/sha256sums.txt                               the checksums of all of the above
#
# `make release-archive PLATFORM=linux-arm64` packs one archive (default: this machine's platform); the release
# test builds the host's through it, so the recipe `make test` checks is the one that makes the release.

RELEASE_DIR       ?= $(CURDIR)/dist
RELEASE_PLATFORMS ?= linux-amd64 linux-arm64 linux-armv7 linux-ppc64le linux-s390x darwin-amd64 darwin-arm64 windows-amd64
PLATFORM          ?= $(shell $(GO) env GOOS)-$(shell $(GO) env GOARCH)
# Every entry of the archives carries the time of the commit they are built from, so that two builds of a
# commit pack the same tree the same way.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

RELEASE_NAME  := backup_exporter-$(VERSION)
RELEASE_STAGE := $(RELEASE_DIR)/.stage
ARCHIVE_TOOL  := $(BIN_DIR)/archive

# A platform is OS-ARCH as the archives name it; ARCH armv7 is GOARCH arm with GOARM 7.
platform_os     = $(word 1,$(subst -, ,$(1)))
platform_arch   = $(word 2,$(subst -, ,$(1)))
platform_goenv  = GOOS=$(call platform_os,$(1)) \
	GOARCH=$(patsubst armv%,arm,$(call platform_arch,$(1))) \
	$(patsubst armv%,GOARM=%,$(filter armv%,$(call platform_arch,$(1))))
platform_exe    = $(if $(filter windows,$(call platform_os,$(1))),.exe)
release_archive = $(RELEASE_DIR)/$(RELEASE_NAME).$(1).$(if $(filter windows,$(call platform_os,$(1))),zip,tar.gz)
release_sbom    = $(RELEASE_DIR)/$(RELEASE_NAME).$(1).sbom.cdx.json
# staged_binary is where the archive's binary for platform $(1) is laid out before packing.
staged_binary   = $(RELEASE_STAGE)/$(RELEASE_NAME).$(1)/backup_exporter$(call platform_exe,$(1))

RELEASE_ARCHIVES := $(foreach p,$(RELEASE_PLATFORMS),$(call release_archive,$(p)))
RELEASE_SBOMS    := $(foreach p,$(RELEASE_PLATFORMS),$(call release_sbom,$(p)))

.PHONY: release release-archive FORCE

release: $(RELEASE_DIR)/sha256sums.txt ## cross-built archives for every platform, sha256sums.txt and SBOMs, in dist/
	@echo ">> release $(VERSION) in $(RELEASE_DIR)"

release-archive: $(call release_archive,$(PLATFORM)) ## one release archive, for PLATFORM (default: this machine's)

# pack_release builds platform $* (static: CGO off, -trimpath, the version ldflags of `make build`) into a
# directory laid out as the archive is, and packs it. The archives are always rebuilt (FORCE): the Go build
# cache makes that cheap, and make cannot see which sources a Go build reads.
define pack_release
	@echo ">> $(notdir $@)"
	@rm -rf $(RELEASE_STAGE)/$(RELEASE_NAME).$* && mkdir -p $(RELEASE_STAGE)/$(RELEASE_NAME).$*
	$(call platform_goenv,$*) CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(call staged_binary,$*) .
	cp LICENSE NOTICE exporter.yml $(RELEASE_STAGE)/$(RELEASE_NAME).$*/
	$(ARCHIVE_TOOL) -o $@ -C $(RELEASE_STAGE) -mtime $(SOURCE_DATE_EPOCH) $(RELEASE_NAME).$*
endef

$(RELEASE_DIR)/$(RELEASE_NAME).%.tar.gz: $(ARCHIVE_TOOL) FORCE
	$(pack_release)

$(RELEASE_DIR)/$(RELEASE_NAME).%.zip: $(ARCHIVE_TOOL) FORCE
	$(pack_release)

# The SBOM of each binary is read from the binary itself (`cyclonedx-gomod bin`, through `go version -m`): the
# modules it links, as built for its platform, with their licences from the module cache. The platform's GOOS
# and GOARCH make its package URLs name the platform.
.SECONDEXPANSION:
$(RELEASE_DIR)/$(RELEASE_NAME).%.sbom.cdx.json: $$(call release_archive,$$*) $(CYCLONEDX_GOMOD)
	$(call platform_goenv,$*) $(CYCLONEDX_GOMOD) bin -json -licenses -assert-licenses -version v$(VERSION) \
		-output $@ $(call staged_binary,$*)

$(RELEASE_DIR)/sha256sums.txt: $(RELEASE_ARCHIVES) $(RELEASE_SBOMS)
	cd $(RELEASE_DIR) && sha256sum $(notdir $^) > $(notdir $@)

$(ARCHIVE_TOOL): cmd/archive/main.go
	$(GO) build -o $@ ./cmd/archive

FORCE:

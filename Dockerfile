# A static binary on a minimal, non-root base image, for every platform the base image has.
#
#   make docker          this machine's platform, into the local engine
#   make docker-buildx   linux/amd64, arm64, arm/v7, ppc64le and s390x with docker buildx (README, "Container image")
#
# The build stage runs on the builder's own platform and cross-compiles (CGO off), so a multi-platform build
# needs no emulation. The version stamps and labels come from build arguments, which the Makefile fills from
# VERSION and git; the build stops if one is missing rather than stamp an image with a made-up version.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# TARGETOS, TARGETARCH and TARGETVARIANT (v7 for linux/arm/v7) are set by BuildKit for each platform built.
ARG TARGETOS
ARG TARGETARCH
ARG TARGETVARIANT
ARG VERSION
ARG REVISION
ARG BRANCH
# BUILD_DATE is RFC 3339 (2026-12-03T12:00:00Z), as the OCI created label asks; the binary gets it in the
# Prometheus projects' format, as make build stamps it.
ARG BUILD_DATE
ARG BUILD_USER=docker
RUN for arg in VERSION=$VERSION REVISION=$REVISION BRANCH=$BRANCH BUILD_DATE=$BUILD_DATE; do \
      [ -n "${arg#*=}" ] || { echo "the build argument ${arg%%=*} is missing: build with make docker or make docker-buildx" >&2; exit 1; }; \
    done \
 && stamp=$(date -u -d "$BUILD_DATE" +%Y%m%d-%H:%M:%S) \
 && GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v} CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w \
        -X github.com/prometheus/common/version.Version=${VERSION} \
        -X github.com/prometheus/common/version.Revision=${REVISION} \
        -X github.com/prometheus/common/version.Branch=${BRANCH} \
        -X github.com/prometheus/common/version.BuildUser=${BUILD_USER} \
        -X github.com/prometheus/common/version.BuildDate=${stamp}" \
      -o /out/bin/backup_exporter . \
 && mkdir -p /out/etc/backup_exporter /out/licenses \
 && cp exporter.yml /out/etc/backup_exporter/exporter.yml \
 && cp LICENSE NOTICE /out/licenses/

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION
ARG REVISION
ARG BUILD_DATE
LABEL org.opencontainers.image.title="backup_exporter" \
      org.opencontainers.image.description="Prometheus exporter for the health of backups across Clumio, CleverFox, Cloutility and CloverDX" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${BUILD_DATE}" \
      org.opencontainers.image.source="https://github.com/backup-exporter/backup_exporter" \
      org.opencontainers.image.url="https://github.com/backup-exporter/backup_exporter" \
      org.opencontainers.image.documentation="https://github.com/backup-exporter/backup_exporter/blob/main/README.md" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"
COPY --from=build /out/bin/backup_exporter /bin/backup_exporter
COPY --from=build /out/etc/backup_exporter/exporter.yml /etc/backup_exporter/exporter.yml
COPY --from=build /out/licenses/ /usr/share/doc/backup_exporter/
USER 65532:65532
EXPOSE 9860
ENTRYPOINT ["/bin/backup_exporter"]
CMD ["--config.file=/etc/backup_exporter/exporter.yml"]

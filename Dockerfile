# Multi-stage build: a static binary on a minimal, non-root base image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.0.0
ARG REVISION=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w \
        -X github.com/prometheus/common/version.Version=${VERSION} \
        -X github.com/prometheus/common/version.Revision=${REVISION} \
        -X github.com/prometheus/common/version.Branch=main \
        -X github.com/prometheus/common/version.BuildUser=docker" \
      -o /out/backup_exporter . \
 && mkdir -p /out/etc && cp exporter.yml /out/etc/exporter.yml

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/backup_exporter /bin/backup_exporter
COPY --from=build /out/etc/exporter.yml /etc/backup_exporter/exporter.yml
USER 65532:65532
EXPOSE 9860
ENTRYPOINT ["/bin/backup_exporter"]
CMD ["--config.file=/etc/backup_exporter/exporter.yml"]

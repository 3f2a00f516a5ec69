#!/usr/bin/env bash
# Series count and exporter RSS for each asset_metrics mode over vendorsim's
# Clumio fake at a given scale (default 50000 assets): one refresh, then a
# dozen cached scrapes of /probe as Prometheus asks (OpenMetrics, gzip), then
# VmRSS. Usage: scripts/asset-metrics-scale.sh [scale]
set -euo pipefail
scale=${1:-50000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/backup_exporter" "$root"
go build -o "$work/vendorsim" "$root/cmd/vendorsim"
sim=127.0.0.1:19191
"$work/vendorsim" --scale "$scale" --live.interval=0 --write-credentials "$work" \
  --clumio.listen=$sim --cleverfox.listen= --cloutility.listen= --cloverdx.listen= >"$work/sim.log" 2>&1 &
for _ in $(seq 600); do [ -s "$work/clumio_token" ] && break; sleep 1; done
printf '%-10s %8s %10s %10s\n' mode assets series rss_mib
for mode in full unhealthy summary; do
  cat >"$work/$mode.yml" <<YML
defaults: {cache_ttl: 1h, inventory_ttl: 1h, timeout: 10m, max_assets: 200000, asset_metrics: $mode}
targets:
  - {name: clumio, vendor: clumio, url: "http://$sim", bearer_token_file: "$work/clumio_token"}
YML
  "$work/backup_exporter" --config.file="$work/$mode.yml" --web.listen-address=127.0.0.1:19192 --log.level=warn &
  pid=$!
  for _ in $(seq 50); do curl -sf http://127.0.0.1:19192/-/healthy >/dev/null && break; sleep 0.2; done
  for _ in $(seq 13); do
    curl -sf --compressed -H 'Accept: application/openmetrics-text;version=1.0.0' -H 'X-Prometheus-Scrape-Timeout-Seconds: 600' http://127.0.0.1:19192/probe?target=clumio >"$work/$mode.prom"
  done
  series=$(grep -vc '^#' "$work/$mode.prom")
  assets=$(grep -c '^backup_asset_info' "$work/$mode.prom" || true)
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  printf '%-10s %8s %10s %10s\n' "$mode" "$assets" "$series" "$rss"
  kill $pid; wait $pid 2>/dev/null || true
done

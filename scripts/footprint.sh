#!/usr/bin/env bash
# Measure the exporter's memory and CPU against the vendor simulator, to size
# the Helm chart's resource requests and limits:
#   make build && SCALE=60 DURATION=180 ./scripts/footprint.sh
# It runs vendorsim and backup_exporter as scripts/demo.sh does (same config,
# scripts/demo.yml, with cache_ttl 15s), scrapes /metrics every INTERVAL
# seconds for DURATION seconds, and prints the exporter's peak and final RSS
# and its CPU time (user+system) per second of wall time.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE="${SCALE:-60}" DURATION="${DURATION:-180}" INTERVAL="${INTERVAL:-15}" PORT_BASE="${PORT_BASE:-29100}"
export DEMO_DIR="${DEMO_DIR:-$(mktemp -d)}"
export CLUMIO_ADDR=127.0.0.1:$((PORT_BASE + 1)) CLEVERFOX_ADDR=127.0.0.1:$((PORT_BASE + 2))
export CLOUTILITY_ADDR=127.0.0.1:$((PORT_BASE + 3)) CLOVERDX_ADDR=127.0.0.1:$((PORT_BASE + 4))
listen=127.0.0.1:$((PORT_BASE + 60))

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

./bin/vendorsim --scale="$SCALE" --write-credentials="$DEMO_DIR" \
  --clumio.listen="$CLUMIO_ADDR" --cleverfox.listen="$CLEVERFOX_ADDR" \
  --cloutility.listen="$CLOUTILITY_ADDR" --cloverdx.listen="$CLOVERDX_ADDR" \
  > "$DEMO_DIR/vendorsim.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$DEMO_DIR/vendorsim-ca.pem" ] && break; sleep 0.1; done

./bin/backup_exporter --config.file=scripts/demo.yml --web.listen-address="$listen" \
  > "$DEMO_DIR/exporter.log" 2>&1 &
exporter=$!
pids+=("$exporter")
for _ in $(seq 1 300); do curl -fsS -o /dev/null "http://$listen/-/ready" 2>/dev/null && break; sleep 0.1; done

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$exporter/stat"; }
start_cpu=$(cpu_seconds) start=$(date +%s.%N) series=0
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
  series=$(curl -fsS "http://$listen/metrics" | grep -vc '^#')
  sleep "$INTERVAL"
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
cpu=$(echo "$(cpu_seconds) - $start_cpu" | bc)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$exporter/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$exporter/status")
printf 'scale=%s assets/vendor, %s series on /metrics, %ss of scrapes every %ss\n' "$SCALE" "$series" "$DURATION" "$INTERVAL"
printf 'startup (until /-/ready) CPU %.2fs\n' "$start_cpu"
printf 'peak RSS %d MiB, final RSS %d MiB, CPU %.2fs in %.0fs = %.1f millicores on average\n' \
  $((hwm / 1024)) $((rss / 1024)) "$cpu" "$elapsed" "$(echo "$cpu * 1000 / $elapsed" | bc -l)"

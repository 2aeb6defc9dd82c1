#!/usr/bin/env bash
# Runs the browser tests: starts the release server on a free port with a fresh
# database and PKI, drives Debian's Chromium against it with Playwright, stops it.
# Usage: end2end/run.sh <path to the vtn binary> <site root> [playwright args]
set -euo pipefail
bin=$(realpath "$1"); site=$(realpath "$2"); shift 2
cd "$(dirname "$0")"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

VTN_LISTEN="127.0.0.1:$port" VTN_DATABASE_URL="sqlite://$work/vtn.db?mode=rwc" \
  VTN_DEV_PKI_DIR="$work/pki" VTN_ADMIN_PASSWORD="$password" LEPTOS_SITE_ROOT="$site" \
  "$bin" >"$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 200); do
  curl -skf "https://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; echo "the server exited" >&2; exit 1; }
  sleep 0.1
done

if ! VTN_E2E_URL="https://localhost:$port" VTN_E2E_PASSWORD="$password" npx playwright test "$@"; then
  echo "---- server log ----"; cat "$work/server.log"; exit 1
fi

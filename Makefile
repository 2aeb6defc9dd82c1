# The two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
SITE_ROOT := target/site

.PHONY: tools build run test lint unit e2e bench fuzz

tools:
	@scripts/install-tools.sh

# --split: the pages other than the overview and login are lazy routes, their
# code in WASM chunks loaded with the page; a build without it does not load.
build: tools
	cargo leptos build --release --split

## Serve the VTN on https://localhost:8443 (SQLite under ./data, dev PKI under ./data/pki).
run: build
	LEPTOS_SITE_ROOT=$(SITE_ROOT) $(TARGET_DIR)/release/vtn

## Everything: format, lints, unit and integration tests, browser tests.
test: tools lint unit e2e

lint:
	cargo fmt --all --check
	cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test --workspace --exclude frontend
	cargo bench -p openadr --no-run

# The WASM budget first (every page, opened directly, ≤ 500 KiB gzipped), then the browser.
e2e: build
	scripts/wasm-sizes.py $(SITE_ROOT)/pkg
	end2end/run.sh $(TARGET_DIR)/release/vtn $(SITE_ROOT)
	end2end/gateway/run.sh $(TARGET_DIR)/release/vtn

## Benchmarks; figures go to BENCHMARKS.md. Not part of `make test` (which only builds them).
bench: tools
	scripts/bench.sh

## Fuzz the OpenADR reader for FUZZ_SECONDS (stable toolchain; RUSTC_BOOTSTRAP unlocks the sanitizer flags).
FUZZ_SECONDS ?= 300
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	@mkdir -p openadr/fuzz/corpus/read && cp openadr/tests/fixtures/*/*.xml openadr/fuzz/corpus/read/
	cd openadr && RUSTC_BOOTSTRAP=1 cargo fuzz run read -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536

# Two commands for a fresh machine: `make demo` runs wfm on the bundled sample data,
# `make test` runs the tests. Both install the system packages HiGHS needs first.
# The build cache lives outside the clone so CI and later runs reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/wfm/target
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
WFM := $(CARGO_TARGET_DIR)/debug/wfm
OUT ?= out

.PHONY: demo test deps build install

# HiGHS is built from source by good_lp: it needs cmake, a C++ compiler and libclang (bindgen).
deps:
	@if ! command -v cmake >/dev/null || ! command -v c++ >/dev/null || ! ldconfig -p | grep -q 'libclang[-.0-9]*\.so'; then \
		echo "installing cmake, g++ and libclang-dev (needed to build HiGHS)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq cmake g++ libclang-dev; \
	fi

build: deps
	cargo build --bin wfm

# The monthly plan of the sample site (December 2026) in one command: history ->
# forecast -> requirements per half-hour -> shifts with lunches and breaks, with
# summary.json and an HTML report (see docs/walkthrough.md).
demo: build
	$(WFM) plan --config data/sample/plan.toml --out $(OUT)/plan
	@echo "open $(abspath $(OUT)/plan/report.html) in a browser"

test: deps
	cargo test --all-targets

# A release build of wfm on PATH (~/.cargo/bin), with its manual page and bash
# completion for the current user.
install: deps
	cargo install --locked --path .
	mkdir -p $(HOME)/.local/share/man/man1 $(HOME)/.local/share/bash-completion/completions
	$(HOME)/.cargo/bin/wfm man > $(HOME)/.local/share/man/man1/wfm.1
	$(HOME)/.cargo/bin/wfm completions bash > $(HOME)/.local/share/bash-completion/completions/wfm

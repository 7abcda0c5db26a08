# Two commands for a fresh machine: `make demo` runs wfm on the bundled sample data,
# `make test` runs the tests. Both install the system packages HiGHS needs first.
# The build cache lives outside the clone so CI and later runs reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/wfm/target
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
WFM := $(CARGO_TARGET_DIR)/debug/wfm
OUT ?= out

.PHONY: demo test deps build

# HiGHS is built from source by good_lp: it needs cmake, a C++ compiler and libclang (bindgen).
deps:
	@if ! command -v cmake >/dev/null || ! command -v c++ >/dev/null || ! ldconfig -p | grep -q 'libclang[-.0-9]*\.so'; then \
		echo "installing cmake, g++ and libclang-dev (needed to build HiGHS)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq cmake g++ libclang-dev; \
	fi

build: deps
	cargo build --bin wfm

# The monthly chain on the sample site: history -> forecast (December 2026) ->
# requirements per half-hour -> shifts with lunches and breaks.
demo: build
	mkdir -p $(OUT)
	$(WFM) ingest data/sample/history.csv --tz Europe/London -o $(OUT)/history.csv
	$(WFM) forecast --history $(OUT)/history.csv --calendar data/sample/calendar.csv \
		--tz Europe/London --start 2026-12-01 --days 28 -o $(OUT)/forecast.csv
	$(WFM) staff --forecast $(OUT)/forecast.csv --targets data/sample/targets.toml \
		-o $(OUT)/requirements.csv
	$(WFM) schedule --requirements $(OUT)/requirements.csv --shifts data/sample/shifts.toml \
		--tz Europe/London --start 2026-12-01 --days 28 \
		-o $(OUT)/shifts.csv --coverage $(OUT)/coverage.csv
	@echo "outputs in $(OUT)/: history.csv forecast.csv requirements.csv shifts.csv coverage.csv"

test: deps
	cargo test --all-targets

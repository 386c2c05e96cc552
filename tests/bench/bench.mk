# tests/bench/bench.mk - `make bench` and `make bench-smoke` (included by the top-level Makefile,
# whose BUILD, WASM_CC, WASM_CFLAGS, WASM_LDFLAGS, WASM_OPT and OPT_FLAGS it uses).
#
#   bench        the full run (< 5 minutes on 2 cores): tables on stdout, $(BUILD)/bench.json
#   bench-smoke  a seconds-long run of the same code with tiny sizes ($(BUILD)/bench-smoke.json);
#                fails if a benchmark fails (never because a target is missed)
#
# Built here, under $(BUILD)/bench/:
#   core              tests/bench/core.c natively (clang -O2): decode/encode throughput
#   core-oz.wasm      the same core with the plugin flags
#   core-ozsimd.wasm  ... plus -msimd128
#   core-o2simd.wasm  ... at -O2 with -msimd128 (what the autovectorizer can do)
#   floor.wasm        tests/bench/floor.c, the in-host baseline, with the plugin flags

BENCH_SRC := tests/bench
BENCH_OUT := $(BUILD)/bench
BENCH_CC ?= clang
BENCH_NATIVE_CFLAGS := -O2 -std=c99 -Wall -Wextra -Wpedantic -Werror
# Debian's clang runs wasm-opt by itself, without --enable-simd, when wasm-opt is on PATH: a
# no-op wasm-opt first on PATH keeps it out of the way of -msimd128 builds; ours runs after.
BENCH_NO_OPT := $(abspath $(BENCH_OUT))/no-wasm-opt
BENCH_WASM := $(BENCH_OUT)/floor.wasm $(BENCH_OUT)/core-oz.wasm $(BENCH_OUT)/core-ozsimd.wasm $(BENCH_OUT)/core-o2simd.wasm
BENCH_PLUGINS := $(BUILD)/minimal.wasm $(BUILD)/echo.wasm $(BUILD)/all4.wasm $(BUILD)/probe.wasm $(BUILD)/client.wasm
BENCH_NODE := node --expose-gc --no-warnings $(BENCH_SRC)/bench.js --build $(BUILD)

.PHONY: bench bench-smoke bench-build

bench-build: $(BENCH_OUT)/core $(BENCH_WASM) $(BENCH_PLUGINS) tests/host/node_modules/.package-lock.json

bench: bench-build
	$(BENCH_NODE)

bench-smoke: bench-build
	$(BENCH_NODE) --smoke

$(BENCH_OUT)/core: $(BENCH_SRC)/core.c nd_ws.h
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_NATIVE_CFLAGS) -o $@ $<

$(BENCH_OUT)/floor.wasm: $(BENCH_SRC)/floor.c | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_LDFLAGS) -o $(BENCH_OUT)/floor.full.wasm $< > $(BENCH_OUT)/floor.link.log
	$(WASM_OPT) $(OPT_FLAGS) $(BENCH_OUT)/floor.full.wasm -o $@

$(BENCH_OUT)/core-oz.wasm: $(BENCH_SRC)/core.c nd_ws.h | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_LDFLAGS) -o $(BENCH_OUT)/core-oz.full.wasm $< > $(BENCH_OUT)/core-oz.link.log
	$(WASM_OPT) $(OPT_FLAGS) $(BENCH_OUT)/core-oz.full.wasm -o $@

$(BENCH_OUT)/core-ozsimd.wasm: $(BENCH_SRC)/core.c nd_ws.h $(BENCH_NO_OPT)/wasm-opt | $(BUILD)/.deps
	PATH="$(BENCH_NO_OPT):$$PATH" $(WASM_CC) $(WASM_CFLAGS) -msimd128 $(WASM_LDFLAGS) \
	  -o $(BENCH_OUT)/core-ozsimd.full.wasm $< > $(BENCH_OUT)/core-ozsimd.link.log
	$(WASM_OPT) $(OPT_FLAGS) --enable-simd $(BENCH_OUT)/core-ozsimd.full.wasm -o $@

$(BENCH_OUT)/core-o2simd.wasm: $(BENCH_SRC)/core.c nd_ws.h $(BENCH_NO_OPT)/wasm-opt | $(BUILD)/.deps
	PATH="$(BENCH_NO_OPT):$$PATH" $(WASM_CC) $(WASM_CFLAGS) -O2 -msimd128 $(WASM_LDFLAGS) \
	  -o $(BENCH_OUT)/core-o2simd.full.wasm $< > $(BENCH_OUT)/core-o2simd.link.log
	$(WASM_OPT) -O2 --enable-simd --enable-bulk-memory --strip-debug --strip-producers --strip-target-features \
	  $(BENCH_OUT)/core-o2simd.full.wasm -o $@

$(BENCH_NO_OPT)/wasm-opt:
	@mkdir -p $(@D)
	printf '#!/bin/sh\n# stands in for wasm-opt while clang links a -msimd128 module\nexit 0\n' > $@
	chmod +x $@

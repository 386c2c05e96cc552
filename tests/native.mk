# tests/native.mk - native unit tests and fuzzing of nd_ws.h.
#
# Included by the top-level Makefile; also usable on its own from the repo
# root:  make -f tests/native.mk native-test fuzz-smoke
#
#   native-test  build and run the unit tests: clang with ASan+UBSan as C99
#                and as C++, then gcc and g++ (plain -O2, -Werror)
#   fuzz-smoke   replay the committed corpus, then run each libFuzzer target
#                for a few seconds (FUZZ_SMOKE_SECONDS, default 6)
#   fuzz         run each libFuzzer target for FUZZ_SECONDS (default 300);
#                new inputs go to build/fuzz/corpus/<target>/
#
# Needs clang, clang++, gcc, g++ and libFuzzer + sanitizer runtimes
# (Debian: libclang-rt-14-dev). Self-contained: no variables from outside.

NDT_HEADER := nd_ws.h
NDT_UNIT := tests/unit
NDT_FUZZ := tests/fuzz
NDT_NATIVE := build/native
NDT_FUZZ_OUT := build/fuzz

FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 6

NDT_WARN := -Wall -Wextra -Wpedantic -Werror
NDT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
NDT_C := -x c -std=c99
NDT_CXX := -x c++ -std=c++11
NDT_RUN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1

# The client tests need nd_ws_connect & co. to be defined by the header.
NDT_HASH := \#
NDT_HAS_CLIENT := $(shell awk '/^$(NDT_HASH)ifdef ND_WS_IMPLEMENTATION/{i=1} i && index($$0, "nd_ws_connect\050"){print "yes"; exit}' $(NDT_HEADER) 2>/dev/null)
ifeq ($(NDT_HAS_CLIENT),yes)
NDT_CLIENT_DEF := -DND_WS_TEST_CLIENT
NDT_CLIENT_SRC := $(NDT_UNIT)/test_client.c
else
NDT_CLIENT_DEF :=
NDT_CLIENT_SRC :=
endif

NDT_COMMON := $(NDT_UNIT)/shim.c $(NDT_UNIT)/check.c $(NDT_UNIT)/jsonref.c
NDT_DEPS := $(NDT_HEADER) $(wildcard $(NDT_UNIT)/*.h $(NDT_UNIT)/*.c) tests/native.mk

# binary name -> sources
NDT_SRC_unit := $(NDT_UNIT)/main_unit.c $(NDT_UNIT)/handlers.c $(NDT_UNIT)/test_scanner.c \
    $(NDT_UNIT)/test_unescape.c $(NDT_UNIT)/test_numbers.c $(NDT_UNIT)/test_base64.c \
    $(NDT_UNIT)/test_results.c $(NDT_UNIT)/test_errors.c $(NDT_CLIENT_SRC) $(NDT_COMMON)
NDT_SRC_arena := $(NDT_UNIT)/test_arena.c $(NDT_UNIT)/handlers.c $(NDT_COMMON)
NDT_SRC_stubs := $(NDT_UNIT)/test_stubs.c $(NDT_COMMON)
NDT_SRC_static := $(NDT_UNIT)/test_static.c $(NDT_COMMON)
NDT_DEF_arena := -DND_WS_ARENA_SIZE=512

NDT_BINS := unit arena stubs static
# compiler variants: name, compiler, language flags, extra flags
NDT_V_clang := clang $(NDT_C) $(NDT_SAN) -O1 -g
NDT_V_clangxx := clang++ $(NDT_CXX) $(NDT_SAN) -O1 -g
NDT_V_gcc := gcc $(NDT_C) -O2
NDT_V_gxx := g++ $(NDT_CXX) -O2
NDT_VARIANTS := clang clangxx gcc gxx

# $(1) variant, $(2) binary
define NDT_BUILD
$(NDT_NATIVE)/$(1)/$(2): $(NDT_DEPS)
	@mkdir -p $$(@D)
	$$(NDT_V_$(1)) $$(NDT_WARN) $$(NDT_CLIENT_DEF) $$(NDT_DEF_$(2)) -o $$@ $$(NDT_SRC_$(2))
NDT_ALL_BINS += $(NDT_NATIVE)/$(1)/$(2)
endef
$(foreach v,$(NDT_VARIANTS),$(foreach b,$(NDT_BINS),$(eval $(call NDT_BUILD,$(v),$(b)))))

# The header alone, compiled as every language with every compiler, with and
# without the implementation (catches warnings the tests' own code hides).
NDT_HDR_CHECKS := $(foreach v,$(NDT_VARIANTS),$(NDT_NATIVE)/$(v)/header.o $(NDT_NATIVE)/$(v)/header-static.o)
$(NDT_NATIVE)/%/header.o: $(NDT_UNIT)/compile_header.c $(NDT_HEADER)
	@mkdir -p $(@D)
	$(NDT_V_$*) $(NDT_WARN) -c -o $@ $<
$(NDT_NATIVE)/%/header-static.o: $(NDT_UNIT)/compile_header.c $(NDT_HEADER)
	@mkdir -p $(@D)
	$(NDT_V_$*) $(NDT_WARN) -DND_WS_STATIC -DND_WS_NO_DEFAULT_EXPORTS -c -o $@ $<

.PHONY: native-test native-build fuzz-smoke fuzz fuzz-build fuzz-replay

native-build: $(NDT_ALL_BINS) $(NDT_HDR_CHECKS)

native-test: native-build
ifneq ($(NDT_HAS_CLIENT),yes)
	@echo "native-test: NOTE: nd_ws.h does not define nd_ws_connect yet; client tests not built"
endif
	@failed=""; for v in $(NDT_VARIANTS); do for b in $(NDT_BINS); do \
	    echo "== $$v/$$b"; $(NDT_RUN_ENV) $(NDT_NATIVE)/$$v/$$b || failed="$$failed $$v/$$b"; done; done; \
	if [ -n "$$failed" ]; then echo "native-test: FAILED:$$failed"; exit 1; fi; \
	echo "native-test: all passed"

# ---- fuzzing -----------------------------------------------------------------
NDT_FUZZ_TARGETS := input_text input_binary input_error input_close base64
ifeq ($(NDT_HAS_CLIENT),yes)
NDT_FUZZ_TARGETS += json_writer
endif
NDT_FUZZ_FLAGS := $(NDT_C) $(NDT_SAN) -O1 -g $(NDT_WARN) $(NDT_CLIENT_DEF) -I$(NDT_UNIT) -I$(NDT_FUZZ)
NDT_FUZZ_COMMON := $(NDT_UNIT)/shim.c $(NDT_UNIT)/jsonref.c
NDT_FUZZ_DEPS := $(NDT_DEPS) $(wildcard $(NDT_FUZZ)/*.c $(NDT_FUZZ)/*.h)
NDT_FSRC_input_text := $(NDT_FUZZ)/fuzz_input.c
NDT_FDEF_input_text := -DFUZZ_KIND=0
NDT_FSRC_input_binary := $(NDT_FUZZ)/fuzz_input.c
NDT_FDEF_input_binary := -DFUZZ_KIND=1
NDT_FSRC_input_error := $(NDT_FUZZ)/fuzz_input.c
NDT_FDEF_input_error := -DFUZZ_KIND=2
NDT_FSRC_input_close := $(NDT_FUZZ)/fuzz_input.c
NDT_FDEF_input_close := -DFUZZ_KIND=3
NDT_FSRC_base64 := $(NDT_FUZZ)/fuzz_base64.c
NDT_FSRC_json_writer := $(NDT_FUZZ)/fuzz_json_writer.c

define NDT_FUZZ_BUILD
$(NDT_FUZZ_OUT)/$(1): $(NDT_FUZZ_DEPS)
	@mkdir -p $$(@D)
	clang $$(NDT_FUZZ_FLAGS) -fsanitize=fuzzer $$(NDT_FDEF_$(1)) -o $$@ $$(NDT_FSRC_$(1)) $$(NDT_FUZZ_COMMON)
$(NDT_FUZZ_OUT)/replay-$(1): $(NDT_FUZZ_DEPS)
	@mkdir -p $$(@D)
	clang $$(NDT_FUZZ_FLAGS) $$(NDT_FDEF_$(1)) -o $$@ $$(NDT_FSRC_$(1)) $(NDT_FUZZ)/replay.c $$(NDT_FUZZ_COMMON)
NDT_FUZZ_BINS += $(NDT_FUZZ_OUT)/$(1)
NDT_REPLAY_BINS += $(NDT_FUZZ_OUT)/replay-$(1)
endef
$(foreach t,$(NDT_FUZZ_TARGETS),$(eval $(call NDT_FUZZ_BUILD,$(t))))

fuzz-build: $(NDT_FUZZ_BINS) $(NDT_REPLAY_BINS)

# The committed corpus as a plain test, without libFuzzer.
NDT_REPLAY = failed=""; for t in $(NDT_FUZZ_TARGETS); do \
	    $(NDT_RUN_ENV) $(NDT_FUZZ_OUT)/replay-$$t $(NDT_FUZZ)/corpus/$$t >$(NDT_FUZZ_OUT)/replay-$$t.log 2>&1 \
	        && tail -n 1 $(NDT_FUZZ_OUT)/replay-$$t.log \
	        || { grep -v '^    \#' $(NDT_FUZZ_OUT)/replay-$$t.log | tail -n 8; echo "replay: $$t FAILED"; failed="$$failed replay-$$t"; }; \
	done

# $(1) seconds per target. libFuzzer reads the committed corpus and writes new
# inputs to build/fuzz/corpus/<target>; a failing input goes to
# build/fuzz/<target>-crash-* (the full log to build/fuzz/<target>.log).
# Every target runs even if an earlier one failed; the recipe fails at the end.
define NDT_FUZZ_RUN
	@$(NDT_REPLAY); \
	for t in $(NDT_FUZZ_TARGETS); do \
	    mkdir -p $(NDT_FUZZ_OUT)/corpus/$$t; \
	    echo "== fuzz $$t for $(1) s"; \
	    if $(NDT_RUN_ENV) $(NDT_FUZZ_OUT)/$$t -max_total_time=$(1) -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	        -dict=$(NDT_FUZZ)/json.dict -artifact_prefix=$(NDT_FUZZ_OUT)/$$t- -print_final_stats=1 \
	        $(NDT_FUZZ_OUT)/corpus/$$t $(NDT_FUZZ)/corpus/$$t >$(NDT_FUZZ_OUT)/$$t.log 2>&1; then \
	        grep -E '^stat::(number_of_executed_units|new_units_added)' $(NDT_FUZZ_OUT)/$$t.log | tr '\n' ' '; echo; \
	    else \
	        grep -v '^    \#' $(NDT_FUZZ_OUT)/$$t.log | grep -E -A3 'invariant|runtime error|ERROR|SUMMARY|Test unit written' | head -n 20; \
	        echo "fuzz: $$t FAILED (log: $(NDT_FUZZ_OUT)/$$t.log)"; failed="$$failed $$t"; \
	    fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed"; exit 1; fi; echo "fuzz: all passed"
endef

fuzz-replay: $(NDT_REPLAY_BINS)
	@$(NDT_REPLAY); if [ -n "$$failed" ]; then exit 1; fi

fuzz-smoke: fuzz-build
	$(call NDT_FUZZ_RUN,$(FUZZ_SMOKE_SECONDS))

fuzz: fuzz-build
	$(call NDT_FUZZ_RUN,$(FUZZ_SECONDS))

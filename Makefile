# nd_ws: build the example plugins, run the demo and the tests.
#   make          build every example to build/NAME.wasm (+ build/NAME.ndp)
#   make demo     build, then run the echo plugin against a local echo server
#   make test     the whole suite (native, fuzz smoke, wasm end to end, sizes)
#   make size     one line per plugin: NAME.wasm BYTES
#   make bench    benchmarks against a raw-ABI floor (tests/bench/README.md)
#   make fuzz     each libFuzzer target for FUZZ_SECONDS (default 300)
#   make install PREFIX=/usr/local   install nd_ws.h
# WASI_SDK_PATH=/opt/wasi-sdk uses a wasi-sdk instead of Debian's clang.

PREFIX ?= /usr/local
BUILD  := build

ifdef WASI_SDK_PATH
WASM_CC := $(WASI_SDK_PATH)/bin/clang --sysroot=$(WASI_SDK_PATH)/share/wasi-sysroot
else
WASM_CC := clang
endif
WASM_OPT ?= wasm-opt

# -mbulk-memory: memcpy becomes one memory.copy instruction (wazero, which
# Navidrome runs plugins on, and Node both support it). The stack is small
# because nd_ws keeps no data on it; the arena lives in grown memory.
WASM_CFLAGS := --target=wasm32-wasi -mexec-model=reactor -Oz -mbulk-memory \
	-std=c99 -Wall -Wextra -Wpedantic -Werror
WASM_LDFLAGS := -Wl,-z,stack-size=8192 -Wl,--trace-symbol=malloc -Wl,--trace-symbol=free
# Debian's clang runs wasm-opt on its own when binaryen is installed, but
# without the features the module uses once they are stripped: strip here.
OPT_FLAGS := -Oz --enable-bulk-memory --strip-debug --strip-producers --strip-target-features

EXAMPLES     := $(basename $(notdir $(wildcard examples/*.c)))
TEST_PLUGINS := probe client all4 initsend
PLUGINS      := $(EXAMPLES) $(TEST_PLUGINS)
NDPS         := $(patsubst examples/%.json,$(BUILD)/%.ndp,$(wildcard examples/*.json)) \
                $(BUILD)/client.ndp $(BUILD)/noperm.ndp

# Debian packages the build and the tests need.
APT_PACKAGES := clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev binaryen wabt zip

.PHONY: all examples test-plugins deps demo test size size-check readme-check install install-check clean node-test
all: examples

examples: deps $(EXAMPLES:%=$(BUILD)/%.wasm) $(patsubst examples/%.json,$(BUILD)/%.ndp,$(wildcard examples/*.json))
test-plugins: examples $(TEST_PLUGINS:%=$(BUILD)/%.wasm) $(BUILD)/client.ndp $(BUILD)/noperm.ndp

# Install what is missing: as root with apt-get, otherwise say what to run.
deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$(WASI_SDK_PATH)" ]; then missing=$$(echo "$$missing" | sed 's/ clang\| lld\| wasi-libc\| libclang-rt-14-dev-wasm32//g'); fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) || exit 1; \
	  else \
	    echo "nd_ws needs these Debian packages; run:"; \
	    echo "  sudo apt-get install$$missing"; \
	    echo "(or set WASI_SDK_PATH to a wasi-sdk for the compiler part)"; exit 1; \
	  fi; \
	fi
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { echo "nd_ws's tests and demo need Node.js 20 with npm (Debian: apt-get install nodejs npm)"; exit 1; }
	@mkdir -p $(BUILD) && touch $@

# Compile, then strip with our own wasm-opt run (see OPT_FLAGS).
define WASM_BUILD
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_LDFLAGS) -o $(BUILD)/$*.full.wasm $< > $(BUILD)/$*.link.log
	$(WASM_OPT) $(OPT_FLAGS) $(BUILD)/$*.full.wasm -o $@
endef
$(BUILD)/%.wasm: examples/%.c nd_ws.h | $(BUILD)/.deps
	$(WASM_BUILD)
$(BUILD)/%.wasm: tests/plugins/%.c tests/plugins/report.h nd_ws.h | $(BUILD)/.deps
	$(WASM_BUILD)

# A .ndp is a zip of manifest.json and plugin.wasm, both at its root.
# $(1): the plugin's .wasm, $(2): its manifest; the target is the .ndp.
define NDP_PACK
	rm -rf $(@:.ndp=.ndp-dir) $@ && mkdir -p $(@:.ndp=.ndp-dir)
	cp $(2) $(@:.ndp=.ndp-dir)/manifest.json && cp $(1) $(@:.ndp=.ndp-dir)/plugin.wasm
	cd $(@:.ndp=.ndp-dir) && zip -q -X ../$(@F) manifest.json plugin.wasm
endef
$(BUILD)/%.ndp: $(BUILD)/%.wasm examples/%.json
	$(call NDP_PACK,$<,examples/$*.json)
$(BUILD)/client.ndp: $(BUILD)/client.wasm tests/plugins/client.json
	$(call NDP_PACK,$<,tests/plugins/client.json)
# The client plugin imports websocket_*; without the permission it must not load.
$(BUILD)/noperm.ndp: $(BUILD)/client.wasm tests/plugins/noperm.json
	$(call NDP_PACK,$<,tests/plugins/noperm.json)

size: examples $(BUILD)/all4.wasm
	@for p in $(EXAMPLES) all4; do echo "$$p.wasm $$(wc -c < $(BUILD)/$$p.wasm)"; done

tests/host/node_modules/.package-lock.json: tests/host/package-lock.json | $(BUILD)/.deps
	cd tests/host && npm ci --no-audit --no-fund

demo: examples tests/host/node_modules/.package-lock.json
	node --no-warnings tests/host/nd-host.js $(BUILD)/echo.ndp --echo --demo

node-test: test-plugins tests/host/node_modules/.package-lock.json
	node --no-warnings --test tests/host/test/

size-check: test-plugins
	sh tests/size-check.sh $(BUILD)

# The plugin in README.md's "A plugin" section, compiled as written.
readme-check: $(BUILD)/readme.wasm
$(BUILD)/readme.wasm: README.md nd_ws.h | $(BUILD)/.deps
	awk '/^## A plugin/{s=1} s && /^```c/{c=1; next} c && /^```/{exit} c' README.md > $(BUILD)/readme.c
	$(WASM_CC) $(WASM_CFLAGS) -I. $(WASM_LDFLAGS) -o $@ $(BUILD)/readme.c > $(BUILD)/readme.link.log
	@test -s $(BUILD)/readme.c && wasm-objdump -x $@ | grep -q nd_websocket_on_text_message

# make install, into a scratch root.
install-check:
	rm -rf $(BUILD)/install && $(MAKE) --no-print-directory install DESTDIR=$(BUILD)/install PREFIX=/usr
	cmp nd_ws.h $(BUILD)/install/usr/include/nd_ws.h

-include tests/native.mk
-include tests/bench/bench.mk

test: test-plugins
	$(MAKE) --no-print-directory native-test
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory readme-check
	$(MAKE) --no-print-directory install-check
	$(MAKE) --no-print-directory size-check
	$(MAKE) --no-print-directory node-test
	$(MAKE) --no-print-directory bench-smoke

install:
	install -d $(DESTDIR)$(PREFIX)/include
	install -m 644 nd_ws.h $(DESTDIR)$(PREFIX)/include/nd_ws.h

clean:
	rm -rf $(BUILD)

# SPDX-License-Identifier: GPL-2.0-only
# numasim build. Targets:
#   make            release build: build/numasim (and $(BUILD)/release/)
#   make debug      ASan + UBSan + SIM_DEBUG_VM=3: $(BUILD)/debug/numasim
#   make check      unit tests and scenario tests, release and debug builds
#   make bench      benchmark figures (bench/bench.c; BENCH_ARGS=--quick for a short run)
#   make fuzz       libFuzzer targets (needs clang), short runs
#   make deps       install Debian packages the build needs (as root)

CC ?= cc
# Where objects and programs go; several trees can build side by side
# (make BUILD=/tmp/other check). build/numasim is the default tree's release program.
BUILD ?= build
PKGS := json-c hwloc yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# numasim-native alone links libnuma (tools/native/, docs/native.md)
NATIVE_PKGS := numa
NATIVE_LIBS := $(shell pkg-config --libs $(NATIVE_PKGS) 2>/dev/null || echo -lnuma) -pthread

WARN := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wundef -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wvla -Wno-missing-field-initializers
ifeq ($(CI),true)
WARN += -Werror
endif
CPPFLAGS := -Isrc $(PKG_CFLAGS)

REL_CFLAGS := -O2 -g -DNDEBUG -DSIM_DEBUG_VM=0
DBG_CFLAGS := -O1 -g3 -DSIM_DEBUG_VM=3 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
DBG_LDFLAGS := -fsanitize=address,undefined

LIB_SRCS := $(sort $(wildcard src/*/*.c) $(filter-out src/main.c,$(wildcard src/*.c)))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
HDRS := $(wildcard src/*.h src/*/*.h src/*/*.def)

REL_OBJS := $(patsubst src/%.c,$(BUILD)/release/obj/%.o,$(LIB_SRCS))
DBG_OBJS := $(patsubst src/%.c,$(BUILD)/debug/obj/%.o,$(LIB_SRCS))
REL_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/release/tests/%,$(TEST_SRCS))
DBG_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/debug/tests/%,$(TEST_SRCS))

.PHONY: all release debug check check-release check-debug unit bench fuzz deps clean
all: release
# build/numasim is the default tree's program alone: a side build
# (make BUILD=/tmp/other) never overwrites it
ifeq ($(BUILD),build)
release: build/numasim build/numasim-native
else
release: $(BUILD)/release/numasim $(BUILD)/release/numasim-native
endif
debug: $(BUILD)/debug/numasim $(BUILD)/debug/numasim-native

build/numasim: $(BUILD)/release/numasim
	@mkdir -p build
	cp $< $@
build/numasim-native: $(BUILD)/release/numasim-native
	@mkdir -p build
	cp $< $@

$(BUILD)/release/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) -c $< -o $@
$(BUILD)/debug/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(DBG_CFLAGS) -c $< -o $@

$(BUILD)/release/libnumasim.a: $(REL_OBJS)
	@rm -f $@; ar rcs $@ $^
$(BUILD)/debug/libnumasim.a: $(DBG_OBJS)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/release/numasim: src/main.c $(BUILD)/release/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) $< $(BUILD)/release/libnumasim.a $(PKG_LIBS) -lm -o $@
$(BUILD)/debug/numasim: src/main.c $(BUILD)/debug/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(DBG_CFLAGS) $< $(BUILD)/debug/libnumasim.a $(PKG_LIBS) -lm $(DBG_LDFLAGS) -o $@

# numasim-native: a workload run for real on this host (tools/native/)
NATIVE_SRCS := $(sort $(wildcard tools/native/*.c))
NATIVE_HDRS := $(wildcard tools/native/*.h)
$(BUILD)/release/numasim-native: $(NATIVE_SRCS) $(NATIVE_HDRS) $(BUILD)/release/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) -pthread $(NATIVE_SRCS) $(BUILD)/release/libnumasim.a \
		$(PKG_LIBS) $(NATIVE_LIBS) -lm -o $@
$(BUILD)/debug/numasim-native: $(NATIVE_SRCS) $(NATIVE_HDRS) $(BUILD)/debug/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(DBG_CFLAGS) -pthread $(NATIVE_SRCS) $(BUILD)/debug/libnumasim.a \
		$(PKG_LIBS) $(NATIVE_LIBS) -lm $(DBG_LDFLAGS) -o $@

$(BUILD)/release/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/release/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) -Wno-missing-prototypes $(REL_CFLAGS) $< \
		$(BUILD)/release/libnumasim.a $(PKG_LIBS) -lcmocka -lm -o $@
$(BUILD)/debug/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/debug/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) -Wno-missing-prototypes $(DBG_CFLAGS) $< \
		$(BUILD)/debug/libnumasim.a $(PKG_LIBS) -lcmocka -lm $(DBG_LDFLAGS) -o $@

# Fuzz targets replayed over their corpus (no clang needed): fuzz/corpus/NAME/
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
REL_REPLAY := $(patsubst %,$(BUILD)/release/replay/%,$(FUZZ_NAMES))
DBG_REPLAY := $(patsubst %,$(BUILD)/debug/replay/%,$(FUZZ_NAMES))
$(BUILD)/release/replay/%: fuzz/%.c tests/fuzz_replay.c $(BUILD)/release/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(REL_CFLAGS) $< tests/fuzz_replay.c \
		$(BUILD)/release/libnumasim.a $(PKG_LIBS) -lm -o $@
$(BUILD)/debug/replay/%: fuzz/%.c tests/fuzz_replay.c $(BUILD)/debug/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(DBG_CFLAGS) $< tests/fuzz_replay.c \
		$(BUILD)/debug/libnumasim.a $(PKG_LIBS) -lm $(DBG_LDFLAGS) -o $@

# Unit tests, fuzz corpora, then command-line tests: release build first, then
# debug. Everything is built first (in parallel with -j), then run in order.
check: $(BUILD)/release/numasim $(BUILD)/debug/numasim $(BUILD)/release/numasim-native \
	$(BUILD)/debug/numasim-native $(REL_TESTS) $(DBG_TESTS) $(REL_REPLAY) $(DBG_REPLAY)
	@echo "== release build =="
	@$(call run-suite,release)
	@echo "== debug build (ASan, UBSan, SIM_DEBUG_VM=3) =="
	@$(call run-suite,debug)
	@echo "all checks passed"
check-release: $(BUILD)/release/numasim $(BUILD)/release/numasim-native $(REL_TESTS) $(REL_REPLAY)
	@$(call run-suite,release)
check-debug: $(BUILD)/debug/numasim $(BUILD)/debug/numasim-native $(DBG_TESTS) $(DBG_REPLAY)
	@$(call run-suite,debug)

define run-suite
tests/run-unit.sh $(BUILD)/$(1)/tests && \
for n in $(FUZZ_NAMES); do $(BUILD)/$(1)/replay/$$n fuzz/corpus/$$n || exit 1; done && \
tests/scenarios/run.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/report.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/kfmt.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/native.sh $(BUILD)/$(1)/numasim-native $(BUILD)/$(1)/numasim && \
tests/scenarios/validate.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/hostmem.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/flush.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/sweep.sh $(BUILD)/$(1)/numasim && \
tests/scenarios/cycles.sh $(BUILD)/$(1)/obj
endef

$(BUILD)/release/numasim-bench: bench/bench.c $(BUILD)/release/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) $< $(BUILD)/release/libnumasim.a $(PKG_LIBS) -lm -o $@

bench: $(BUILD)/release/numasim-bench
	$(BUILD)/release/numasim-bench $(BENCH_ARGS)

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
$(BUILD)/fuzz/%: fuzz/%.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c17 -D_GNU_SOURCE -g -O1 -DSIM_DEBUG_VM=1 \
		-fsanitize=fuzzer,address,undefined $< $(LIB_SRCS) $(PKG_LIBS) -lm -o $@
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
		$$f -max_total_time=$${FUZZ_SECONDS:-20} $(BUILD)/fuzz/corpus-$$n fuzz/corpus/$$n || exit 1; done

deps:
	tools/install-deps.sh

clean:
	rm -rf build $(BUILD)

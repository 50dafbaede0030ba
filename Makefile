# SPDX-License-Identifier: GPL-2.0-only
# numasim build. Targets:
#   make            release build: build/numasim (and build/release/)
#   make debug      ASan + UBSan + SIM_DEBUG_VM=3: build/debug/numasim
#   make check      unit tests and scenario tests, release and debug builds
#   make bench      benchmark figures (bench/bench.c; BENCH_ARGS=--quick for a short run)
#   make fuzz       libFuzzer targets (needs clang), short runs
#   make deps       install Debian packages the build needs (as root)

CC ?= cc
PKGS := json-c hwloc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

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

REL_OBJS := $(patsubst src/%.c,build/release/obj/%.o,$(LIB_SRCS))
DBG_OBJS := $(patsubst src/%.c,build/debug/obj/%.o,$(LIB_SRCS))
REL_TESTS := $(patsubst tests/unit/%.c,build/release/tests/%,$(TEST_SRCS))
DBG_TESTS := $(patsubst tests/unit/%.c,build/debug/tests/%,$(TEST_SRCS))

.PHONY: all release debug check check-release check-debug unit bench fuzz deps clean
all: release
release: build/numasim
debug: build/debug/numasim

build/numasim: build/release/numasim
	cp $< $@

build/release/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) -c $< -o $@
build/debug/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(DBG_CFLAGS) -c $< -o $@

build/release/libnumasim.a: $(REL_OBJS)
	@rm -f $@; ar rcs $@ $^
build/debug/libnumasim.a: $(DBG_OBJS)
	@rm -f $@; ar rcs $@ $^

build/release/numasim: src/main.c build/release/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) $< build/release/libnumasim.a $(PKG_LIBS) -lm -o $@
build/debug/numasim: src/main.c build/debug/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(DBG_CFLAGS) $< build/debug/libnumasim.a $(PKG_LIBS) -lm $(DBG_LDFLAGS) -o $@

build/release/tests/%: tests/unit/%.c tests/unit/harness.h build/release/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) -Wno-missing-prototypes $(REL_CFLAGS) $< \
		build/release/libnumasim.a $(PKG_LIBS) -lcmocka -lm -o $@
build/debug/tests/%: tests/unit/%.c tests/unit/harness.h build/debug/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) -Wno-missing-prototypes $(DBG_CFLAGS) $< \
		build/debug/libnumasim.a $(PKG_LIBS) -lcmocka -lm $(DBG_LDFLAGS) -o $@

# Fuzz targets replayed over their corpus (no clang needed): fuzz/corpus/NAME/
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
REL_REPLAY := $(patsubst %,build/release/replay/%,$(FUZZ_NAMES))
DBG_REPLAY := $(patsubst %,build/debug/replay/%,$(FUZZ_NAMES))
build/release/replay/%: fuzz/%.c tests/fuzz_replay.c build/release/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(REL_CFLAGS) $< tests/fuzz_replay.c \
		build/release/libnumasim.a $(PKG_LIBS) -lm -o $@
build/debug/replay/%: fuzz/%.c tests/fuzz_replay.c build/debug/libnumasim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(DBG_CFLAGS) $< tests/fuzz_replay.c \
		build/debug/libnumasim.a $(PKG_LIBS) -lm $(DBG_LDFLAGS) -o $@

# Unit tests, fuzz corpora, then command-line tests: release build first, then
# debug. Everything is built first (in parallel with -j), then run in order.
check: build/release/numasim build/debug/numasim $(REL_TESTS) $(DBG_TESTS) $(REL_REPLAY) $(DBG_REPLAY)
	@echo "== release build =="
	@$(call run-suite,release)
	@echo "== debug build (ASan, UBSan, SIM_DEBUG_VM=3) =="
	@$(call run-suite,debug)
	@echo "all checks passed"
check-release: build/release/numasim $(REL_TESTS) $(REL_REPLAY)
	@$(call run-suite,release)
check-debug: build/debug/numasim $(DBG_TESTS) $(DBG_REPLAY)
	@$(call run-suite,debug)

define run-suite
tests/run-unit.sh build/$(1)/tests && \
for n in $(FUZZ_NAMES); do build/$(1)/replay/$$n fuzz/corpus/$$n || exit 1; done && \
tests/scenarios/run.sh build/$(1)/numasim
endef

build/release/numasim-bench: bench/bench.c build/release/libnumasim.a
	$(CC) $(CPPFLAGS) $(WARN) $(REL_CFLAGS) $< build/release/libnumasim.a $(PKG_LIBS) -lm -o $@

bench: build/release/numasim-bench
	build/release/numasim-bench $(BENCH_ARGS)

FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
build/fuzz/%: fuzz/%.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c17 -D_GNU_SOURCE -g -O1 -DSIM_DEBUG_VM=1 \
		-fsanitize=fuzzer,address,undefined $< $(LIB_SRCS) $(PKG_LIBS) -lm -o $@
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		$$f -max_total_time=$${FUZZ_SECONDS:-20} build/fuzz/corpus-$$n fuzz/corpus/$$n || exit 1; done

deps:
	tools/install-deps.sh

clean:
	rm -rf build

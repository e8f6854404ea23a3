# thingchain — plain make. `make help` lists the targets.
#
# Sources are discovered, not listed: core/*.c io/*.c device/*.c form
# libtc.a; cli/ daemon/ sim/ each form one program; tests/unit/test_*.c,
# bench/bench_*.c and tests/fuzz/fuzz_*.c are one program each.
# A core/ file whose text contains the marker `tc:device-shared` is also
# compiled into the device SDK (C99, no allocation) by `make device-check`.

MODE  ?= rel
BUILD := build/$(MODE)
NPROC := $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60

WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wpointer-arith -Wformat=2 -Wvla -Wundef
PKGS   := libsodium sqlite3 libuv libmicrohttpd jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsodium -lsqlite3 -luv -lmicrohttpd -ljansson)
LDLIBS := $(PKG_LIBS) -lpthread -lm

ifeq ($(MODE),asan)
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(MODE),fuzz)
  CC  := clang
  OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
  OPT := -O2 -g
endif

CPPFLAGS := -Iinclude -MMD -MP
CFLAGS   := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(PKG_CFLAGS)
DEVFLAGS := -std=c99 -pedantic $(WARN) $(OPT)
LDFLAGS  := $(OPT)

# Quiet by default: one line per file; `make V=1` prints whole commands.
ifeq ($(V),1)
  Q :=
  say :=
else
  Q := @
  say = printf '  %-6s %s\n' $(1) $(2);
endif

LIB_SRC   := $(wildcard core/*.c io/*.c device/*.c)
CLI_SRC   := $(wildcard cli/*.c)
DAEMON_SRC:= $(wildcard daemon/*.c)
SIM_SRC   := $(wildcard sim/*.c)
TEST_SRC  := $(wildcard tests/unit/test_*.c)
TESTLIB_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
BENCH_SRC := $(wildcard bench/bench_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB       := $(BUILD)/libtc.a
CLI       := $(BUILD)/thingchain
DAEMON    := $(if $(DAEMON_SRC),$(BUILD)/thingchaind)
SIM       := $(if $(SIM_SRC),$(BUILD)/thingchain-sim)
TESTS     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES   := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
FUZZERS   := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
PROGRAMS  := $(CLI) $(DAEMON) $(SIM)

.PHONY: all deps test run stop demo bench fuzz fuzz-build clean help device-check device-size \
        programs tests benches sim-long
.DEFAULT_GOAL := all
# Keep intermediate objects (test and fuzz objects are built through pattern chains).
.SECONDARY:

all: programs
programs: $(PROGRAMS)
tests: $(PROGRAMS) $(TESTS)
benches: $(PROGRAMS) $(BENCHES)

help:
	@echo "make            build the programs (build/rel/)"
	@echo "make test       install missing packages, build with ASan+UBSan, run every test"
	@echo "make run        install missing packages, build, start a local 4-validator network"
	@echo "make bench      build optimised and print benchmark figures with reference ratios"
	@echo "make fuzz       run every libFuzzer target for FUZZ_SECONDS (default 60) each"
	@echo "make device-check  compile the device SDK as C99 -pedantic and check its symbols"
	@echo "make device-size   cross-compile the device SDK for Cortex-M4 and print its size"
	@echo "make sim-long   run 10,000 consensus simulator seeds"
	@echo "make demo       the whole story: 1,000 devices on a fresh local 4-validator network (build/demo)"
	@echo "make stop       stop the nodes started by make run"
	@echo "make clean      remove build/"

deps:
	@bash scripts/deps.sh

# --- compiling -------------------------------------------------------------
$(BUILD)/obj/device/%.o: device/%.c
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC99,$<)$(CC) $(CPPFLAGS) $(DEVFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(call obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	$(Q)$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(CLI): $(call obj,$(CLI_SRC)) $(LIB)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/thingchaind: $(call obj,$(DAEMON_SRC)) $(LIB)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/thingchain-sim: $(call obj,$(SIM_SRC)) $(LIB)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(TESTLIB_SRC)) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Fuzzers: the library rebuilt with clang + sanitizer coverage (MODE=fuzz).
build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o build/fuzz/libtc.a
	$(Q)$(call say,LD,$@)clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

# --- the two commands of the README -----------------------------------------
test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=asan tests
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=fuzz fuzz-build
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=rel programs
	@TC_BUILD=build/asan TC_REL=build/rel bash tests/run.sh

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=rel programs
	@bash scripts/run.sh

stop:
	@bash scripts/run.sh stop

demo: deps
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=rel programs
	@bash scripts/demo.sh

# --- the rest ---------------------------------------------------------------
fuzz-build: $(FUZZERS)

fuzz: deps
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=fuzz fuzz-build
	@for f in $(FUZZERS); do n=$${f##*/fuzz_}; mkdir -p build/fuzz/new/$$n; \
	  echo "== $$f for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/new/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

bench: deps
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=rel benches
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done
	@echo "== bench/bench_fwserve.sh"; TC_REL=build/rel bash bench/bench_fwserve.sh
	@echo "== bench/bench_node.sh"; bash bench/bench_node.sh
	@echo "== bench/bench_fleet.sh"; bash bench/bench_fleet.sh

device-check:
	@bash scripts/check_layers.sh

device-size:
	@bash scripts/device_size.sh

sim-long: deps
	@$(MAKE) --no-print-directory -j$(NPROC) MODE=rel programs
	build/rel/thingchain-sim --validators 4 --byzantine 1 --seeds 10000 --heights 5 --faults all

clean:
	rm -rf build

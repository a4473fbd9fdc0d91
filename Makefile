# sigtrail -- one hand-written Makefile (redis src/Makefile style).
# make            build ./sigtrail
# make test       unit tests, fuzz corpus replay, oracle and system tests
# make asan       the same tests under AddressSanitizer + UBSan (separate build dir)
# make fuzz       libFuzzer targets (clang); run one: tests/fuzz/fuzz_X.fuzz DIR
# make lab        regenerate the incident-lab captures (root; see lab/README.md)
# make bench      the benchmark (bench/run.sh)

CC       ?= gcc
OPT      ?= -O2 -g
PKGS     := libpcap ldns libcrypto sqlite3
B        ?= build
CPPFLAGS += -I. -D_DEFAULT_SOURCE -MMD -MP
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wcast-qual -Wundef -Wpointer-arith -Wnull-dereference
CFLAGS   += -std=c11 $(OPT) $(WARN) $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lm
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS   += $(if $(filter 1,$(WERROR)),-Werror) $(if $(filter 1,$(SANITIZE)),$(SANFLAGS))
LDFLAGS  += $(if $(filter 1,$(SANITIZE)),$(SANFLAGS))
CURSES_CFLAGS := $(shell pkg-config --cflags ncursesw)
CURSES_LIBS   := $(shell pkg-config --libs ncursesw)

CORE_SRC := $(wildcard util/*.c capture/*.c decode/*.c analyze/*.c report/*.c)
TUI_SRC  := $(wildcard tui/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

CORE := $(CORE_SRC:%.c=$(B)/%.o)
TUI  := $(TUI_SRC:%.c=$(B)/%.o)
UNIT := $(UNIT_SRC:%.c=$(B)/%)
FUZZ_REPLAY := $(FUZZ_SRC:%.c=$(B)/%.replay)
SIGTRAIL := $(if $(filter build,$(B)),sigtrail,$(B)/sigtrail)

all: $(SIGTRAIL)

$(SIGTRAIL): $(B)/main.o $(CORE) $(TUI)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CURSES_LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(TUI): CFLAGS += $(CURSES_CFLAGS)

# The schema lives in analyze/schema.sql and is compiled in as a string.
%/gen/schema_sql.h: analyze/schema.sql
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $< > $@
$(B)/analyze/db.o: $(B)/gen/schema_sql.h
$(B)/analyze/db.o: CPPFLAGS += -I$(B)
# The incident pass's tables again, as TEMP twins (analyze/incident.c):
# the schema from its "incident pass" heading on, CREATE TABLE made
# CREATE TEMP TABLE. A compile-time constant, like the schema itself.
%/gen/schema_incident_temp_sql.h: analyze/schema.sql
	@mkdir -p $(dir $@)
	sed -n '/^-- Version 2, incident pass/,$$p' $< | sed -e 's/^CREATE TABLE /CREATE TEMP TABLE /' \
	    -e 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' > $@
$(B)/analyze/incident.o: $(B)/gen/schema_incident_temp_sql.h
$(B)/analyze/incident.o: CPPFLAGS += -I$(B)

$(B)/tests/unit/test_%: $(B)/tests/unit/test_%.o $(CORE)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/fuzz/%.replay: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/replay.o $(CORE)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/fuzz/replay.o: tests/fuzz/replay.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

check-build: $(SIGTRAIL) $(UNIT) $(FUZZ_REPLAY)

# The test command README.md names. SIGTRAIL tells the scripts which binary to run.
test: check-build
	SIGTRAIL=./$(SIGTRAIL) BUILD=$(B) tests/run.sh

asan:
	$(MAKE) B=build-asan SANITIZE=1 OPT="-O1 -g" test

fuzz: $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%.fuzz)
build-fuzz/%.fuzz: tests/fuzz/%.c $(CORE_SRC) build-fuzz/gen/schema_sql.h build-fuzz/gen/schema_incident_temp_sql.h
	clang -std=c11 -I. -Ibuild-fuzz -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    $(shell pkg-config --cflags $(PKGS)) -o $@ $(filter %.c,$^) $(LDLIBS)

lab:
	lab/make-all.sh

bench: sigtrail
	bench/run.sh

clean:
	rm -rf build build-asan build-fuzz sigtrail

-include $(shell find build build-asan -name '*.d' 2>/dev/null)
.PHONY: all test asan fuzz lab bench clean check-build

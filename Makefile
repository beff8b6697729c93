# SPDX-License-Identifier: ISC
# aiupdate - one plain Makefile.  Targets: all check asan fuzz bench demo deps install clean

CC      ?= cc
O       ?= build
# 64-bit file offsets and (glibc >= 2.34, 32-bit targets) 64-bit time_t;
# both are no-ops on 64-bit targets.
CSTD    := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wwrite-strings -Wno-format-nonliteral
# -Os: the device binary's code is not its hot path (TLS, hashing and
# copying are in mbedTLS, Nettle and libc): in make bench (2026-12-04) -Os
# and -O2 installed 1 GiB at the same ratio to the bare GET (1.08-1.18 vs
# 1.15-1.20, interleaved runs), and -Os keeps the stripped client under
# 250 KiB (249,648 B vs 302,904 B).
OPT     ?= -Os -g
CFLAGS  ?=
CFLAGS  += $(CSTD) $(WARN) $(OPT) -I. $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)
BUILD_TIME := $(shell date +%s)

# Cross builds (tests/cross/setup.sh installs the tool chain and builds the
# sysroots, tests/cross/run.sh runs the tests under qemu-user-static or, for
# i686, natively): make CROSS=aarch64-linux-gnu, CROSS=arm-linux-gnueabihf or
# CROSS=i686-linux-gnu uses Debian's cross gcc; output goes to build-TRIPLE.
# CROSS_SYSROOT=DIR (tests/cross/sysroot.sh: unpacked Debian packages, libc
# included) is passed as gcc --sysroot; without it gcc finds multiarch -dev
# packages (/usr/lib/MULTIARCH) installed on the host.  MULTIARCH is Debian's
# directory name for the triple (i686-linux-gnu -> i386-linux-gnu).
ifneq ($(CROSS),)
CC := $(CROSS)-gcc
O  := build-$(CROSS)
MULTIARCH := $(if $(filter i%86-linux-gnu,$(CROSS)),i386-linux-gnu,$(CROSS))
ifneq ($(CROSS_SYSROOT),)
CFLAGS  += --sysroot=$(CROSS_SYSROOT)
LDFLAGS += --sysroot=$(CROSS_SYSROOT)
endif
endif

LIBS_CLIENT := -lunbound -lmbedtls -lmbedx509 -lmbedcrypto -lsodium -ljansson -linih -pthread
# make STATIC=1: the device binary aiupdate as one static file for a
# firmware image (Debian's .a archives; output in build-static/ or
# build-TRIPLE-static/).  libarchive is linked (no dlopen), only its tar
# reader and gzip/zstd filters are pulled from the archive; libunbound's
# archive needs libevent's.  Every NSS function a static glibc would load
# through dlopen is wrapped to abort (port/static_nss.c: never reached, and
# the suite proves it), and the link fails on any linker warning, so a new
# one cannot slip in.  libunbound's random numbers come from libsodium
# (port/static_unbound_rng.c: seeding its Yarrow was 15% of a --check).  Everything else (the publisher, tests, tools) stays
# dynamic; $(O)/tests/aiupdate-dynamic is the same client linked
# dynamically, for the tests that need LD_PRELOAD (faketime) or the
# loader's log.
ifeq ($(STATIC),1)
O := $(if $(CROSS),build-$(CROSS)-static,build-static)
LIBARCHIVE := link
AU_STATIC_WRAP := getaddrinfo getpwnam getprotobynumber getprotobyname \
                  getservbyname endprotoent endservent \
                  ub_initstate ub_random ub_random_max ub_randfree
LDFLAGS_STATIC := -static -Wl,--fatal-warnings $(foreach f,$(AU_STATIC_WRAP),-Wl,--wrap=$(f))
LIBS_STATIC := -lunbound -levent -lhogweed -lnettle -lgmp -lmbedtls -lmbedx509 \
               -lmbedcrypto -lsodium -ljansson -linih -larchive -lz -lzstd -pthread
endif
# libarchive (bundle extraction only) and its ~42 MB closure are loaded at
# the first bundle (client/install/libarchive_dl.h): a --check or a raw model never
# maps them.  LIBARCHIVE=link links it instead (static firmware, no dlopen).
LIBARCHIVE ?= dlopen
ifeq ($(LIBARCHIVE),link)
LIBS_CLIENT += -larchive
CFLAGS += -DAU_LIBARCHIVE_LINKED
else
LIBS_CLIENT += -ldl
endif
# Tests also write archives (archive_write_*): they link libarchive always.
LIBS_TEST = $(LIBS_CLIENT) $(if $(filter link,$(LIBARCHIVE)),,-larchive)
# The artifact SHA-256 (keys/digest.h): Nettle, already in the closure
# through libunbound, picks the CPU's SHA instructions at run time; or
# SHA256=sodium (libsodium's portable C), the default of a cross build
# whose sysroot has no Nettle development files.
ifeq ($(SHA256),)
SHA256 := $(if $(CROSS),$(if $(wildcard $(CROSS_SYSROOT)/usr/lib/$(MULTIARCH)/libnettle.so),nettle,sodium),nettle)
endif
ifeq ($(SHA256),nettle)
LIBS_CLIENT += -lnettle
else
CFLAGS += -DAU_SHA256_SODIUM
endif
LIBS_REPO   := -lmbedtls -lmbedx509 -lmbedcrypto -lsodium -ljansson
# The collector (aiupdate-fleet): libmicrohttpd behind nginx, SQLite.
LIBS_FLEET  := -lmicrohttpd -lsqlite3 -lsodium -ljansson

# Library code shared by the client, the publisher and the tests.
PORT_SRC     := port/err.c port/posix.c port/posix_proc.c port/posix_net.c port/compose.c port/dl.c port/tree.c \
                port/posix_listen.c
KEYS_SRC     := $(filter-out keys/sign%.c,$(wildcard keys/*.c))
MANIFEST_SRC := $(wildcard manifest/*.c)
CLIENT_SRC   := $(filter-out client/main.c,$(wildcard client/*.c client/*/*.c))
# port/text.c (hex, paths, percent-encoding) makes no OS call: every backend shares it.
LIB_SRC      := $(PORT_SRC) port/text.c $(KEYS_SRC) $(MANIFEST_SRC) $(CLIENT_SRC)
# Signing code: publisher only, never linked into the device binary.
SIGN_SRC     := $(wildcard keys/sign*.c) $(filter-out repo/main.c,$(wildcard repo/*.c))
# The collector's code (fleet/): verify, store, status, the fleet view.
FLEET_SRC    := $(filter-out fleet/main.c,$(wildcard fleet/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
SIGN_OBJ := $(SIGN_SRC:%.c=$(O)/%.o)
FLEET_OBJ := $(FLEET_SRC:%.c=$(O)/%.o)

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
TOOLS_SRC := $(wildcard tests/tools/*.c)
TOOLS_BIN := $(TOOLS_SRC:tests/tools/%.c=$(O)/tests/%)
# The TUF conformance suite's client command (tests/conformance/README.md).
TOOLS_BIN += $(O)/tests/aiupdate-tuf
# aiupdate linked with the power-cut injecting port/fault.c (tests only).
TOOLS_BIN += $(O)/tests/aiupdate-fault
# make STATIC=1: the same client, dynamic (faketime, LD_DEBUG tests).
TOOLS_BIN += $(if $(filter 1,$(STATIC)),$(O)/tests/aiupdate-dynamic)

BINS := $(O)/aiupdate $(O)/aiupdate-repo
# The collector aiupdate-fleet (libmicrohttpd, SQLite) is the publisher's
# server program: not built for device targets (CROSS), whose sysroots
# carry only the client's libraries.
ifeq ($(CROSS),)
BINS += $(O)/aiupdate-fleet
else
UNIT_BIN := $(filter-out $(O)/tests/test_collector,$(UNIT_BIN))
endif

.PHONY: all check unit integration asan tsan fuzz fuzz-build fuzz-libs bench demo deps install uninstall clean
all: $(BINS) $(UNIT_BIN) $(TOOLS_BIN)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/client/main.o: CFLAGS += -DAU_BUILD_TIME=$(BUILD_TIME)

$(O)/libaiupdate.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(O)/libaiupdate-sign.a: $(SIGN_OBJ)
	@rm -f $@
	ar rcs $@ $^

ifeq ($(STATIC),1)
$(O)/aiupdate: $(O)/client/main.o $(O)/port/static_nss.o $(O)/port/static_unbound_rng.o $(O)/libaiupdate.a
	$(CC) $(LDFLAGS) $(LDFLAGS_STATIC) -o $@ $^ $(LIBS_STATIC)

$(O)/tests/aiupdate-dynamic: $(O)/client/main.o $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_CLIENT)

else
$(O)/aiupdate: $(O)/client/main.o $(O)/libaiupdate.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_CLIENT)
endif

$(O)/aiupdate-repo: $(O)/repo/main.o $(O)/libaiupdate-sign.a $(O)/libaiupdate.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_CLIENT)

$(O)/libaiupdate-fleet.a: $(FLEET_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(O)/aiupdate-fleet: $(O)/fleet/main.o $(O)/libaiupdate-fleet.a $(O)/libaiupdate.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_FLEET) $(LIBS_CLIENT)

# The collector's unit tests link its archive and libraries.
$(O)/tests/test_collector: tests/unit/test_collector.c $(wildcard tests/unit/*.h) $(O)/libaiupdate-fleet.a $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DAU_TEST_SRCDIR='"$(CURDIR)"' $(LDFLAGS) -o $@ $< $(O)/libaiupdate-fleet.a $(O)/libaiupdate.a $(LIBS_FLEET) $(LIBS_TEST)

# AU_TEST_SRCDIR: where the unit tests find tests/vectors from any directory.
$(O)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(O)/libaiupdate-sign.a $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DAU_TEST_SRCDIR='"$(CURDIR)"' $(LDFLAGS) -o $@ $< $(O)/libaiupdate-sign.a $(O)/libaiupdate.a $(LIBS_TEST)

# test_localfail makes this machine fail on demand: its calloc and dlopen
# replace the C library's in every object of the link (ld --wrap).
$(O)/tests/test_localfail: private LDFLAGS += -Wl,--wrap=calloc -Wl,--wrap=dlopen

$(O)/tests/%: tests/tools/%.c $(O)/libaiupdate-sign.a $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libaiupdate-sign.a $(O)/libaiupdate.a $(LIBS_CLIENT)

# Dynamically linked, clock through libc: faketime must work on it.
$(O)/tests/aiupdate-tuf: tests/conformance/aiupdate-tuf.c $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libaiupdate.a $(LIBS_CLIENT)

# port/fault.c defines every port/ symbol, so posix.o is not pulled from the archive.
# test_tamper plays an attacker through it (AIUPDATE_FAULT_TAMPER).
$(O)/tests/test_tamper: tests/unit/test_tamper.c $(wildcard tests/unit/*.h) $(O)/port/fault.o $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/port/fault.o $(O)/libaiupdate.a $(LIBS_TEST)

$(O)/tests/aiupdate-fault: $(O)/client/main.o $(O)/port/fault.o $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_CLIENT)

# The README's test command: unit tests, then integration tests on real local
# servers (NSD, nginx).  Prints "N passed, N failed" last.
check: all
	AU_BUILD=$(O) sh tests/run.sh

unit: all
	AU_BUILD=$(O) AU_ONLY=unit sh tests/run.sh

integration: all
	AU_BUILD=$(O) AU_ONLY=integration sh tests/run.sh

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) O=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" check

# The unit tests (the download pipeline's threads: test_pipeline) under
# ThreadSanitizer, with clang.
tsan:
	$(MAKE) O=build-tsan CC=clang OPT="-O1 -g -fsanitize=thread" \
	  EXTRA_LDFLAGS="-fsanitize=thread" unit

# Fuzz targets: tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput; seed
# corpus in tests/fuzz/corpus/NAME/.  FUZZ_SECONDS per target (default 60).
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1

# The instrumented libraries are built once (a phony order-only step), not
# by each fuzz target: two concurrent recursive makes raced on the archive.
fuzz-libs:
	$(MAKE) O=build-fuzz CC=clang OPT="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  build-fuzz/libaiupdate.a build-fuzz/libaiupdate-sign.a build-fuzz/libaiupdate-fleet.a

build-fuzz/%: tests/fuzz/%.c | fuzz-libs
	clang $(CSTD) -I. $(FUZZ_FLAGS) -o $@ $< build-fuzz/libaiupdate-sign.a build-fuzz/libaiupdate.a $(LIBS_TEST)

# The collector's intake (fleet/ingest.c) against an in-memory SQLite.
build-fuzz/fuzz_report: tests/fuzz/fuzz_report.c | fuzz-libs
	clang $(CSTD) -I. $(FUZZ_FLAGS) -o $@ $< build-fuzz/libaiupdate-fleet.a build-fuzz/libaiupdate.a $(LIBS_FLEET) $(LIBS_TEST)

fuzz-build: $(FUZZ_BIN)

# Runs each fuzz target for FUZZ_SECONDS from its seed corpus (a copy, so the
# checked-in corpus only changes by hand); prints executions per second.
fuzz: $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BIN)

# Benchmarks (issue 7): bench/run.sh on local NSD + nginx, ratios side by
# side; never part of check.  bench/*.c are its reference tools.
BENCH_BIN := $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c))

$(O)/bench/%: bench/%.c $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libaiupdate.a $(LIBS_CLIENT)

# The collector's ingest rate (item 7) links the collector's code.
$(O)/bench/ingest: bench/ingest.c $(O)/libaiupdate-fleet.a $(O)/libaiupdate.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libaiupdate-fleet.a $(O)/libaiupdate.a $(LIBS_FLEET) $(LIBS_CLIENT)

bench: $(BINS) $(BENCH_BIN)
	$(MAKE) STATIC=1 build-static/aiupdate
	AU_BUILD=$(O) AU_BUILD_STATIC=build-static bash bench/run.sh

# Installs the Debian packages the build, tests and demo need (as root).
deps:
	sh tests/testbed/deps.sh

# The main job: a self-contained end-to-end run on local servers.
demo: deps all
	AU_BUILD=$(O) bash tests/demo.sh

# make install PREFIX=/usr DESTDIR=/path/to/image-root: the three commands, their
# man pages, the systemd units (ExecStart names BINDIR) and an example config
# (SYSCONFDIR/aiupdate/aiupdate.conf.example; an image provides aiupdate.conf
# and root.json).  make uninstall removes exactly those files.
PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
MANDIR         ?= $(PREFIX)/share/man
SYSCONFDIR     ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALLED := $(BINDIR)/aiupdate $(BINDIR)/aiupdate-repo $(BINDIR)/aiupdate-fleet \
             $(MANDIR)/man8/aiupdate.8 $(MANDIR)/man1/aiupdate-repo.1 \
             $(MANDIR)/man1/aiupdate-fleet.1 $(MANDIR)/man5/aiupdate.conf.5 \
             $(SYSTEMDUNITDIR)/aiupdate.service $(SYSTEMDUNITDIR)/aiupdate.timer \
             $(SYSTEMDUNITDIR)/aiupdate-fleet.service \
             $(SYSCONFDIR)/aiupdate/aiupdate.conf.example

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSCONFDIR)/aiupdate
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 man/aiupdate.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/aiupdate-repo.1 man/aiupdate-fleet.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/aiupdate.conf.5 $(DESTDIR)$(MANDIR)/man5/
	sed 's|@BINDIR@|$(BINDIR)|g' dist/aiupdate.service > $(DESTDIR)$(SYSTEMDUNITDIR)/aiupdate.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/aiupdate.service
	sed 's|@BINDIR@|$(BINDIR)|g' dist/aiupdate-fleet.service > $(DESTDIR)$(SYSTEMDUNITDIR)/aiupdate-fleet.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/aiupdate-fleet.service
	install -m 0644 dist/aiupdate.timer $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 0644 dist/aiupdate.conf $(DESTDIR)$(SYSCONFDIR)/aiupdate/aiupdate.conf.example

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(SYSCONFDIR)/aiupdate 2>/dev/null

clean:
	rm -rf build build-static build-asan build-tsan build-fuzz build-aarch64-linux-gnu build-arm-linux-gnueabihf build-i686-linux-gnu

-include $(shell find $(O) -name '*.d' 2>/dev/null)

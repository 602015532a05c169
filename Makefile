# SPDX-License-Identifier: GPL-2.0
# migtrace: BPF objects -> skeletons -> one static binary.

OUTPUT      ?= build
CLANG       ?= clang
BPFTOOL     ?= bpftool
CC          ?= cc
PREFIX      ?= /usr/local
ARCH        := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# vmlinux.h: from the running kernel's BTF when it has one, else the committed copy.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ifneq ($(wildcard $(VMLINUX_BTF)),)
VMLINUX_H   := $(OUTPUT)/vmlinux.h
else
VMLINUX_H   := vmlinux/vmlinux.h
endif

CFLAGS      ?= -O2 -g
CFLAGS      += -Wall -Wextra -Werror=implicit-function-declaration -std=gnu11 -D_GNU_SOURCE
CFLAGS      += $(EXTRA_CFLAGS)
CPPFLAGS    += -Iinclude -Isrc -I$(OUTPUT) -MMD -MP
STATIC      ?= -static
LDLIBS      += -l:libbpf.a -l:libelf.a -lz -lm
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
               -Iinclude -Ibpf -I$(OUTPUT) -I/usr/include/$(shell uname -m)-linux-gnu -MMD -MP

# The pure library: every folder but kernel/ (libbpf, the skeleton) and cmd/
# (the subcommands). Unit tests and the fuzzer link it without libbpf, so a
# libbpf call in it breaks their link: the rule is kept by the build.
LIB_DIRS    := model core record output compare
TOOL_DIRS   := kernel cmd
LIB_SRCS    := $(sort $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c)))
TOOL_SRCS   := $(sort $(foreach d,$(TOOL_DIRS),$(wildcard src/$(d)/*.c)))
LIB_OBJS    := $(LIB_SRCS:src/%.c=$(OUTPUT)/%.o)
TOOL_OBJS   := $(TOOL_SRCS:src/%.c=$(OUTPUT)/%.o)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
TEST_HELPERS := $(patsubst tests/live/%.c,$(OUTPUT)/tests/%,$(wildcard tests/live/*.c))
FUZZERS     := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean test check check-all unit demo bench bench-host fuzz install uninstall deb package-check lab-check host-bundle lab-series-check

all: $(OUTPUT)/migtrace

$(OUTPUT) $(OUTPUT)/tests:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MT $@ -MF $(@:.o=.d) -include $(VMLINUX_H) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# The kernel/ files that include the generated skeleton: their objects wait
# for it (-MMD knows only after a first build, too late for a changed one).
SKEL_USERS := $(patsubst src/%.c,$(OUTPUT)/%.o,$(shell grep -l 'migtrace\.skel\.h' src/kernel/*.c))
$(SKEL_USERS): $(OUTPUT)/migtrace.skel.h

$(OUTPUT)/%.o: src/%.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(OUTPUT)/migtrace: $(TOOL_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(STATIC) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests $< $(LIB_OBJS) -lz -lm -o $@

$(OUTPUT)/tests/%: tests/live/%.c | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< -lpthread -o $@

unit: $(UNIT_TESTS)
	$(Q)for t in $(UNIT_TESTS); do $$t || exit 1; done

demo: all $(TEST_HELPERS)
	$(Q)scripts/demo.sh
test check: all $(UNIT_TESTS) $(TEST_HELPERS) $(FUZZERS)
	$(Q)tests/run.sh

# Static, like migtrace: bench/host-bench.sh carries them to a host without a toolchain.
$(OUTPUT)/bench/empty: bench/empty.c $(OUTPUT)/empty.skel.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(STATIC) $< $(LDLIBS) -o $@

$(OUTPUT)/empty.bpf.o: bench/empty.bpf.c $(VMLINUX_H) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MT $@ -MF $(@:.o=.d) -include $(VMLINUX_H) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(OUTPUT)/bench/workload: bench/workload.c
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(STATIC) $< -lpthread -o $@

bench: all $(OUTPUT)/bench/empty $(OUTPUT)/bench/workload $(TEST_HELPERS)
	$(Q)bench/bench.sh

# What bench/host-bench.sh needs on a host with only python3 and bash.
bench-host: all $(OUTPUT)/bench/empty $(OUTPUT)/bench/workload

# What a production-like host needs (no compiler, no bpftool/bpftrace/jq
# there): static binaries and scripts/host-check.sh; carried as build/host.
HOST_BUNDLE := $(OUTPUT)/host
host-bundle: all bench-host
	$(Q)mkdir -p $(HOST_BUNDLE)
	$(Q)cp $(OUTPUT)/migtrace scripts/host-check.sh $(HOST_BUNDLE)/
	$(Q)$(CC) $(CFLAGS) -static tests/live/cpu_hog.c -o $(HOST_BUNDLE)/cpu_hog
	$(Q)cp $(OUTPUT)/bench/workload $(OUTPUT)/bench/empty bench/bench.sh bench/bpfstats.py \
		bench/lib.bash bench/sampler.sh bench/host-bench.sh $(HOST_BUNDLE)/
	$(call msg,BUNDLE,$(HOST_BUNDLE))

# make install [DESTDIR=staging] [PREFIX=/usr/local]: binary, man page, systemd unit.
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system

install: all
	$(Q)install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	$(Q)install -m 0755 $(OUTPUT)/migtrace $(DESTDIR)$(SBINDIR)/migtrace
	$(Q)install -m 0644 man/migtrace.8 $(DESTDIR)$(MANDIR)/man8/migtrace.8
	$(Q)sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/migtrace.service.in > $(OUTPUT)/migtrace.service
	$(Q)install -m 0644 $(OUTPUT)/migtrace.service $(DESTDIR)$(UNITDIR)/migtrace.service

uninstall:
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/migtrace $(DESTDIR)$(MANDIR)/man8/migtrace.8 \
		$(DESTDIR)$(UNITDIR)/migtrace.service

# make deb: migtrace_VERSION_amd64.deb (debian/, debhelper) in $(OUTPUT)/deb.
# dpkg-buildpackage writes next to the tree it builds, so it builds a copy.
DEB_DIR     := $(OUTPUT)/deb
deb:
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	$(Q)tar --exclude=./$(OUTPUT) --exclude='./$(OUTPUT)-*' --exclude=./.git -cf - . | \
		tar -xf - -C $(DEB_DIR)/src
	$(Q)cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc -j$$(nproc) >../build.log 2>&1 || \
		{ tail -n 30 ../build.log; exit 1; }
	$(call msg,DEB,$(DEB_DIR)/$$(cd $(DEB_DIR) && ls migtrace_*.deb))

# The package test alone (make check-all runs it): tests/package.sh.
package-check: all
	$(Q)bash tests/package.sh

# ASan + UBSan build (dynamic: the sanitizers need it) in $(OUTPUT)-san, then
# its unit tests and the live tests with its binary.
SAN_CFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
.PHONY: sanitize sanitize-check
sanitize:
	$(Q)CFLAGS="-O1 -g" $(MAKE) --no-print-directory OUTPUT=$(OUTPUT)-san STATIC= \
		EXTRA_CFLAGS="$(SAN_CFLAGS)" \
		$(OUTPUT)-san/migtrace $(UNIT_TESTS:$(OUTPUT)/%=$(OUTPUT)-san/%)
sanitize-check: sanitize all $(UNIT_TESTS) $(TEST_HELPERS) $(FUZZERS)
	$(Q)scripts/sanitize-check.sh $(OUTPUT)-san

# The record reader, the compare loader and pipeline, facts files and kernel log records under libFuzzer
# (Debian's clang): make fuzz [FUZZ_SECONDS=N] runs each that long. make
# check runs them for a few seconds (tests/live/record_fuzz.sh).
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
               -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
               -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(OUTPUT)

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(wildcard src/*/*.h include/*.h)
	$(Q)mkdir -p $(@D)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(LIB_SRCS) -lz -lm -o $@

fuzz: $(FUZZERS)
	$(Q)mkdir -p $(OUTPUT)/fuzz/corpus $(OUTPUT)/fuzz/corpus-compare
	$(Q)$(OUTPUT)/fuzz/fuzz_record -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
		-artifact_prefix=$(OUTPUT)/fuzz/ $(OUTPUT)/fuzz/corpus tests/fuzz/corpus
	$(Q)$(OUTPUT)/fuzz/fuzz_compare -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
		-artifact_prefix=$(OUTPUT)/fuzz/compare- $(OUTPUT)/fuzz/corpus-compare \
		tests/fuzz/corpus-compare
	$(Q)mkdir -p $(OUTPUT)/fuzz/corpus-facts
	$(Q)$(OUTPUT)/fuzz/fuzz_facts -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
		-artifact_prefix=$(OUTPUT)/fuzz/facts- $(OUTPUT)/fuzz/corpus-facts tests/data/exposure
	$(Q)mkdir -p $(OUTPUT)/fuzz/corpus-kmsg
	$(Q)$(OUTPUT)/fuzz/fuzz_kmsg -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
		-artifact_prefix=$(OUTPUT)/fuzz/kmsg- $(OUTPUT)/fuzz/corpus-kmsg tests/data/kmsg

# The patched-kernel lab (scripts/lab): every variant built, booted under qemu,
# hmm-tests and the livelock reproducer; then migtrace's detectors in the guests.
lab-check: all
	$(Q)scripts/lab/lab check
	$(Q)scripts/lab/detect-check

# The kernel half shipped: the migrate_device tracepoint series exported,
# applied to pristine linux-source-6.12 (git am and quilt), checkpatch --strict,
# its objects compiled with Debian's distribution config in four variants
# (scripts/lab/README.md, "Production kernels").
lab-series-check:
	$(Q)scripts/lab/series-check

# Everything: make check plus the lab, counted in one summary (the README's
# test command and CI's).
check-all: all $(UNIT_TESTS) $(TEST_HELPERS) $(FUZZERS)
	$(Q)MIGTRACE_LAB=1 tests/run.sh

clean:
	$(Q)rm -rf $(OUTPUT) $(OUTPUT)-san

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d $(OUTPUT)/tests/*.d)

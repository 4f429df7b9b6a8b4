# efi-ranges: build and test the kexec/kdump-aware deferred free of EFI
# boot-services memory on mainline Linux 7.3 and its backport to Debian's
# Linux 6.12.  See README.md.

PROJECT := efi-ranges
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/$(PROJECT)
# LINUX=6.12 (the default) or 7.3: the kernel base, mk/linux.mk.  The
# prefix kernel (6.12 before the deferred free) exists for 6.12 alone.
include mk/linux.mk
KERNELS := $(filter-out $(if $(filter 7.3,$(LINUX)),prefix),prefix stock ours nopublish)
KERNEL ?= ours

ifeq ($(filter $(KERNEL),$(KERNELS)),)
$(error KERNEL=$(KERNEL) is not one of: $(KERNELS))
endif

export CACHE

# The cache is shared by every clone on the machine: each recipe line that
# writes into it runs as $(LOCKED) CMD, under flock on CACHE_LOCK (at most
# CACHE_LOCK_WAIT seconds to get it).  The lock is passed down, not taken
# twice: CMD and the makes it starts see CACHE_LOCK_HELD and lock nothing
# (a second flock of the same file would wait for the first for ever).
# The tests read the cache unlocked: every file in images/, guest-bin/ and
# host-bin/ is published whole, by a rename.
CACHE_LOCK := $(CACHE)/.build.lock
CACHE_LOCK_WAIT ?= 3600
LOCKED = $(if $(CACHE_LOCK_HELD),,mkdir -p $(CACHE) && \
	flock -o -w $(CACHE_LOCK_WAIT) $(CACHE_LOCK)) env CACHE_LOCK_HELD=1

.PHONY: deps kernel kernels
deps:
	@$(LOCKED) scripts/deps.sh $(CACHE)/dl $(sort 6.12 $(LINUX))

kernel: deps
	@$(LOCKED) $(KERNEL_MK) VARIANT=$(KERNEL)

kernels: deps
	@for v in $(KERNELS); do $(LOCKED) $(KERNEL_MK) VARIANT=$$v || exit 1; done

# The kernel series of the base LINUX as a git branch over the pristine
# source, to edit it with git rebase -i, and back: docs/development.md
SERIES_TREE ?= $(CACHE)/series/linux-$(LINUX)
.PHONY: series-tree series-export
series-tree: deps
	@scripts/series-tree.sh tree /usr/src/linux-source-$(LINUX).tar.xz \
		kernel/patches/$(LINUX) $(SERIES_TREE)

series-export:
	@scripts/series-tree.sh export kernel/patches/$(LINUX) $(SERIES_TREE)

# The same for the kexec-tools series, over Debian's source package
KEXEC_SERIES_TREE ?= $(CACHE)/series/kexec-tools
.PHONY: kexec-series-tree kexec-series-export
kexec-series-tree: deps
	@scripts/series-tree.sh tree $(firstword $(wildcard $(CACHE)/dl/kexec-tools_*.dsc)) \
		kexec/patches $(KEXEC_SERIES_TREE)

kexec-series-export:
	@scripts/series-tree.sh export kexec/patches $(KEXEC_SERIES_TREE)

# kexec-tools and the guest programs are userspace, built once for both
# bases, in 6.12's images directory.
KEXEC_IMAGES := $(call images_of,6.12)
GUEST_BIN := $(CACHE)/guest-bin

.PHONY: guest kexec-tools initramfs images
# The kernel's range-table rules, in the patched `ours' tree; evaluated
# only when used, after deps installed the kernel source.  $(shell) does
# not see exported variables: CACHE is passed by hand.
KERNEL_MK = $(MAKE) --no-print-directory -f mk/kernel.mk
KERNEL_SRC = $(shell $(KERNEL_MK) -s CACHE=$(CACHE) LINUX=6.12 VARIANT=ours print-src)
KERNEL_SRC_73 = $(shell $(KERNEL_MK) -s CACHE=$(CACHE) LINUX=7.3 VARIANT=ours print-src)
RULES_DIR = $(KERNEL_SRC)/arch/x86/platform/efi
KEXEC_SRC = $(shell $(MAKE) --no-print-directory -s -f mk/kexec-tools.mk \
	CACHE=$(CACHE) KEXEC_VARIANT=ours print-src)
HOST_BIN := $(CACHE)/host-bin

guest: deps
	@$(LOCKED) $(KERNEL_MK) LINUX=6.12 VARIANT=ours patched
	@$(LOCKED) $(MAKE) --no-print-directory -f mk/guest.mk RULES_DIR=$(RULES_DIR)

kexec-tools: deps
	@$(LOCKED) $(MAKE) --no-print-directory -f mk/kexec-tools.mk KEXEC_VARIANT=stock
	@$(LOCKED) $(MAKE) --no-print-directory -f mk/kexec-tools.mk KEXEC_VARIANT=ours

# The test initramfs of one kernel variant: it carries that kernel, to
# kexec into.
initramfs: kernel kexec-tools guest
	$(LOCKED) scripts/mkinitramfs.sh $(IMAGES)/bzImage-$(KERNEL) $(GUEST_BIN) \
		$(KEXEC_IMAGES)/kexec-ours $(KEXEC_IMAGES)/kexec-stock \
		$(IMAGES)/initramfs-$(KERNEL).cpio.gz
	@echo "initramfs: $(KERNEL) -> $(IMAGES)/initramfs-$(KERNEL).cpio.gz"

images:
	@for v in $(KERNELS); do \
		$(LOCKED) $(MAKE) --no-print-directory initramfs KERNEL=$$v || exit 1; done

# Firmware besides the system's OVMF, fetched from Debian's archive and
# never installed: mk/firmware.mk
.PHONY: firmware
firmware: deps
	@$(LOCKED) $(MAKE) --no-print-directory -f mk/firmware.mk

.PHONY: host-tests
host-tests: kexec-tools
	@$(LOCKED) $(KERNEL_MK) LINUX=6.12 VARIANT=ours patched
	@$(LOCKED) $(MAKE) --no-print-directory -f mk/host-tests.mk RULES_DIR=$(RULES_DIR) \
		KEXEC_SRC=$(KEXEC_SRC)

RUNS ?= runs
# The 6.12 suites, then the mainline ones (BASE@SUITE: tests/run-all.sh),
# then the harness's
SUITES ?= tests/patches.sh tests/kexec-series.sh tests/docs-figures.sh tests/host-unit.sh tests/boot-smoke.sh tests/numa.sh tests/kernel-table.sh \
	tests/kexec-tools.sh tests/loop-can-fail.sh \
	tests/kexec-loop.sh:-n:10 tests/kdump.sh:-a:0 tests/kdump.sh:-a:5:-s tests/firmware.sh \
	$(SUITES_7.3) tests/harness.sh
SUITES_7.3 ?= 7.3@tests/patches.sh 7.3@tests/boot-smoke.sh 7.3@tests/kexec-loop.sh:-K:off:-e:-n:4 \
	7.3@tests/kexec-loop.sh:-K:on:-e:-n:4 7.3@tests/kdump.sh:-a:0 7.3@tests/kdump.sh:-a:1:-K \
	7.3@tests/firmware.sh:-c
HOPS ?= 100
FUZZ_SECONDS ?= 60

# new_run_dir NAME: a run directory of its own, RUNS/DATE-NAME.XXXXXX
new_run_dir = $$(mkdir -p $(RUNS) && mktemp -d $(RUNS)/$$(date +%Y%m%d-%H%M%S)-$(1).XXXXXX)
RUN_SUITES = CACHE=$(CACHE) GUEST_BIN=$(GUEST_BIN) HOST_BIN=$(HOST_BIN) KERNEL_SRC=$(KERNEL_SRC) KERNEL_SRC_73=$(KERNEL_SRC_73) \
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CORPUS=$(CACHE)/fuzz-corpus \
	tests/run-all.sh $(RUNS) $(call images_of,6.12) $(SUITES)

# make check: 6.12's images, then every suite, while a lane beside the
# 6.12 suites builds 7.3's images and then runs the 7.3 suites
# (tests/run-all.sh, BUILD_IMAGES: a QEMU under TCG keeps one core busy,
# the lane takes the other); make suites: the suites alone, one after
# the other, on what the cache holds
# (tests/harness.sh kills it as a user would kill make check)
.PHONY: check suites demo deps-all
# Both bases' source packages before check's recipe is expanded: the 7.3
# suites' KERNEL_SRC_73 names the tree after linux-source-7.3's version
deps-all:
	@$(LOCKED) scripts/deps.sh $(CACHE)/dl 6.12 7.3

check: deps-all host-tests firmware
	@$(MAKE) --no-print-directory images LINUX=6.12
	@BUILD_IMAGES="$(MAKE) --no-print-directory images" $(RUN_SUITES)

suites:
	@$(RUN_SUITES)

# The table parser under libFuzzer for as long as asked: make fuzz FUZZ_SECONDS=3600
.PHONY: fuzz
fuzz: host-tests
	@HOST_BIN=$(HOST_BIN) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CORPUS=$(CACHE)/fuzz-corpus \
		SKIP_UNIT=1 tests/host-unit.sh $(call new_run_dir,fuzz) $(IMAGES)

demo: images
	@tests/demo.sh $(call new_run_dir,demo) $(IMAGES) $(KERNEL)

# The figures of both bases, in one run: docs/results.md and the raw
# CSVs.  Besides each base's images, the bench boots stock and ours timing
# every free_reserved_area() call (mk/kernel.mk, the -timed variants).
BENCH_KERNELS := stock-timed ours-timed
.PHONY: bench bench-kernels
bench-kernels: deps
	@for v in $(BENCH_KERNELS); do $(LOCKED) $(KERNEL_MK) VARIANT=$$v || exit 1; done

bench: host-tests
	@for base in 6.12 7.3; do \
		$(MAKE) --no-print-directory images bench-kernels LINUX=$$base || exit 1; done
	@dir=$(call new_run_dir,bench); \
	HOST_BIN=$(HOST_BIN) tests/bench.sh $$dir $(call images_of,6.12) $(call images_of,7.3) && \
	cp $$dir/results.md docs/results.md && \
	echo "bench: docs/results.md, raw figures in $$dir"

# The suites must kill realistic bugs: every mutant of tests/mutants/,
# built as its own variant, run against the suites its header names;
# the report goes to the run directory and docs/testing.md.  MUTANTS=NAME...
# (file names in tests/mutants/ without .patch): only these, and the
# report to the run directory alone: docs/testing.md holds a whole run
.PHONY: mutants
mutants: images
	@$(LOCKED) $(MAKE) --no-print-directory -f mk/mutants.mk
	@dir=$(call new_run_dir,mutants) && \
	GUEST_BIN=$(GUEST_BIN) tests/mutants.sh $(if $(MUTANTS),,-d docs/testing.md) \
		$$dir $(IMAGES) $(MUTANTS)

# The kexec loop for as long as asked: make soak HOPS=100
.PHONY: soak
soak: images
	@dir=$(call new_run_dir,soak); \
	bash -o pipefail -c "tests/kexec-loop.sh -n $(HOPS) -k $(KERNEL) $$dir $(IMAGES) | tee $$dir/kexec-loop.tap"

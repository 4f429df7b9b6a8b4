# mk/kernel.mk - build one kernel variant (VARIANT=prefix|stock|ours|nopublish,
# stock-timed|ours-timed: stock and ours timing each free_reserved_area()
# call, for make bench, or mutant-NAME: ours with tests/mutants/NAME.patch,
# for make mutants) of
# one base, LINUX=6.12 (Debian 12's linux-source-6.12, the default) or
# LINUX=7.3 (trixie-backports' linux-source-7.3), each base with its own
# series, kernel/patches/LINUX.  prefix and the mutants exist for 6.12
# alone.  Called from the top-level Makefile after `deps`.
#
# Every directory is named after a hash of what went into it, so a fresh
# clone with the same inputs reuses the cache and a changed input builds
# afresh: the source tree is keyed by the Debian source version and the
# patches applied, the configured tree by the config fragments too.

VARIANT ?= ours
include mk/linux.mk
ifeq ($(LINUX)-$(filter prefix mutant-%,$(VARIANT)),7.3-$(VARIANT))
$(error LINUX=7.3: VARIANT=$(VARIANT) is built on 6.12 only)
endif
LINUX_TARBALL := /usr/src/linux-source-$(LINUX).tar.xz
LINUX_VERSION := $(shell dpkg-query -W -f='$${Version}' linux-source-$(LINUX) 2>/dev/null)
# every directory below is named after it: never name one without it
ifeq ($(LINUX_VERSION),)
$(error linux-source-$(LINUX) is not installed: make deps LINUX=$(LINUX))
endif

patches_prefix := tests/fixtures/prefix-revert-deferred-free.patch
patches_stock :=
patches_ours := $(addprefix kernel/patches/$(LINUX)/,$(shell sed -e 's/\#.*//' kernel/patches/$(LINUX)/series))
# ours whose range table can never be recorded: it must still free
patches_nopublish := $(patches_ours) tests/fixtures/nopublish-table-allocation-fails.patch
# the time of every free_reserved_area() call in the log, by caller
patches_timed := tests/fixtures/free-reserved-area-timed-$(LINUX).patch
patches_stock-timed := $(patches_stock) $(patches_timed)
patches_ours-timed := $(patches_ours) $(patches_timed)
ifneq ($(filter %-timed,$(VARIANT)),)
ifeq ($(wildcard $(patches_timed)),)
$(error VARIANT=$(VARIANT): no $(patches_timed))
endif
endif
# base.config, then what only one base has a symbol for
fragments_base_6.12 := kernel/config/base.config kernel/config/linux-6.12.config
fragments_base_7.3 := kernel/config/base.config kernel/config/linux-7.3.config
fragments_base := $(fragments_base_$(LINUX))
fragments_prefix := $(fragments_base)
fragments_stock := $(fragments_base)
fragments_ours := $(fragments_base) kernel/config/ours.config
fragments_nopublish := $(fragments_ours)
fragments_stock-timed := $(fragments_stock)
fragments_ours-timed := $(fragments_ours)

# A mutant is ours with one bug: it starts from ours' tree (below)
mutant := $(patsubst mutant-%,tests/mutants/%.patch,$(filter mutant-%,$(VARIANT)))
patches := $(patches_$(if $(mutant),ours,$(VARIANT)))
fragments := $(fragments_$(if $(mutant),ours,$(VARIANT)))

key = $(shell cat $(1) | sha256sum | cut -c1-12)
src_key := $(call key,/dev/null $(patches))
cfg_key := $(call key,$(fragments))

# Every variant but stock (and the mutants, below) starts from the build of
# its parent: its output directory begins as a copy of the parent's, and
# kbuild rebuilds only what the variant's patches and config change
# (fixdep records each object's headers and config symbols), where a
# fresh directory would run the preprocessor over every file for ccache
# (the config differs).  OUT lies inside SRC so that kbuild names the
# source tree `..' on every command line, the same in every tree,
# rather than by the tree's absolute path.
parent_prefix := stock
parent_ours := stock
parent_nopublish := ours
parent_stock-timed := stock
parent_ours-timed := ours
PARENT := $(parent_$(VARIANT))
ifneq ($(filter-out $(patches),$(patches_$(PARENT))),)
$(error VARIANT=$(VARIANT) lacks patches of its parent $(PARENT): the parent's objects of them would be kept)
endif
# out_of VARIANT: the output directory of VARIANT
out_of = $(CACHE)/kernel/$(1)-$(LINUX_VERSION)-$(call key,/dev/null $(patches_$(1)))/src/out-$(call key,$(fragments_$(1)))

KDIR := $(CACHE)/kernel/$(if $(mutant),ours,$(VARIANT))-$(LINUX_VERSION)-$(src_key)
SRC := $(KDIR)/src
OUT := $(SRC)/out-$(cfg_key)

# kmake SRC OUT: make in the source tree SRC, building in OUT
kmake = $(MAKE) -C $(1) O=$(2) ARCH=x86_64 \
	KBUILD_BUILD_TIMESTAMP='2026-01-01' KBUILD_BUILD_USER=efi-ranges \
	KBUILD_BUILD_HOST=$(VARIANT) KBUILD_BUILD_VERSION=1
KMAKE := $(call kmake,$(SRC),$(OUT))

export CCACHE_DIR := $(CACHE)/ccache
export CCACHE_BASEDIR := $(CACHE)/kernel
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE := 5G

.PHONY: all patched print-src
all: $(IMAGES)/bzImage-$(VARIANT)

# The patched source tree alone: kexec-tools and the host tests build the
# kernel's range-table rules from it.
patched: $(KDIR)/.patched

print-src:
	@echo $(SRC)

# The tarball is unpacked once a Debian version, into PRISTINE, and each
# variant's tree is a hard-linked copy of it: GNU patch writes a new file
# and renames it over the old, and the build writes only into OUT, so no
# variant writes through a link into PRISTINE or another variant's tree.
PRISTINE := $(CACHE)/kernel/pristine-$(LINUX_VERSION)

$(PRISTINE)/.extracted:
	@echo "kernel: extracting $(LINUX_TARBALL) into $(PRISTINE)"
	@for d in $(CACHE)/kernel/pristine-$(LINUX).*; do \
		[ "$$d" = "$(PRISTINE)" ] || rm -rf "$$d"; done
	rm -rf $(PRISTINE) && mkdir -p $(PRISTINE)/src
	tar xJf $(LINUX_TARBALL) -C $(PRISTINE)/src --strip-components=1
	touch $@

$(KDIR)/.extracted:
	@$(MAKE) --no-print-directory -f mk/kernel.mk $(PRISTINE)/.extracted
	@echo "kernel: linking $(PRISTINE)/src for $(VARIANT) into $(KDIR)"
	@for d in $(CACHE)/kernel/$(VARIANT)-$(LINUX).*; do \
		[ "$$d" = "$(KDIR)" ] || rm -rf "$$d"; done
	rm -rf $(SRC) && mkdir -p $(KDIR)
	cp -al $(PRISTINE)/src $(SRC)
	touch $@

$(KDIR)/.patched: $(KDIR)/.extracted
	scripts/apply-patches.sh $(SRC) $(patches)
	touch $@

# kbuild rebuilds an object when a file it was built from is newer, its
# command changed or a config symbol it uses did.  So, in the copy:
# - every file of this tree a patch wrote and that differs from the
#   parent's is touched: it may be older than the parent's objects (the
#   parent built after this tree was patched), and the parent's object
#   of it would be kept.  The variant must carry every patch of its
#   parent (checked above), or a file the parent alone patched would
#   keep the parent's object;
# - objtool's build names the trees by their absolute paths, and every
#   object depends on the objtool binary: the copy's objtool commands
#   are rewritten to name this variant's trees, or objtool, and then
#   every object, would be rebuilt.  kbuild compares no other absolute
#   path; if it did, it would rebuild more, never less.
ifneq ($(PARENT),)
PARENT_OUT := $(call out_of,$(PARENT))
PARENT_SRC := $(patsubst %/,%,$(dir $(PARENT_OUT)))
$(PARENT_OUT)/.built:
	$(MAKE) --no-print-directory -f mk/kernel.mk VARIANT=$(PARENT) $@
endif

# (the output directories of the layout before OUT moved into SRC go too)
$(OUT)/.configured: $(KDIR)/.patched $(if $(PARENT),$(PARENT_OUT)/.built)
	rm -rf $(OUT) $(KDIR)/out-*
ifneq ($(PARENT),)
	cp -a $(PARENT_OUT) $(OUT)
	rm $(OUT)/.configured $(OUT)/.built
	cd $(SRC) && find . -path './out-*' -prune -o -type f -newer $(KDIR)/.extracted -print | \
		while read -r f; do cmp -s "$$f" "$(PARENT_SRC)/$$f" || touch "$$f"; done
	grep -rlF $(PARENT_SRC)/ $(OUT)/tools --include='.*.cmd' --include='.*.d' | \
		xargs -r perl -pi -e 's|\Q$(PARENT_OUT)/\E|$(OUT)/|g; s|\Q$(PARENT_SRC)/\E|$(SRC)/|g'
endif
	mkdir -p $(OUT)
	rm -f $(OUT)/.config
	$(KMAKE) -s tinyconfig
	cd $(OUT) && $(SRC)/scripts/kconfig/merge_config.sh -m -O $(OUT) \
		$(OUT)/.config $(abspath $(fragments)) >/dev/null
	$(KMAKE) -s olddefconfig </dev/null
	scripts/check-config.sh $(OUT)/.config $(fragments)
	touch $@

$(OUT)/.built: $(OUT)/.configured
	$(KMAKE) -s -j$(shell nproc) CC="ccache gcc" bzImage
	touch $@

ifeq ($(mutant),)
$(IMAGES)/bzImage-$(VARIANT): $(OUT)/.built
	mkdir -p $(IMAGES)
	cp $(OUT)/arch/x86/boot/bzImage $@.tmp && mv $@.tmp $@
	cp $(OUT)/System.map $(IMAGES)/System.map-$(VARIANT).tmp && \
		mv $(IMAGES)/System.map-$(VARIANT).tmp $(IMAGES)/System.map-$(VARIANT)
	@echo "kernel: $(VARIANT) -> $@"
else
# Every mutant is built in one tree, MDIR/src: a hard-linked copy of ours'
# patched source (GNU patch writes a new file and renames it over the old,
# so the links to ours' files break instead of being written through),
# with one output directory configured as ours'.  A mutant then costs the
# files its patch touches and a link.  MDIR/applied.patch is the mutant
# in the tree, reverted before the next is applied.  Each image is kept
# in MDIR under its patch's hash: a fresh clone reuses it.
MDIR := $(CACHE)/kernel/mutants-$(LINUX_VERSION)-$(src_key)
MOUT := $(MDIR)/src/out-$(cfg_key)
MKMAKE := $(call kmake,$(MDIR)/src,$(MOUT))
MIMAGE := $(MDIR)/images/$(VARIANT)-$(call key,$(mutant))

$(MDIR)/.linked: $(KDIR)/.patched
	@for d in $(CACHE)/kernel/mutants-$(LINUX).*; do \
		[ "$$d" = "$(MDIR)" ] || rm -rf "$$d"; done
	rm -rf $(MDIR) && mkdir -p $(MDIR)
	cp -al $(SRC) $(MDIR)/src
	rm -rf $(MDIR)/src/out-*
	touch $@

$(MOUT)/.configured: $(MDIR)/.linked $(OUT)/.configured
	mkdir -p $(MOUT)
	cp $(OUT)/.config $(MOUT)/.config
	$(MKMAKE) -s olddefconfig </dev/null
	cmp -s $(OUT)/.config $(MOUT)/.config
	touch $@

$(MIMAGE): $(MOUT)/.configured
	@if [ -f $(MDIR)/applied.patch ]; then \
		echo "kernel: reverting the mutant in $(MDIR)/src"; \
		(cd $(MDIR)/src && patch -R -p1 -s --no-backup-if-mismatch) <$(MDIR)/applied.patch || \
		{ echo "error: cannot revert $(MDIR)/applied.patch: rm -rf $(MDIR)" >&2; exit 1; }; \
		rm $(MDIR)/applied.patch; fi
	cp $(mutant) $(MDIR)/applied.patch
	scripts/apply-patches.sh $(MDIR)/src $(MDIR)/applied.patch
	$(MKMAKE) -s -j$(shell nproc) CC="ccache gcc" bzImage
	mkdir -p $(MDIR)/images && rm -f $(MDIR)/images/$(VARIANT)-*
	cp $(MOUT)/arch/x86/boot/bzImage $@.tmp && mv $@.tmp $@

$(IMAGES)/bzImage-$(VARIANT): $(MIMAGE)
	mkdir -p $(IMAGES)
	cp $< $@.tmp && mv $@.tmp $@
	@echo "kernel: $(VARIANT) -> $@"
endif

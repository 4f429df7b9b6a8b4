# mk/mutants.mk - build every mutant of tests/mutants/ (make mutants) and
# its test initramfs.  A mutant is a one-bug patch on top of ours: its
# header's "Tree:" says which, the kernel (mk/kernel.mk VARIANT=mutant-NAME)
# or kexec-tools (mk/kexec-tools.mk KEXEC_VARIANT=mutant-NAME).  Its
# initramfs pairs it with the other half of the variant its "As:" line
# names (a kexec-tools mutant may stand in for stock's, to run on the
# stock kernel), as scripts/mkinitramfs.sh packs every variant's.  Called
# from the Makefile after `images'.

# CACHE comes from the Makefile; without it every path would start at /
ifeq ($(CACHE),)
$(error CACHE is not set: run make mutants)
endif

IMAGES := $(CACHE)/images
GUEST_BIN ?= $(CACHE)/guest-bin
# MUTANTS=NAME...: only these
MUTANTS ?= $(patsubst tests/mutants/%.patch,%,$(wildcard tests/mutants/*.patch))

# The kernel and kexec-tools variants a mutant's initramfs carries
tree = $(shell sed -n 's/^Tree: *//p' tests/mutants/$(1).patch)
as = $(shell sed -n 's/^As: *//p' tests/mutants/$(1).patch)
kernel_of = $(if $(filter kernel,$(call tree,$(1))),mutant-$(1),$(call as,$(1)))
kexec_of = $(if $(filter kexec-tools,$(call tree,$(1))),mutant-$(1),ours)
INITRAMFS_INPUTS := scripts/mkinitramfs.sh tests/guest/init.sh \
	$(wildcard $(GUEST_BIN)/*) $(IMAGES)/kexec-stock

# The kernel mutants share one tree: one at a time
.NOTPARALLEL:
.PHONY: all FORCE
all: $(foreach m,$(MUTANTS),$(IMAGES)/initramfs-mutant-$(m).cpio.gz)

# The sub-makes decide whether anything changed: an image they leave as
# it was does not repack the initramfs
$(IMAGES)/bzImage-mutant-%: FORCE
	@$(MAKE) --no-print-directory -f mk/kernel.mk VARIANT=mutant-$*

$(IMAGES)/kexec-mutant-%: FORCE
	@$(MAKE) --no-print-directory -f mk/kexec-tools.mk KEXEC_VARIANT=mutant-$*

define initramfs_rule
$(IMAGES)/initramfs-mutant-$(1).cpio.gz: $(IMAGES)/bzImage-$(call kernel_of,$(1)) \
		$(IMAGES)/kexec-$(call kexec_of,$(1)) $(INITRAMFS_INPUTS)
	scripts/mkinitramfs.sh $(IMAGES)/bzImage-$(call kernel_of,$(1)) $(GUEST_BIN) \
		$(IMAGES)/kexec-$(call kexec_of,$(1)) $(IMAGES)/kexec-stock $$@
	@echo "initramfs: mutant-$(1) -> $$@"
endef
$(foreach m,$(MUTANTS),$(eval $(call initramfs_rule,$(m))))

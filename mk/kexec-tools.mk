# mk/kexec-tools.mk - build Debian's kexec-tools 2.0.25, statically linked,
# as Debian ships it (KEXEC_VARIANT=stock) or with this project's series
# applied (KEXEC_VARIANT=ours: kexec/patches/series, nothing else), or
# with one bug on top of it (KEXEC_VARIANT=mutant-NAME:
# tests/mutants/NAME.patch, for make mutants).
# Keyed like mk/kernel.mk: by the Debian source version and every input.

KEXEC_VARIANT ?= ours
KEXEC_DSC := $(firstword $(wildcard $(CACHE)/dl/kexec-tools_*.dsc))

ifeq ($(KEXEC_DSC),)
$(error no kexec-tools source in $(CACHE)/dl: run make deps)
endif

kexec_inputs_stock :=
kexec_inputs_ours := $(wildcard kexec/patches/series kexec/patches/*.patch)
kexec_patches_ours := $(addprefix kexec/patches/,$(shell sed -e 's/\#.*//' kexec/patches/series 2>/dev/null))
mutant := $(patsubst mutant-%,tests/mutants/%.patch,$(filter mutant-%,$(KEXEC_VARIANT)))
ifneq ($(mutant),)
kexec_inputs_$(KEXEC_VARIANT) := $(kexec_inputs_ours) $(mutant)
kexec_patches_$(KEXEC_VARIANT) := $(kexec_patches_ours) $(mutant)
endif

key := $(shell cat $(KEXEC_DSC) $(kexec_inputs_$(KEXEC_VARIANT)) | sha256sum | cut -c1-12)
XDIR := $(CACHE)/kexec-tools/$(KEXEC_VARIANT)-$(key)
IMAGES := $(CACHE)/images

.PHONY: all print-src
all: $(IMAGES)/kexec-$(KEXEC_VARIANT)

print-src:
	@echo $(XDIR)/src

$(XDIR)/.built:
	@for d in $(CACHE)/kexec-tools/$(KEXEC_VARIANT)-*; do \
		[ "$$d" = "$(XDIR)" ] || rm -rf "$$d"; done
	rm -rf $(XDIR) && mkdir -p $(XDIR)
	dpkg-source -x $(KEXEC_DSC) $(XDIR)/src >$(XDIR)/dpkg-source.log 2>&1 || \
		{ cat $(XDIR)/dpkg-source.log >&2; exit 1; }
ifneq ($(kexec_patches_$(KEXEC_VARIANT)),)
	scripts/apply-patches.sh $(XDIR)/src $(kexec_patches_$(KEXEC_VARIANT))
endif
	cd $(XDIR)/src && ./configure --without-xen LDFLAGS=-static >$(XDIR)/configure.log 2>&1 || \
		{ echo "error: kexec-tools configure failed, see $(XDIR)/configure.log" >&2; exit 1; }
	$(MAKE) -s -C $(XDIR)/src >$(XDIR)/make.log 2>&1 || \
		{ tail -n 20 $(XDIR)/make.log >&2; echo "error: kexec-tools build failed, see $(XDIR)/make.log" >&2; exit 1; }
	touch $@

$(IMAGES)/kexec-$(KEXEC_VARIANT): $(XDIR)/.built
	mkdir -p $(IMAGES)
	cp $(XDIR)/src/build/sbin/kexec $@.tmp && mv $@.tmp $@
	@echo "kexec-tools: $(KEXEC_VARIANT) -> $@"

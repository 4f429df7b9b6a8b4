# efi-ranges: build and test the kexec/kdump-aware deferred free of EFI
# boot-services memory on Debian's Linux 6.12.  See README.md.

PROJECT := efi-ranges
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/$(PROJECT)
KERNELS := prefix stock ours
KERNEL ?= ours

ifeq ($(filter $(KERNEL),$(KERNELS)),)
$(error KERNEL=$(KERNEL) is not one of: $(KERNELS))
endif

# kexec-tools with the project's changes once kexec/efi-ranges.c exists
KEXEC_OURS := $(if $(wildcard kexec/efi-ranges.c),ours,stock)

export CACHE

.PHONY: deps kernel kernels
deps:
	@scripts/deps.sh $(CACHE)/dl

kernel: deps
	@$(MAKE) --no-print-directory -f mk/kernel.mk VARIANT=$(KERNEL)

kernels: deps
	@for v in $(KERNELS); do \
		$(MAKE) --no-print-directory -f mk/kernel.mk VARIANT=$$v || exit 1; done

IMAGES := $(CACHE)/images
GUEST_BIN := $(CACHE)/guest-bin
GUEST_SRCS := $(wildcard tests/guest/*.c)
GUEST_PROGS := $(patsubst tests/guest/%.c,$(GUEST_BIN)/%,$(GUEST_SRCS))
GUEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -Iinclude

.PHONY: guest kexec-tools initramfs images
guest: $(GUEST_PROGS)

$(GUEST_BIN)/%: tests/guest/%.c $(wildcard include/*.h) | deps
	@mkdir -p $(GUEST_BIN)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

kexec-tools: deps
	@$(MAKE) --no-print-directory -f mk/kexec-tools.mk KEXEC_VARIANT=stock
	@$(MAKE) --no-print-directory -f mk/kexec-tools.mk KEXEC_VARIANT=$(KEXEC_OURS)

# The test initramfs of one kernel variant: it carries that kernel, to
# kexec into.
initramfs: kernel kexec-tools guest
	scripts/mkinitramfs.sh $(IMAGES)/bzImage-$(KERNEL) $(GUEST_BIN) \
		$(IMAGES)/kexec-$(KEXEC_OURS) $(IMAGES)/kexec-stock \
		$(IMAGES)/initramfs-$(KERNEL).cpio.gz
	@echo "initramfs: $(KERNEL) -> $(IMAGES)/initramfs-$(KERNEL).cpio.gz"

images:
	@for v in $(KERNELS); do \
		$(MAKE) --no-print-directory initramfs KERNEL=$$v || exit 1; done

RUNS ?= runs
SUITES := tests/boot-smoke.sh

.PHONY: check demo
check: images
	@tests/run-all.sh $(RUNS) $(IMAGES) $(SUITES)

demo: images
	@tests/demo.sh $(RUNS)/$(shell date +%Y%m%d-%H%M%S)-demo $(IMAGES) $(KERNEL)

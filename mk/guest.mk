# mk/guest.mk - the small static programs the guest /init runs, built
# with the kernel's range-table rules (RULES_DIR: the patched tree's
# arch/x86/platform/efi) over the userspace shim.

ifeq ($(RULES_DIR),)
$(error RULES_DIR is not set: the kernel's arch/x86/platform/efi)
endif

GUEST_BIN ?= $(CACHE)/guest-bin
GUEST_SRCS := $(wildcard tests/guest/*.c)
# bench_table: the host benchmark of the rules, run in the guest on its
# own table (make bench, hop time)
GUEST_PROGS := $(patsubst tests/guest/%.c,$(GUEST_BIN)/%,$(GUEST_SRCS)) \
	$(GUEST_BIN)/bench_table
GUEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -Ishim -Iinclude -I$(RULES_DIR)
RULES := $(RULES_DIR)/bs_ranges.c $(RULES_DIR)/bs_ranges.h

.PHONY: all
all: $(GUEST_PROGS)

$(GUEST_BIN)/%: tests/guest/%.c tests/guest/kpageflags.h $(RULES) \
		$(wildcard include/*.h shim/*/*.h)
	@mkdir -p $(GUEST_BIN)
	$(CC) $(GUEST_CFLAGS) -o $@.tmp $< $(RULES_DIR)/bs_ranges.c
	mv $@.tmp $@

$(GUEST_BIN)/bench_table: tests/host/bench_table.c $(RULES) $(wildcard include/*.h shim/*/*.h)
	@mkdir -p $(GUEST_BIN)
	$(CC) $(GUEST_CFLAGS) -o $@.tmp $< $(RULES_DIR)/bs_ranges.c
	mv $@.tmp $@

# mk/host-tests.mk - host unit tests: the kernel's range-table KUnit suite
# through tests/host/kunit, kexec-tools' efi-ranges.c and mem_regions.c,
# and a libFuzzer target that holds kexec-tools' table checks to the
# kernel's.  RULES_DIR is the patched kernel's arch/x86/platform/efi,
# KEXEC_SRC the patched kexec-tools tree (mk/kexec-tools.mk).

ifeq ($(RULES_DIR)$(KEXEC_SRC),)
$(error RULES_DIR and KEXEC_SRC must be set)
endif

HOST_BIN ?= $(CACHE)/host-bin
HOST_FLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := $(HOST_FLAGS) -Ishim -Iinclude -I$(RULES_DIR)
RULES := $(RULES_DIR)/bs_ranges.c $(RULES_DIR)/bs_ranges.h
# kexec-tools' code, built with its own headers
KEXEC_CFLAGS := -I$(KEXEC_SRC)/kexec -I$(KEXEC_SRC)/kexec/arch/i386 -I$(KEXEC_SRC)/include \
	-I$(KEXEC_SRC) -I$(KEXEC_SRC)/kexec/arch/i386/include \
	-include $(KEXEC_SRC)/include/config.h
KEXEC_UNIT := $(KEXEC_SRC)/kexec/arch/i386/efi-ranges.c $(KEXEC_SRC)/kexec/mem_regions.c \
	tests/host/kexec_stubs.c
KEXEC_HEADERS := $(KEXEC_SRC)/kexec/arch/i386/efi-ranges.h $(KEXEC_SRC)/kexec/mem_regions.h \
	$(KEXEC_SRC)/include/x86/efi_bs_ranges.h

FUZZ_CC := clang-14

.PHONY: all
all: $(HOST_BIN)/bs_ranges_test $(HOST_BIN)/efi_ranges_test $(HOST_BIN)/fuzz_table \
	$(HOST_BIN)/bench_table

$(HOST_BIN)/bs_ranges_test: tests/host/kunit_main.c tests/host/kunit/test.h \
		$(RULES) $(RULES_DIR)/bs_ranges_test.c $(wildcard shim/*/*.h include/*.h)
	@mkdir -p $(HOST_BIN)
	$(CC) $(HOST_CFLAGS) -Itests/host -o $@.tmp tests/host/kunit_main.c \
		$(RULES_DIR)/bs_ranges.c $(RULES_DIR)/bs_ranges_test.c
	mv $@.tmp $@

# zlib's crc32() seals the test's tables: the reference the format names.
# kexec-tools' mem_regions.c compares int with unsigned: no -Wsign-compare.
$(HOST_BIN)/efi_ranges_test: tests/host/efi_ranges_test.c $(KEXEC_UNIT) $(KEXEC_HEADERS)
	@mkdir -p $(HOST_BIN)
	$(CC) $(HOST_FLAGS) -Wno-sign-compare $(KEXEC_CFLAGS) -o $@.tmp \
		tests/host/efi_ranges_test.c $(KEXEC_UNIT) -lz
	mv $@.tmp $@

# The kernel's rules and kexec-tools' in one program, to compare them
$(HOST_BIN)/fuzz_table: tests/host/fuzz_table.c $(KEXEC_UNIT) $(KEXEC_HEADERS) \
		$(RULES) $(wildcard shim/*/*.h include/*.h)
	@mkdir -p $(HOST_BIN)
	$(FUZZ_CC) -g -O1 -Wall -Werror -fsanitize=fuzzer,address,undefined \
		-Ishim -Iinclude -I$(RULES_DIR) $(KEXEC_CFLAGS) -o $@.tmp \
		tests/host/fuzz_table.c $(RULES_DIR)/bs_ranges.c $(KEXEC_UNIT)
	mv $@.tmp $@

$(HOST_BIN)/bench_table: tests/host/bench_table.c $(RULES) $(wildcard shim/*/*.h include/*.h)
	@mkdir -p $(HOST_BIN)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Ishim -Iinclude -I$(RULES_DIR) -o $@.tmp \
		tests/host/bench_table.c $(RULES_DIR)/bs_ranges.c
	mv $@.tmp $@

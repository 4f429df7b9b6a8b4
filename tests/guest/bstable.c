// SPDX-License-Identifier: GPL-2.0
/*
 * bstable - make EFI boot-services range tables for the tests, from a
 * valid one (the running kernel's /sys/firmware/efi/bs_ranges).
 *
 *   bstable rules                  the rules, one per line, in check order
 *   bstable break RULE IN OUT      a table that breaks RULE and only RULE:
 *                                  the CRC is resealed unless RULE is crc,
 *                                  or the check comes before the CRC's
 *   bstable free REASON IN OUT     a valid table in which the ranges kept
 *                                  for REASON (e.g. firmware:memattr) are
 *                                  marked freed, as if a predecessor had
 *                                  given them to its page allocator
 *
 * Every table written is checked again with the kernel's own rules: a
 * broken one must report RULE, a "free" one must be valid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bs_ranges.h"

/* Rule names on the command line, in the order efi_bs_ranges_validate() checks */
static const char * const rule_args[] = {
	[EFI_BS_RULE_TRUNCATED]		= "truncated",
	[EFI_BS_RULE_MAGIC]		= "magic",
	[EFI_BS_RULE_VERSION]		= "version",
	[EFI_BS_RULE_COUNT]		= "count",
	[EFI_BS_RULE_LENGTH]		= "length",
	[EFI_BS_RULE_CRC]		= "crc",
	[EFI_BS_RULE_GENERATION]	= "generation",
	[EFI_BS_RULE_ENTRY]		= "entry",
	[EFI_BS_RULE_ORDER]		= "order",
	[EFI_BS_RULE_OVERLAP]		= "overlap",
	[EFI_BS_RULE_NOT_RAM]		= "not-ram",
};

/* Far above any RAM a test guest has */
#define NOT_RAM_ADDR	0x7f0000000000ULL

static void *read_table(const char *path, size_t *size)
{
	size_t cap = efi_bs_ranges_size(EFI_BS_RANGES_MAX_ENTRIES) + 1;
	char *buf = calloc(1, cap);
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		fprintf(stderr, "bstable: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*size = 0;
	while ((n = read(fd, buf + *size, cap - *size)) > 0)
		*size += n;
	close(fd);
	if (efi_bs_ranges_validate(buf, *size, NULL, NULL) != EFI_BS_RULE_OK ||
	    ((struct efi_bs_ranges_header *)buf)->nr_entries < 3) {
		fprintf(stderr, "bstable: %s: not a valid table of 3 or more ranges\n", path);
		exit(2);
	}
	return buf;
}

static void write_table(const char *path, const void *buf, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, buf, size) != (ssize_t)size || close(fd)) {
		fprintf(stderr, "bstable: %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static int rule_from_arg(const char *arg)
{
	int i;

	for (i = EFI_BS_RULE_TRUNCATED; i <= EFI_BS_RULE_MAX; i++)
		if (!strcmp(arg, rule_args[i]))
			return i;
	fprintf(stderr, "bstable: unknown rule %s\n", arg);
	exit(2);
}

static void reseal(struct efi_bs_ranges_header *hdr)
{
	hdr->crc32 = efi_bs_ranges_crc32(hdr);
}

/* Break @rule in @hdr; return the length of the table to write. */
static size_t break_rule(struct efi_bs_ranges_header *hdr, size_t size, int rule)
{
	struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	struct efi_bs_range tmp;
	uint32_t last = hdr->nr_entries - 1;

	switch (rule) {
	case EFI_BS_RULE_TRUNCATED:
		return sizeof(*hdr) / 2;
	case EFI_BS_RULE_MAGIC:
		hdr->magic ^= 0x20;
		break;
	case EFI_BS_RULE_VERSION:
		hdr->version++;
		break;
	case EFI_BS_RULE_COUNT:
		hdr->nr_entries = EFI_BS_RANGES_MAX_ENTRIES + 1;
		return size;
	case EFI_BS_RULE_LENGTH:
		return size - sizeof(*r);
	case EFI_BS_RULE_CRC:
		r[1].num_pages ^= 1;
		return size;
	case EFI_BS_RULE_GENERATION:
		hdr->generation = 0;
		break;
	case EFI_BS_RULE_ENTRY:
		r[1].num_pages = 0;
		break;
	case EFI_BS_RULE_ORDER:
		tmp = r[1];
		r[1] = r[2];
		r[2] = tmp;
		break;
	case EFI_BS_RULE_OVERLAP:
		r[1].num_pages = ((r[2].phys_addr - r[1].phys_addr) >> 12) + 1;
		break;
	case EFI_BS_RULE_NOT_RAM:
		r[last].phys_addr = NOT_RAM_ADDR;
		r[last].state = EFI_BS_STATE_FREED;
		r[last].reason = EFI_BS_REASON_NONE;
		break;
	}
	reseal(hdr);
	return size;
}

/* A RAM check that knows nothing above NOT_RAM_ADDR, as a guest's e820. */
static bool below_not_ram(u64 start, u64 end, void *arg)
{
	(void)arg;
	(void)start;
	return end <= NOT_RAM_ADDR;
}

static int do_break(const char *arg, const char *in, const char *out)
{
	int rule = rule_from_arg(arg);
	size_t size, len;
	void *buf = read_table(in, &size);
	enum efi_bs_rule got;

	len = break_rule(buf, size, rule);
	got = efi_bs_ranges_validate(buf, len, below_not_ram, NULL);
	if ((int)got != rule) {
		fprintf(stderr, "bstable: breaking %s gave \"%s\"\n", arg,
			efi_bs_rule_name(got));
		return 1;
	}
	write_table(out, buf, len);
	printf("%s\n", efi_bs_rule_name(got));
	return 0;
}

static int do_free(const char *reason, const char *in, const char *out)
{
	struct efi_bs_ranges_header *hdr;
	struct efi_bs_range *r;
	int n = 0;
	size_t size;
	uint32_t i;

	hdr = read_table(in, &size);
	r = efi_bs_ranges_entries(hdr);
	for (i = 0; i < hdr->nr_entries; i++, r++) {
		if (r->state != EFI_BS_STATE_KEPT ||
		    strcmp(efi_bs_reason_name(r->reason), reason))
			continue;
		r->state = EFI_BS_STATE_FREED;
		r->reason = EFI_BS_REASON_NONE;
		n++;
	}
	reseal(hdr);
	if (!n || efi_bs_ranges_validate(hdr, size, NULL, NULL) != EFI_BS_RULE_OK) {
		fprintf(stderr, "bstable: no valid table with %s freed\n", reason);
		return 1;
	}
	write_table(out, hdr, size);
	printf("%d ranges\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc == 2 && !strcmp(argv[1], "rules")) {
		for (i = EFI_BS_RULE_TRUNCATED; i <= EFI_BS_RULE_MAX; i++)
			printf("%s\n", rule_args[i]);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "break"))
		return do_break(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "free"))
		return do_free(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: bstable rules | break RULE IN OUT | free REASON IN OUT\n");
	return 2;
}

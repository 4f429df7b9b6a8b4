// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the EFI boot-services range table parser, and
 * differential: for every input, kexec-tools' checks (the series'
 * efi_ranges_validate()) and the kernel's (efi_bs_ranges_validate())
 * must accept the same tables and name the same broken rule, with the
 * RAM rule and without it; a disagreement aborts.  On every table they
 * accept, the kernel's text format, verdict and coverage lookups and
 * merge, and kexec-tools' exclusion of the ranges kept for their owners
 * run too.  Nothing may read out of bounds, overflow, or hand back ranges
 * that are unsorted, overlap, still overlap a range the kernel would keep
 * kexec_file segments off, or lack one it would not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kexec.h"
#include "mem_regions.h"
#include "efi-ranges.h"
#include "bs_ranges.h"

/* RAM is everything below 4 GiB in this target: for the kernel ... */
static bool below_4g(u64 start, u64 end, void *arg)
{
	(void)arg;
	return start < end && end <= (1ULL << 32);
}

/* ... and for kexec-tools, two ranges that meet at 2 GiB */
static const struct memory_range ram_4g[] = {
	{ 0, (1ULL << 31) - 1, RANGE_RAM },
	{ 1ULL << 31, (1ULL << 32) - 1, RANGE_RAM },
};

/* Both sides' verdict on a table, with the RAM rule or without */
static enum efi_bs_rule agree(const void *buf, size_t size, int ram)
{
	enum efi_bs_rule rule;
	const char *broken;
	int ret;

	rule = efi_bs_ranges_validate(buf, size, ram ? below_4g : NULL, NULL);
	ret = efi_ranges_validate(buf, size, ram ? ram_4g : NULL, ram ? 2 : 0, &broken);
	if ((ret == 0) != (rule == EFI_BS_RULE_OK) ||
	    (ret && strcmp(broken, efi_bs_rule_name(rule)))) {
		fprintf(stderr, "disagreement%s: kernel: %s, kexec-tools: %s\n",
			ram ? " (RAM rule)" : "", efi_bs_rule_name(rule),
			ret ? broken : "valid");
		abort();
	}
	return rule;
}

static void check_sorted(const struct memory_range *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (r[i].start > r[i].end || (i && r[i].start <= r[i - 1].end))
			abort();
	}
}

/* Is @addr in one of the @n ranges at @m? */
static int in_ranges(const struct memory_range *m, unsigned int n, unsigned long long addr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (m[i].start <= addr && addr <= m[i].end)
			return 1;
	return 0;
}

/*
 * kexec-tools took out of @m exactly the kept ranges the kernel's
 * efi_bs_ranges_find_owned() names: every page of those is out, and the
 * first page of every other kept range is still in.  Both lists are
 * sorted.
 */
static void check_owned_out(const struct efi_bs_ranges_header *hdr,
			    const struct memory_range *m, unsigned int n)
{
	const struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	unsigned int i = 0;
	u32 j;

	for (j = 0; j < hdr->nr_entries; j++) {
		if (r[j].state != EFI_BS_STATE_KEPT)
			continue;
		if (!efi_bs_ranges_find_owned(hdr, r[j].phys_addr, efi_bs_range_end(&r[j]))) {
			if (!in_ranges(m, n, r[j].phys_addr))
				abort();
			continue;
		}
		while (i < n && m[i].end < r[j].phys_addr)
			i++;
		if (i < n && m[i].start < efi_bs_range_end(&r[j]))
			abort();
	}
}

static void exercise(const struct efi_bs_ranges_header *hdr)
{
	const struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	struct memory_range mem[2 + EFI_BS_RANGES_MAX_ENTRIES];
	struct memory_ranges ranges = { .size = 2, .max_size = 2 + hdr->nr_entries, .ranges = mem };
	struct efi_bs_range *cur, *out;
	char line[EFI_BS_LINE_MAX];
	uint32_t i, n, nr_cur;

	efi_bs_ranges_format_header(line, sizeof(line), hdr);
	for (i = 0; i < hdr->nr_entries; i++) {
		u64 start = r[i].phys_addr, end = efi_bs_range_end(&r[i]);

		if ((size_t)efi_bs_range_format(line, sizeof(line), &r[i]) >= sizeof(line))
			abort();
		efi_bs_ranges_verdict(hdr, start, end, true);
		efi_bs_ranges_verdict(hdr, start + 4096, end + 4096, false);
		if (!efi_bs_ranges_covers(hdr, start, end))
			abort();
		efi_bs_ranges_find_unowned(hdr, start, end);
		efi_bs_ranges_find_kept(hdr, start - 1, end + 1);
		efi_bs_ranges_find_owned(hdr, start - 1, end + 1);
	}

	/* this kernel's entries: every other inherited one, shifted a page */
	nr_cur = hdr->nr_entries / 2;
	cur = xmalloc(nr_cur * sizeof(*cur));
	out = xmalloc((hdr->nr_entries + 2 * nr_cur) * sizeof(*out));
	for (i = 0; i < nr_cur; i++) {
		cur[i] = r[2 * i];
		cur[i].num_pages = 1;
	}
	n = efi_bs_ranges_merge(hdr, cur, nr_cur, out, hdr->nr_entries + 2 * nr_cur);
	for (i = 1; i < n; i++) {
		if (out[i].phys_addr < efi_bs_range_end(&out[i - 1]))
			abort();
	}
	free(cur);
	free(out);

	mem[0] = (struct memory_range){ 0, (1ULL << 31) - 1, RANGE_RAM };
	mem[1] = (struct memory_range){ 1ULL << 31, ~0ULL, RANGE_RAM };
	if (efi_ranges_exclude_owned(hdr, &ranges) == 0) {
		check_sorted(mem, ranges.size);
		check_owned_out(hdr, mem, ranges.size);
	}
}

static void one(void *buf, size_t size)
{
	agree(buf, size, 0);
	if (agree(buf, size, 1) == EFI_BS_RULE_OK)
		exercise(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct efi_bs_ranges_header *hdr;
	void *buf = xmalloc(size);

	memcpy(buf, data, size);
	one(buf, size);

	/* the same bytes with a good CRC, to get past that rule */
	hdr = buf;
	if (size >= sizeof(*hdr) && hdr->nr_entries <= EFI_BS_RANGES_MAX_ENTRIES &&
	    efi_bs_ranges_size(hdr->nr_entries) <= size) {
		hdr->crc32 = efi_bs_ranges_crc32(hdr);
		one(buf, size);
	}
	free(buf);
	return 0;
}

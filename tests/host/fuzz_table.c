// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the EFI boot-services range table parser: the
 * kernel's validation rules, and on every table they accept, the text
 * format, the verdict and coverage lookups, the merge, and kexec-tools'
 * exclusion of kept ranges.  Nothing may read out of bounds, overflow,
 * or hand back ranges that are unsorted or overlap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kexec.h"
#include "efi-ranges.h"
#include "bs_ranges.h"

/* RAM is everything below 4 GiB in this target */
static bool below_4g(u64 start, u64 end, void *arg)
{
	(void)arg;
	return start < end && end <= (1ULL << 32);
}

static void check_sorted(const struct memory_range *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (r[i].start > r[i].end || (i && r[i].start <= r[i - 1].end))
			abort();
	}
}

static void exercise(const struct efi_bs_ranges_header *hdr)
{
	const struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	struct memory_range mem[2 + 2 * EFI_BS_RANGES_MAX_ENTRIES];
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
		efi_bs_ranges_find_freed(hdr, start, end);
		efi_bs_ranges_find_kept(hdr, start - 1, end + 1);
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
	if (efi_ranges_exclude_kept(hdr, &ranges) == 0)
		check_sorted(mem, ranges.size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct efi_bs_ranges_header *hdr;
	void *buf = xmalloc(size);

	memcpy(buf, data, size);
	if (efi_bs_ranges_validate(buf, size, below_4g, NULL) == EFI_BS_RULE_OK)
		exercise(buf);

	/* the same bytes with a good CRC, to get past that rule */
	hdr = buf;
	if (size >= sizeof(*hdr) && hdr->nr_entries <= EFI_BS_RANGES_MAX_ENTRIES &&
	    efi_bs_ranges_size(hdr->nr_entries) <= size) {
		hdr->crc32 = efi_bs_ranges_crc32(hdr);
		if (efi_bs_ranges_validate(buf, size, below_4g, NULL) == EFI_BS_RULE_OK)
			exercise(buf);
	}
	free(buf);
	return 0;
}

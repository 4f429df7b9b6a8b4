// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of the range table's rules: validate, merge and decide
 * (verdict for every descriptor) on tables of N ranges, N from 10 to
 * 100000.  Tables above EFI_BS_RANGES_MAX_ENTRIES are refused by
 * validation, as a kernel would refuse them: only merge and decide are
 * timed there.  Prints CSV: ranges,validate_ns,merge_ns,decide_ns,ns_per_range
 *
 * With a FILE (a table as /sys/firmware/efi/bs_ranges shows it), times
 * instead what a kernel that inherits that table does with it in one kexec
 * hop, as the guest runs it on its own table: validate it, decide and
 * check cover for every range, merge it with a list as long, and seal the
 * result.  Prints CSV: ranges,hop_ns
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bs_ranges.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct efi_bs_ranges_header *make(uint32_t n)
{
	struct efi_bs_ranges_header *hdr = calloc(1, efi_bs_ranges_size(n));
	struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	uint32_t i;

	for (i = 0; i < n; i++) {
		r[i].phys_addr = 0x100000ULL + (u64)i * 0x3000;
		r[i].num_pages = 2;
		r[i].type = 4;
		r[i].state = i % 3 ? EFI_BS_STATE_FREED : EFI_BS_STATE_KEPT;
		r[i].reason = i % 3 ? EFI_BS_REASON_NONE : EFI_BS_REASON_EFI_DEBUG;
		r[i].generation = 1;
	}
	hdr->nr_entries = n;
	hdr->generation = 1;
	efi_bs_ranges_seal(hdr);
	return hdr;
}

static int hop_cost(const char *path)
{
	size_t max = efi_bs_ranges_size(EFI_BS_RANGES_MAX_ENTRIES);
	char *buf = malloc(max + 1);
	const struct efi_bs_ranges_header *hdr = (const void *)buf;
	struct efi_bs_ranges_header *sealed;
	struct efi_bs_range *cur, *out;
	const struct efi_bs_range *r;
	const unsigned int reps = 100;
	volatile unsigned int sink = 0;
	unsigned int rep;
	uint32_t n, i;
	size_t len;
	double t;
	FILE *f;

	f = fopen(path, "rb");
	if (!buf || !f) {
		perror(path);
		free(buf);
		return 1;
	}
	len = fread(buf, 1, max + 1, f);
	fclose(f);
	if (efi_bs_ranges_validate(buf, len, NULL, NULL) != EFI_BS_RULE_OK) {
		fprintf(stderr, "%s: not a valid range table\n", path);
		free(buf);
		return 1;
	}
	n = hdr->nr_entries;
	r = efi_bs_ranges_entries(hdr);
	cur = calloc(n ? n : 1, sizeof(*cur));
	sealed = calloc(1, efi_bs_ranges_size(2 * n));
	if (!cur || !sealed) {
		perror("bench_table");
		free(cur);
		free(sealed);
		free(buf);
		return 1;
	}
	*sealed = *hdr;
	out = efi_bs_ranges_entries(sealed);

	t = now_ns();
	for (rep = 0; rep < reps; rep++) {
		sink += efi_bs_ranges_validate(buf, len, NULL, NULL);
		for (i = 0; i < n; i++) {
			sink += efi_bs_ranges_verdict(hdr, r[i].phys_addr,
						      efi_bs_range_end(&r[i]), true);
			sink += efi_bs_ranges_covers(hdr, r[i].phys_addr,
						     efi_bs_range_end(&r[i]));
			cur[i] = r[n - 1 - i];
		}
		sealed->nr_entries = efi_bs_ranges_merge(hdr, cur, n, out, 2 * n);
		efi_bs_ranges_seal(sealed);
	}
	printf("ranges,hop_ns\n%u,%.0f\n", n, (now_ns() - t) / reps);
	free(cur);
	free(sealed);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 10, 1000, 4096, 10000, 100000 };
	unsigned int s, rep, reps;

	if (argc > 1)
		return hop_cost(argv[1]);
	printf("ranges,validate_ns,merge_ns,decide_ns,ns_per_range\n");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t n = sizes[s], i, nr_cur = n / 2;
		struct efi_bs_ranges_header *hdr = make(n);
		struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
		struct efi_bs_range *cur = malloc(nr_cur * sizeof(*cur));
		struct efi_bs_range *out = malloc((n + 2 * nr_cur) * sizeof(*out));
		double t, tv = 0, tm = 0, td = 0;
		volatile unsigned int sink = 0;

		reps = n <= 1000 ? 200 : 5;
		for (rep = 0; rep < reps; rep++) {
			t = now_ns();
			sink += efi_bs_ranges_validate(hdr, efi_bs_ranges_size(n), NULL, NULL);
			tv += now_ns() - t;

			for (i = 0; i < nr_cur; i++) {
				cur[i] = r[nr_cur - 1 - i];	/* reversed: merge sorts */
				cur[i].state = EFI_BS_STATE_RECLAIMED;
			}
			t = now_ns();
			sink += efi_bs_ranges_merge(hdr, cur, nr_cur, out, n + 2 * nr_cur);
			tm += now_ns() - t;

			t = now_ns();
			for (i = 0; i < n; i++)
				sink += efi_bs_ranges_verdict(hdr, r[i].phys_addr,
							      efi_bs_range_end(&r[i]), true);
			td += now_ns() - t;
		}
		printf("%u,%.0f,%.0f,%.0f,%.1f\n", n, tv / reps, tm / reps, td / reps,
		       (tv + tm + td) / reps / n);
		free(hdr);
		free(cur);
		free(out);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for kexec-tools' kexec/efi-ranges.c: taking the ranges the
 * running kernel keeps out of the ranges kexec places segments in.  One
 * case per overlap shape; each picture is one column per 4 KiB page from
 * 0, '=' a memory range, 'x' the excluded span.  TAP on stdout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kexec.h"
#include "efi-ranges.h"
#include "bs_ranges.h"

#define P(n)	((unsigned long long)(n) << 12)

static int test_n, failed;

static void ok(int cond, const char *what)
{
	test_n++;
	failed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", test_n, what);
}

/* ranges given as page pairs [first, last]; checks the result likewise */
static int check(const int *in, int nr_in, int max, unsigned long long xs,
		 unsigned long long xe, const int *want, int nr_want)
{
	struct memory_range r[8];
	struct memory_ranges ranges = { .size = nr_in, .max_size = max, .ranges = r };
	int i;

	for (i = 0; i < nr_in; i++) {
		r[i].start = P(in[2 * i]);
		r[i].end = P(in[2 * i + 1] + 1) - 1;
		r[i].type = RANGE_RAM;
	}
	if (efi_ranges_exclude(&ranges, P(xs), P(xe + 1) - 1) < 0)
		return nr_want < 0;
	if ((int)ranges.size != nr_want)
		return 0;
	for (i = 0; i < nr_want; i++)
		if (r[i].start != P(want[2 * i]) || r[i].end != P(want[2 * i + 1] + 1) - 1 ||
		    r[i].type != RANGE_RAM)
			return 0;
	return 1;
}

static void exclude_shapes(void)
{
	static const int one[] = { 1, 3 };		/* -===-- */
	static const int two[] = { 1, 2, 4, 5 };	/* -==-== */

	/* -===--  x at 5: disjoint; expect unchanged */
	ok(check(one, 1, 4, 5, 5, one, 1), "disjoint: unchanged");
	/* -===x-  touching the end; expect unchanged */
	ok(check(one, 1, 4, 4, 4, one, 1), "touching: unchanged");
	/* xx==--  over the bottom; expect [2,3] */
	ok(check(one, 1, 4, 0, 1, (const int []){ 2, 3 }, 1), "overlapping the bottom: trimmed");
	/* -==xx-  over the top; expect [1,2] */
	ok(check(one, 1, 4, 3, 4, (const int []){ 1, 2 }, 1), "overlapping the top: trimmed");
	/* -=x=--  inside; expect split [1,1] [3,3] */
	ok(check(one, 1, 4, 2, 2, (const int []){ 1, 1, 3, 3 }, 2), "inside: split in two");
	/* xxxxx-  covering; expect nothing */
	ok(check(one, 1, 4, 0, 4, NULL, 0), "covering: removed");
	/* -=xx=x  across two ranges; expect [1,1] [5,5] */
	ok(check(two, 2, 4, 2, 4, (const int []){ 1, 1, 5, 5 }, 2), "across two ranges: both trimmed");
	/* -=x=--  inside, but no room to split; expect -1 */
	ok(check(one, 1, 1, 2, 2, NULL, -1), "inside with no room: refused");
}

static void exclude_one_byte(void)
{
	struct memory_range r[2] = { { 0x1000, 0x1fff, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 2, .ranges = r };

	/* the span starts on the range's last byte; expect that byte gone */
	efi_ranges_exclude(&ranges, 0x1fff, 0x2fff);
	ok(ranges.size == 1 && r[0].start == 0x1000 && r[0].end == 0x1ffe,
	   "overlapping the top by one byte: trimmed by one byte");
	/* and ends on its first byte; expect that byte gone too */
	efi_ranges_exclude(&ranges, 0x0, 0x1000);
	ok(ranges.size == 1 && r[0].start == 0x1001 && r[0].end == 0x1ffe,
	   "overlapping the bottom by one byte: trimmed by one byte");
}

static void exclude_twice(void)
{
	struct memory_range r[4] = { { P(1), P(4) - 1, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 4, .ranges = r };

	/* -=x=--  then the same again; expect the same two pieces */
	efi_ranges_exclude(&ranges, P(2), P(3) - 1);
	efi_ranges_exclude(&ranges, P(2), P(3) - 1);
	ok(ranges.size == 2 && r[0].end == P(2) - 1 && r[1].start == P(3),
	   "repeated: excluding twice is excluding once");
}

static void exclude_only_kept(void)
{
	struct {
		struct efi_bs_ranges_header hdr;
		struct efi_bs_range r[3];
	} t = { .hdr = { .nr_entries = 3, .generation = 1 } };
	struct memory_range m[8] = { { P(0), P(16) - 1, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 8, .ranges = m };
	static const u16 state[] = { EFI_BS_STATE_FREED, EFI_BS_STATE_KEPT,
				     EFI_BS_STATE_RECLAIMED };
	static const u16 reason[] = { EFI_BS_REASON_NONE, EFI_BS_REASON_FW_ESRT,
				      EFI_BS_REASON_EFI_DEBUG };
	int i;

	/* ====ffff==kk==rr: only the kept range (8-9) comes out */
	for (i = 0; i < 3; i++) {
		t.r[i].phys_addr = P(4 + 4 * i);
		t.r[i].num_pages = 2;
		t.r[i].type = 4;
		t.r[i].state = state[i];
		t.r[i].reason = reason[i];
		t.r[i].generation = 1;
	}
	efi_bs_ranges_seal(&t.hdr);
	ok(efi_bs_ranges_validate(&t, sizeof(t), NULL, NULL) == EFI_BS_RULE_OK &&
	   efi_ranges_exclude_kept(&t, &ranges) == 0 && ranges.size == 2 &&
	   m[0].end == P(8) - 1 && m[1].start == P(10),
	   "exclude_kept: kept ranges come out, freed and reclaimed stay");
}

int main(void)
{
	exclude_shapes();
	exclude_one_byte();
	exclude_twice();
	exclude_only_kept();
	printf("1..%d\n", test_n);
	return failed || !test_n;
}

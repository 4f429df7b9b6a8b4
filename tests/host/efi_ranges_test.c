// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the kexec-tools series: mem_regions_exclude() (kexec/
 * mem_regions.c), which takes the ranges the running kernel keeps out of
 * the ranges kexec places segments in, one case per overlap shape; and
 * kexec/arch/i386/efi-ranges.c on tables sealed with zlib's crc32().
 * Each picture is one column per 4 KiB page from 0, '=' a memory range,
 * 'r' a reserved one, 'x' the excluded span.  TAP on stdout.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "kexec.h"
#include "mem_regions.h"
#include "efi-ranges.h"
#include "x86-linux-setup.h"
#include <arch/options.h>
#include <x86/efi_bs_ranges.h>

#define P(n)	((unsigned long long)(n) << 12)

static int test_n, failed;

static void ok(int cond, const char *what)
{
	test_n++;
	failed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", test_n, what);
}

/*
 * Ranges given as page pairs [first, last]; excludes pages [xs, xe] as
 * efi_ranges_exclude_owned() does (then sorts) and checks the result
 * likewise, every range of type @type.
 */
static int check_typed(const int *in, int nr_in, int max, unsigned int type, unsigned long long xs,
		       unsigned long long xe, const int *want, int nr_want)
{
	struct memory_range r[8], x = { P(xs), P(xe + 1) - 1, RANGE_RAM };
	struct memory_ranges ranges = { .size = nr_in, .max_size = max, .ranges = r };
	int i;

	for (i = 0; i < nr_in; i++) {
		r[i].start = P(in[2 * i]);
		r[i].end = P(in[2 * i + 1] + 1) - 1;
		r[i].type = type;
	}
	if (mem_regions_exclude(&ranges, &x) < 0)
		return nr_want < 0;
	mem_regions_sort(&ranges);
	if ((int)ranges.size != nr_want)
		return 0;
	for (i = 0; i < nr_want; i++)
		if (r[i].start != P(want[2 * i]) || r[i].end != P(want[2 * i + 1] + 1) - 1 ||
		    r[i].type != type)
			return 0;
	return 1;
}

static int check(const int *in, int nr_in, int max, unsigned long long xs,
		 unsigned long long xe, const int *want, int nr_want)
{
	return check_typed(in, nr_in, max, RANGE_RAM, xs, xe, want, nr_want);
}

static void exclude_shapes(void)
{
	static const int one[] = { 1, 3 };		/* -===-- */
	static const int two[] = { 1, 2, 4, 5 };	/* -==-== */
	static const int three[] = { 1, 3, 5, 7, 9, 11 };	/* -===-===-=== */

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
	/* -=xxxxxxx==  over the top of one, all of the next, the bottom of the last */
	ok(check(three, 3, 4, 2, 9, (const int []){ 1, 1, 10, 11 }, 2),
	   "across three ranges: the middle one removed, the others trimmed");
	/* -===-=x=-===  inside the middle one; expect it split, the order kept */
	ok(check(three, 3, 4, 6, 6, (const int []){ 1, 3, 5, 5, 7, 7, 9, 11 }, 4),
	   "inside the middle of three: split, and sorted after");
	/* -=x=--  inside, but no room to split; expect -1 */
	ok(check(one, 1, 1, 2, 2, NULL, -1), "inside with no room: refused");
	/* -rxr--  inside a reserved range; expect both halves reserved */
	ok(check_typed(one, 1, 4, RANGE_RESERVED, 2, 2, (const int []){ 1, 1, 3, 3 }, 2),
	   "inside a reserved range: both halves stay reserved");
}

static void exclude_one_byte(void)
{
	struct memory_range r[2] = { { 0x1000, 0x1fff, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 2, .ranges = r };

	/* the span starts on the range's last byte; expect that byte gone */
	mem_regions_exclude(&ranges, &(struct memory_range){ 0x1fff, 0x2fff, RANGE_RAM });
	ok(ranges.size == 1 && r[0].start == 0x1000 && r[0].end == 0x1ffe,
	   "overlapping the top by one byte: trimmed by one byte");
	/* and ends on its first byte; expect that byte gone too */
	mem_regions_exclude(&ranges, &(struct memory_range){ 0x0, 0x1000, RANGE_RAM });
	ok(ranges.size == 1 && r[0].start == 0x1001 && r[0].end == 0x1ffe,
	   "overlapping the bottom by one byte: trimmed by one byte");
}

static void exclude_twice(void)
{
	struct memory_range r[4] = { { P(1), P(4) - 1, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 4, .ranges = r };
	struct memory_range x = { P(2), P(3) - 1, RANGE_RAM };

	/* -=x=--  then the same again; expect the same two pieces */
	mem_regions_exclude(&ranges, &x);
	mem_regions_exclude(&ranges, &x);
	mem_regions_sort(&ranges);
	ok(ranges.size == 2 && r[0].end == P(2) - 1 && r[1].start == P(3),
	   "repeated: excluding twice is excluding once");
}

/* A table of three ranges, one per state, two pages each from page 4 */
struct table3 {
	struct efi_bs_ranges_header hdr;
	struct efi_bs_range r[3];
};

static void seal(struct table3 *t)
{
	t->hdr.magic = EFI_BS_RANGES_MAGIC;
	t->hdr.version = EFI_BS_RANGES_VERSION;
	t->hdr.crc32 = 0;
	t->hdr.crc32 = crc32(0, (const unsigned char *)t, sizeof(*t));
}

static void make_table(struct table3 *t)
{
	static const __u16 state[] = { EFI_BS_STATE_FREED, EFI_BS_STATE_KEPT,
				       EFI_BS_STATE_RECLAIMED };
	static const __u16 reason[] = { EFI_BS_REASON_NONE, EFI_BS_REASON_FW_ESRT,
					EFI_BS_REASON_EFI_DEBUG };
	int i;

	memset(t, 0, sizeof(*t));
	t->hdr.nr_entries = 3;
	t->hdr.generation = 2;
	for (i = 0; i < 3; i++) {
		t->r[i].phys_addr = P(4 + 4 * i);
		t->r[i].num_pages = 2;
		t->r[i].type = 4;
		t->r[i].state = state[i];
		t->r[i].reason = reason[i];
		t->r[i].generation = 1 + (i == 2);
	}
	seal(t);
}

static void exclude_only_owned(void)
{
	struct memory_range m[8] = { { P(0), P(16) - 1, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 8, .ranges = m };
	const char *broken = NULL;
	struct table3 t;

	/* ====ffff==kk==rr: only the kept range (8-9) comes out */
	make_table(&t);
	ok(efi_ranges_validate(&t, sizeof(t), NULL, 0, &broken) == 0 &&
	   efi_ranges_exclude_owned(&t, &ranges) == 0 && ranges.size == 2 &&
	   m[0].end == P(8) - 1 && m[1].start == P(10),
	   "exclude_owned: a range kept for firmware comes out, freed and reclaimed stay");

	/* ====ffff==kk==KK: kept for efi=debug (12-13) stays, no-table (8-9) goes */
	make_table(&t);
	t.r[1].reason = EFI_BS_REASON_NO_TABLE;
	t.r[2].state = EFI_BS_STATE_KEPT;
	t.r[2].generation = 2;
	seal(&t);
	m[0] = (struct memory_range){ P(0), P(16) - 1, RANGE_RAM };
	ranges.size = 1;
	ok(efi_ranges_validate(&t, sizeof(t), NULL, 0, &broken) == 0 &&
	   efi_ranges_exclude_owned(&t, &ranges) == 0 && ranges.size == 2 &&
	   m[0].end == P(8) - 1 && m[1].start == P(10) && m[1].end == P(16) - 1,
	   "exclude_owned: a range kept for no-table comes out, one kept for efi=debug stays");
}

static void version_rule(void)
{
	const char *broken = NULL;
	struct table3 t;
	int ret;

	/* the reserved field belongs to the next version */
	make_table(&t);
	t.hdr.reserved = 1;
	seal(&t);
	ret = efi_ranges_validate(&t, sizeof(t), NULL, 0, &broken);
	ok(ret < 0 && !strcmp(broken, "unsupported version"),
	   "version rule: a header with its reserved field set is refused by name");
}

static void ram_rule(void)
{
	static const struct memory_range split[] = {	/* ========rr======== */
		{ P(0), P(8) - 1, RANGE_RAM },
		{ P(8), P(10) - 1, RANGE_RESERVED },
		{ P(10), P(18) - 1, RANGE_RAM },
	};
	static const struct memory_range joined[] = {	/* ======|============ */
		{ P(0), P(6) - 1, RANGE_RAM },
		{ P(6), P(18) - 1, RANGE_RAM },
	};
	const char *broken = NULL;
	struct table3 t;
	int ret;

	make_table(&t);
	/* the kept range (8-9) is reserved, the freed (4-5) and reclaimed (12-13) RAM */
	ok(efi_ranges_validate(&t, sizeof(t), split, 3, &broken) == 0,
	   "RAM rule: a kept range outside RAM is valid");
	/* the freed range (4-5) across two adjacent RAM ranges */
	t.r[0].num_pages = 3;
	seal(&t);
	ok(efi_ranges_validate(&t, sizeof(t), joined, 2, &broken) == 0,
	   "RAM rule: a freed range across two adjacent RAM ranges is valid");
	/* the reclaimed range (12-13) moved onto the reserved one */
	make_table(&t);
	t.r[1].phys_addr = P(6);
	t.r[2].phys_addr = P(8);
	seal(&t);
	ret = efi_ranges_validate(&t, sizeof(t), split, 3, &broken);
	ok(ret < 0 && !strcmp(broken, "freed range outside E820 RAM"),
	   "RAM rule: a reclaimed range on reserved memory is refused by name");
	ok(efi_ranges_validate(&t, sizeof(t), NULL, 0, &broken) == 0,
	   "RAM rule: skipped without memory ranges");
}

static void print_table(void)
{
	static const char want[] =
		"# generation 2 entries 3 crc32 0x%08x\n"
		"0x0000000000004000-0x0000000000005fff bs-data 0x0000000000000000 freed - 1\n"
		"0x0000000000008000-0x0000000000009fff bs-data 0x0000000000000000 kept firmware:esrt 1\n"
		"0x000000000000c000-0x000000000000dfff bs-data 0x0000000000000000 reclaimed efi-debug 2\n";
	char path[] = "/tmp/efi_ranges_test.XXXXXX", expect[512];
	struct efi_ranges_options opts = { .file = path };
	char *out = NULL;
	size_t len = 0;
	struct table3 t;
	FILE *f;
	int fd, ret;

	make_table(&t);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, &t, sizeof(t)) != sizeof(t)) {
		ok(0, "print: as the kernel's debugfs view (cannot write a table)");
		return;
	}
	close(fd);
	f = open_memstream(&out, &len);
	ret = efi_ranges_print(&opts, f);
	fclose(f);
	unlink(path);
	snprintf(expect, sizeof(expect), want, t.hdr.crc32);
	ok(ret == 0 && !strcmp(out, expect), "print: as the kernel's debugfs view");
	free(out);
}

/* Write @len bytes of @data to a new temporary file named in @path */
static int write_file(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Do ranges @m (@nr of them) equal @want, given as [first, last, type] pages? */
static int ranges_are(const struct memory_range *m, int nr, const int *want, int nr_want)
{
	int i;

	if (nr != nr_want)
		return 0;
	for (i = 0; i < nr; i++)
		if (m[i].start != P(want[3 * i]) || m[i].end != P(want[3 * i + 1] + 1) - 1 ||
		    m[i].type != (unsigned int)want[3 * i + 2])
			return 0;
	return 1;
}

/*
 * efi_ranges_keep_off() with @running as the running kernel's table, on
 * ranges @in; the ranges it leaves in @out, how many in @nr_out.
 */
static int keep_off(struct efi_ranges_options *opts, const struct table3 *running,
		    const struct memory_range *in, int nr_in,
		    struct memory_range **out, int *nr_out)
{
	char path[] = "/tmp/efi_ranges_test.XXXXXX";
	int ret;

	if (write_file(path, running, sizeof(*running)) < 0)
		return -2;
	opts->running = path;
	*out = (struct memory_range *)in;
	*nr_out = nr_in;
	ret = efi_ranges_keep_off(opts, out, nr_out);
	unlink(path);
	opts->running = NULL;
	return ret;
}

static void keep_off_without_ram_rule(void)
{
	/* ====ffff==kkRR==== with the reclaimed range (12-13) on reserved memory */
	static const struct memory_range ram[] = {
		{ P(0), P(12) - 1, RANGE_RAM },
		{ P(12), P(14) - 1, RANGE_RESERVED },
		{ P(14), P(18) - 1, RANGE_RAM },
	};
	static const int want[] = { 0, 7, RANGE_RAM, 10, 11, RANGE_RAM, 12, 13, RANGE_RESERVED,
				    14, 17, RANGE_RAM };
	struct efi_ranges_options opts = { 0 };
	struct memory_range *m;
	struct table3 t;
	size_t size;
	int nr;

	/* expect the kept range (8-9) out of the RAM, and no table passed on */
	make_table(&t);
	ok(keep_off(&opts, &t, ram, 3, &m, &nr) == 0 && ranges_are(m, nr, want, 4) &&
	   !efi_ranges_table(&size),
	   "keep_off: a running table that breaks only the RAM rule still keeps kept ranges off, and is not passed on");
	if (m != ram)
		free(m);
}

static void exclude_map_bs_only(void)
{
	/* ====bbbb==ttbbbb: boot services data 4-5 and code 12-13, runtime code 8-9 */
	static const struct efi_mem_descriptor map[] = {
		{ .type = 4, .phys_addr = P(4), .num_pages = 2 },
		{ .type = 5, .phys_addr = P(8), .num_pages = 2 },
		{ .type = 3, .phys_addr = P(12), .num_pages = 2 },
		{ .type = 4, .phys_addr = P(15), .num_pages = 0 },
	};
	static const int want[] = { 0, 3, RANGE_RAM, 6, 11, RANGE_RAM, 14, 15, RANGE_RAM };
	struct memory_range m[8] = { { P(0), P(16) - 1, RANGE_RAM } };
	struct memory_ranges ranges = { .size = 1, .max_size = 8, .ranges = m };

	ok(efi_ranges_exclude_map(map, 4, &ranges) == 0 &&
	   ranges_are(m, ranges.size, want, 3),
	   "exclude_map: boot services descriptors come out, runtime and empty ones stay");
}

/* efi_ranges_e820() after a keep-off to @m: the @nr_in ranges at @in, as they were */
static int e820_is(struct memory_range *m, int nr, const struct memory_range *in, int nr_in)
{
	efi_ranges_e820(&m, &nr);
	return m == in && nr == nr_in;
}

/* kexec_stubs.c's get_efi_runtime_map() hands out this map */
extern const struct efi_mem_descriptor *stub_runtime_map;
extern int stub_runtime_map_nr;

static void keep_off_no_table(void)
{
	/* ====bbbb==ttbbbb==: no table; the runtime map's boot services 4-5, 12-13 */
	static const struct efi_mem_descriptor map[] = {
		{ .type = 4, .phys_addr = P(4), .num_pages = 2 },
		{ .type = 5, .phys_addr = P(8), .num_pages = 2 },
		{ .type = 3, .phys_addr = P(12), .num_pages = 2 },
	};
	static const struct memory_range ram[] = { { P(0), P(18) - 1, RANGE_RAM } };
	static const int want[] = { 0, 3, RANGE_RAM, 6, 11, RANGE_RAM, 14, 17, RANGE_RAM };
	struct efi_ranges_options opts = { .running = "/nonexistent" };
	struct memory_range *m = (struct memory_range *)ram;
	size_t size;
	int nr = 1;

	stub_runtime_map = map;
	stub_runtime_map_nr = 3;
	ok(efi_ranges_keep_off(&opts, &m, &nr) == 0 && ranges_are(m, nr, want, 3) &&
	   !efi_ranges_table(&size),
	   "keep_off: no table: the runtime map's boot services ranges come out, none passed on");
	ok(e820_is(m, nr, ram, 1), "keep_off: no table: the e820 view is the ranges as they were");
	if (m != ram)
		free(m);
	stub_runtime_map = NULL;
	stub_runtime_map_nr = 0;
}

static void keep_off_disabled(void)
{
	static const struct memory_range ram[] = { { P(0), P(18) - 1, RANGE_RAM } };
	static const int want[] = { 0, 7, RANGE_RAM, 10, 17, RANGE_RAM };
	struct efi_ranges_options opts = { .disabled = 1 };
	struct memory_range *m;
	struct table3 t;
	size_t size;
	int nr;

	/* ====ffffkk======== with --no-efi-ranges: expect 8-9 out, no table passed */
	make_table(&t);
	ok(keep_off(&opts, &t, ram, 1, &m, &nr) == 0 && ranges_are(m, nr, want, 2) &&
	   !efi_ranges_table(&size),
	   "keep_off: --no-efi-ranges passes no table but still keeps kept ranges off");
	if (m != ram)
		free(m);
}

static void keep_off_ram_only(void)
{
	/* ========rkk======= the kept range (8-9) over a reserved page (8) and RAM (9) */
	static const struct memory_range ram[] = {
		{ P(0), P(8) - 1, RANGE_RAM },
		{ P(8), P(9) - 1, RANGE_RESERVED },
		{ P(9), P(18) - 1, RANGE_RAM },
	};
	static const int want[] = { 0, 7, RANGE_RAM, 8, 8, RANGE_RESERVED, 10, 17, RANGE_RAM };
	struct efi_ranges_options opts = { 0 };
	struct memory_range *m;
	struct table3 t;
	int nr;

	/* expect the reserved page kept, the RAM page out; the e820 view as it was */
	make_table(&t);
	t.r[0].phys_addr = P(2);	/* the freed range on RAM */
	seal(&t);
	ok(keep_off(&opts, &t, ram, 3, &m, &nr) == 0 && ranges_are(m, nr, want, 3),
	   "keep_off: only RAM is cut, a reserved range under a kept one stays");
	ok(e820_is(m, nr, ram, 3), "keep_off: the e820 view is the ranges as they were");
	if (m != ram)
		free(m);
}

static void pass_on_exact(void)
{
	static const struct memory_range ram[] = { { P(0), P(18) - 1, RANGE_RAM } };
	struct efi_ranges_options opts = { .running = "/nonexistent" };
	char path[] = "/tmp/efi_ranges_test.XXXXXX";
	struct {
		struct table3 t;
		char junk[16];
	} f;
	struct memory_range *m = (struct memory_range *)ram;
	const void *table;
	size_t size = 0;
	int nr = 1;

	/* a valid table with 16 bytes after it: expect the table alone passed on */
	make_table(&f.t);
	memset(f.junk, 0xa5, sizeof(f.junk));
	if (write_file(path, &f, sizeof(f)) < 0) {
		ok(0, "pass-on: a valid table goes on without what follows it (cannot write it)");
		return;
	}
	opts.file = path;
	table = efi_ranges_keep_off(&opts, &m, &nr) == 0 ? efi_ranges_table(&size) : NULL;
	unlink(path);
	if (m != ram)
		free(m);
	ok(table && size == sizeof(f.t),
	   "pass-on: a valid table goes on without what follows it in the file");
	if (table && size != sizeof(f.t))
		printf("#   passed %zu bytes, the table has %zu\n", size, sizeof(f.t));
}

/* The --efi-ranges* options after @argv, as arch_process_options() sees them */
static int options_ok(const char *what, ...)
{
	struct efi_ranges_options opts = { 0 };
	static const struct { const char *name; int opt; } names[] = {
		{ "--efi-ranges", OPT_EFI_RANGES }, { "--print-efi-ranges", OPT_PRINT_EFI_RANGES },
		{ "--efi-ranges-unchecked", OPT_EFI_RANGES_UNCHECKED },
		{ "--no-efi-ranges", OPT_NO_EFI_RANGES }, { "-s", OPT_KEXEC_FILE_SYSCALL },
		{ "-a", OPT_KEXEC_SYSCALL_AUTO }, { "-c", OPT_KEXEC_SYSCALL }, { "-l", OPT_LOAD },
		{ "-p", OPT_PANIC }, { "-e", OPT_EXEC }, { "-u", OPT_UNLOAD }, { "-S", OPT_STATUS },
	};
	const char *arg;
	va_list ap;
	size_t i;

	(void)what;
	va_start(ap, what);
	while ((arg = va_arg(ap, const char *)))
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(arg, names[i].name))
				efi_ranges_option(&opts, names[i].opt, "FILE");
	va_end(ap);
	return efi_ranges_check_options(&opts) == 0;
}

static void options(void)
{
	ok(options_ok("", "-l", "--efi-ranges", NULL) &&
	   options_ok("", "-p", "--efi-ranges", "--efi-ranges-unchecked", NULL) &&
	   options_ok("", "-l", "--no-efi-ranges", NULL) &&
	   options_ok("", "--print-efi-ranges", NULL) &&
	   options_ok("", "--print-efi-ranges", "--efi-ranges", NULL) &&
	   options_ok("", "-s", "-l", NULL) &&
	   options_ok("", "-s", "-c", "-l", "--efi-ranges", NULL),
	   "options: the combinations that make sense are taken");
	ok(!options_ok("", "-s", "-l", "--efi-ranges", NULL) &&
	   !options_ok("", "-a", "-l", "--efi-ranges", NULL) &&
	   !options_ok("", "-s", "-l", "--no-efi-ranges", NULL) &&
	   !options_ok("", "-s", "-p", "--efi-ranges", "--efi-ranges-unchecked", NULL),
	   "options: the table's options with kexec_file_load are refused");
	ok(!options_ok("", "-l", "--efi-ranges-unchecked", NULL) &&
	   !options_ok("", "-l", "--efi-ranges", "--no-efi-ranges", NULL),
	   "options: --efi-ranges-unchecked alone, --efi-ranges with --no-efi-ranges: refused");
	ok(!options_ok("", "-l", "--print-efi-ranges", NULL) &&
	   !options_ok("", "-p", "--print-efi-ranges", NULL) &&
	   !options_ok("", "-e", "--print-efi-ranges", NULL) &&
	   !options_ok("", "-u", "--print-efi-ranges", NULL) &&
	   !options_ok("", "-S", "--print-efi-ranges", NULL) &&
	   !options_ok("", "-s", "--print-efi-ranges", NULL) &&
	   !options_ok("", "--print-efi-ranges", "--no-efi-ranges", NULL),
	   "options: --print-efi-ranges with an action is refused");
}

int main(void)
{
	exclude_shapes();
	exclude_one_byte();
	exclude_twice();
	exclude_only_owned();
	exclude_map_bs_only();
	version_rule();
	ram_rule();
	print_table();
	keep_off_without_ram_rule();
	keep_off_no_table();
	keep_off_disabled();
	keep_off_ram_only();
	pass_on_exact();
	options();
	printf("1..%d\n", test_n);
	return failed || !test_n;
}

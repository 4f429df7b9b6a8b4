/*
 * efi-ranges.c - the EFI boot services range table across kexec_load
 *
 * A kernel with the range table shows it at /sys/firmware/efi/bs_ranges:
 * what became of every EFI boot services range, and why the kept ones
 * are kept.  kexec passes it on to the next kernel as setup_data, as the
 * kernel does itself for kexec_file_load, and keeps the segments it
 * places off every range the running kernel still holds.  Those ranges
 * read as plain RAM in /sys/firmware/memmap, where kexec looks for room:
 * a segment placed on the one holding the EFI Memory Attributes table,
 * the ESRT or the BGRT image overwrites a table the next kernel parses.
 *
 * With no table (a kernel without it, or not booted through EFI), kexec
 * behaves as it always did.
 *
 * The table's rules (validation, text format) are the kernel's own
 * bs_ranges.c, built here unchanged.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kexec.h"
#include "efi-ranges.h"
#include "bs_ranges.h"

/* The table this run passes on, once efi_ranges_load() accepted it */
static void *table;
static size_t table_size;
static int table_loaded;

/* The ranges as they were before the kept ones came out: the e820 to pass */
static struct memory_range *e820_ranges;
static int e820_nr;

/**
 * efi_ranges_exclude() - take [start, end] out of every range it overlaps
 * @ranges: sorted ranges; a split needs room for one more
 * @start: first byte
 * @end: last byte
 *
 * Unlike mem_regions_exclude(), the span may overlap any number of
 * ranges, at either end or entirely.
 *
 * Return: 0, or -1 when a split needs more room than @ranges has.
 */
int efi_ranges_exclude(struct memory_ranges *ranges,
		       unsigned long long start, unsigned long long end)
{
	struct memory_range *r;
	unsigned int i = 0;

	while (i < ranges->size) {
		r = ranges->ranges + i;
		if (r->end < start || r->start > end) {
			i++;
		} else if (r->start < start && r->end > end) {
			if (ranges->size >= ranges->max_size)
				return -1;
			memmove(r + 2, r + 1,
				(ranges->size - i - 1) * sizeof(*r));
			r[1] = r[0];
			r[1].start = end + 1;
			r[0].end = start - 1;
			ranges->size++;
			i += 2;
		} else if (r->start < start) {
			r->end = start - 1;
			i++;
		} else if (r->end > end) {
			r->start = end + 1;
			i++;
		} else {
			memmove(r, r + 1, (ranges->size - i - 1) * sizeof(*r));
			ranges->size--;
		}
	}
	return 0;
}

/**
 * efi_ranges_exclude_kept() - take every kept range of a table out of @ranges
 * @table: a validated table
 * @ranges: sorted ranges, with room for one more entry per kept range
 *
 * Return: 0, or -1 when @ranges ran out of room.
 */
int efi_ranges_exclude_kept(const void *table, struct memory_ranges *ranges)
{
	const struct efi_bs_ranges_header *hdr = table;
	const struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	uint32_t i;

	for (i = 0; i < hdr->nr_entries; i++, r++) {
		if (r->state != EFI_BS_STATE_KEPT)
			continue;
		if (efi_ranges_exclude(ranges, r->phys_addr,
				       efi_bs_range_end(r) - 1) < 0)
			return -1;
	}
	return 0;
}

static void *read_file(const char *path, size_t *size)
{
	size_t cap = efi_bs_ranges_size(EFI_BS_RANGES_MAX_ENTRIES) + 1;
	ssize_t n;
	void *buf;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	buf = xmalloc(cap);
	*size = 0;
	while ((n = read(fd, (char *)buf + *size, cap - *size)) > 0)
		*size += n;
	if (n < 0) {
		fprintf(stderr, "kexec: %s: %s\n", path, strerror(errno));
		free(buf);
		buf = NULL;
	}
	close(fd);
	return buf;
}

struct ram {
	const struct memory_range *ranges;
	int nr;
};

/* Is [start, end) all RAM in the ranges kexec found? */
static bool is_ram(u64 start, u64 end, void *arg)
{
	const struct ram *ram = arg;
	int i;

	for (i = 0; i < ram->nr && start < end; i++) {
		if (ram->ranges[i].type != RANGE_RAM)
			continue;
		if (ram->ranges[i].start <= start && ram->ranges[i].end >= start)
			start = ram->ranges[i].end + 1;
	}
	return start >= end;
}

/**
 * efi_ranges_load() - read and check the table to pass on
 * @opts: the --efi-ranges* options
 * @ram: the memory ranges kexec found, for the rule that freed ranges are
 *	RAM; NULL skips that rule
 * @nr_ram: how many
 *
 * The running kernel's table is optional: missing, or broken, kexec goes
 * on without it, as kexec without this file does.  A table the user named
 * with --efi-ranges must pass the kernel's rules, unless
 * --efi-ranges-unchecked asks to hand it on as it is.
 *
 * Return: 0, or -1 when the user's table cannot be used.
 */
int efi_ranges_load(const struct efi_ranges_options *opts,
		    const struct memory_range *ram, int nr_ram)
{
	const char *path = opts->file ? opts->file : EFI_RANGES_SYSFS;
	struct ram ram_arg = { ram, nr_ram };
	enum efi_bs_rule rule;
	size_t size;
	void *buf;

	if (opts->disabled || table_loaded)
		return 0;
	table_loaded = 1;

	buf = read_file(path, &size);
	if (!buf) {
		if (opts->file) {
			fprintf(stderr, "kexec: %s: %s\n", path, strerror(errno));
			return -1;
		}
		dbgprintf("%s: %s: passing no EFI range table\n", path,
			  strerror(errno));
		return 0;
	}

	rule = efi_bs_ranges_validate(buf, size, ram ? is_ram : NULL, &ram_arg);
	if (rule != EFI_BS_RULE_OK && !(opts->file && opts->unchecked)) {
		fprintf(stderr, "kexec: %s: EFI range table rejected: %s\n",
			path, efi_bs_rule_name(rule));
		free(buf);
		return opts->file ? -1 : 0;
	}
	if (rule != EFI_BS_RULE_OK)
		fprintf(stderr, "kexec: %s: passing EFI range table unchecked: %s\n",
			path, efi_bs_rule_name(rule));

	table = buf;
	table_size = size;
	dbgprintf("EFI range table from %s: %zu bytes, %s\n", path, size,
		  efi_bs_rule_name(rule));
	return 0;
}

/**
 * efi_ranges_table() - the table to pass on, or NULL
 * @size: set to its size in bytes
 */
const void *efi_ranges_table(size_t *size)
{
	*size = table_size;
	return table;
}

/**
 * efi_ranges_print() - print the table as the kernel's debugfs view does
 * @opts: the --efi-ranges* options
 * @out: where to print
 *
 * Return: 0, or -1 when there is no valid table to print.
 */
int efi_ranges_print(const struct efi_ranges_options *opts, FILE *out)
{
	const struct efi_bs_ranges_header *hdr;
	const struct efi_bs_range *r;
	char line[EFI_BS_LINE_MAX];
	uint32_t i;

	if (efi_ranges_load(opts, NULL, 0) < 0)
		return -1;
	if (!table) {
		fprintf(stderr, "kexec: %s: no valid EFI range table\n",
			opts->file ? opts->file : EFI_RANGES_SYSFS);
		return -1;
	}
	if (efi_bs_ranges_validate(table, table_size, NULL, NULL) != EFI_BS_RULE_OK) {
		fprintf(stderr, "kexec: cannot print an invalid EFI range table\n");
		return -1;
	}

	hdr = table;
	efi_bs_ranges_format_header(line, sizeof(line), hdr);
	fprintf(out, "%s\n", line);
	r = efi_bs_ranges_entries(hdr);
	for (i = 0; i < hdr->nr_entries; i++, r++) {
		efi_bs_range_format(line, sizeof(line), r);
		fprintf(out, "%s\n", line);
	}
	return 0;
}

/*
 * The running kernel's table, if it has a valid one: the table being
 * passed on when it came from sysfs (efi_ranges_load() checked it),
 * else read here; *@allocated says whether the caller frees it.
 */
static void *running_table(const struct efi_ranges_options *opts,
			   const struct memory_range *ram, int nr_ram,
			   int *allocated)
{
	struct ram ram_arg = { ram, nr_ram };
	size_t size;
	void *buf;

	*allocated = 0;
	if (!opts->file)
		return table;

	buf = read_file(EFI_RANGES_SYSFS, &size);
	if (!buf)
		return NULL;
	if (efi_bs_ranges_validate(buf, size, is_ram, &ram_arg) != EFI_BS_RULE_OK) {
		dbgprintf("%s: invalid, placing segments without it\n",
			  EFI_RANGES_SYSFS);
		free(buf);
		return NULL;
	}
	*allocated = 1;
	return buf;
}

/**
 * efi_ranges_keep_off() - keep segments off the ranges the kernel holds
 * @opts: the --efi-ranges* options
 * @range: the memory ranges kexec places segments in; replaced
 * @nr: how many
 *
 * Loads the table to pass on, remembers @range as it is for the e820
 * handed to the next kernel (efi_ranges_e820()), and takes out of it
 * every range the running kernel's own table marks kept: what the running
 * kernel holds does not depend on the table handed on, which the user may
 * have chosen.  The next kernel still sees that memory as RAM: only kexec
 * keeps off it.
 *
 * Return: 0, or -1 when the user's table cannot be used.
 */
int efi_ranges_keep_off(const struct efi_ranges_options *opts,
			struct memory_range **range, int *nr)
{
	const struct efi_bs_ranges_header *hdr;
	struct memory_ranges ranges;
	int allocated, ret = 0;
	void *running;

	if (opts->disabled)
		return 0;
	if (efi_ranges_load(opts, *range, *nr) < 0)
		return -1;
	running = running_table(opts, *range, *nr, &allocated);
	if (!running)
		return 0;

	hdr = running;
	e820_nr = *nr;
	e820_ranges = xmalloc(e820_nr * sizeof(*e820_ranges));
	memcpy(e820_ranges, *range, e820_nr * sizeof(*e820_ranges));

	ranges.size = *nr;
	ranges.max_size = *nr + hdr->nr_entries;
	ranges.ranges = xmalloc(ranges.max_size * sizeof(*ranges.ranges));
	memcpy(ranges.ranges, *range, *nr * sizeof(*ranges.ranges));
	if (efi_ranges_exclude_kept(running, &ranges) < 0) {
		free(ranges.ranges);
		ret = -1;
		goto out_free;
	}

	*range = ranges.ranges;
	*nr = ranges.size;
	dbgprint_mem_range("MEMORY RANGES without kept EFI boot services ranges",
			   *range, *nr);
out_free:
	if (allocated)
		free(running);
	return ret;
}

/**
 * efi_ranges_e820() - the ranges to describe in the next kernel's e820
 * @range: in: the ranges kexec places segments in; out: what to pass
 * @nr: how many
 *
 * The kept boot services ranges are RAM to the next kernel, which
 * reserves them itself: pass the ranges as they were before
 * efi_ranges_keep_off() took them out.
 */
void efi_ranges_e820(struct memory_range **range, int *nr)
{
	if (!e820_ranges)
		return;
	*range = e820_ranges;
	*nr = e820_nr;
}

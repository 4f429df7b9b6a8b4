// SPDX-License-Identifier: GPL-2.0
/*
 * bscheck - check the running kernel against its EFI boot-services range
 * table (/sys/firmware/efi/bs_ranges).
 *
 * Prints the table's header and totals (and the KiB below 1 MiB it calls
 * freed or reclaimed, which must be none), and the kept firmware-owned
 * ranges (for the caller to hash through /dev/mem).  What became of the
 * pages of the ranges is the leak meter's business (bscount), measured
 * over generation 1's ranges whatever this table says.
 *
 * It also checks that the table covers every boot-services range the
 * kernel log names: those efi_reserve_boot_services() reserved
 * (memblock=debug), and with efi=debug the Boot Code/Data descriptors of
 * the firmware's memory map as the kernel printed it.
 *
 * And it checks what firmware can still see of the ranges the table calls
 * freed or reclaimed, memory the page allocator owns: the boot-services
 * descriptors of /sys/firmware/efi/runtime-map (what kexec hands the next
 * kernel) and the present mappings of the 1:1 half of the EFI page tables
 * (/sys/kernel/debug/page_tables/efi, CONFIG_PTDUMP_DEBUGFS).  A kexec'd
 * kernel maps the EFI memory map it was handed there, for the runtime
 * services; kexec may have put it in such a range, and it is the kernel's
 * own: that mapping is allowed, and printed.
 *
 * Usage: bscheck [-T TABLEFILE]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "bs_ranges.h"

#define SYSLOG_ACTION_READ_ALL	3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define BOOT_PARAMS_EFI_MEMMAP	0x1d0	/* efi_info.efi_memmap, _size at +4 */
#define BOOT_PARAMS_EFI_MEMMAP_HI 0x1dc	/* efi_info.efi_memmap_hi */

/* boot-services ranges the kernel log names, and how many the table covers */
struct coverage {
	unsigned int ranges, covered;
};

static struct coverage by_memblock, by_memmap;

static void cover(const struct efi_bs_ranges_header *hdr, struct coverage *c,
		  uint64_t start, uint64_t end)
{
	c->ranges++;
	c->covered += efi_bs_ranges_covers(hdr, start, end);
}

/* From the kernel log: the coverage of the boot-services ranges it names. */
static void scan_klog(const struct efi_bs_ranges_header *hdr)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf, *line, *save = NULL, what[48];
	unsigned long long a, b;
	const char *p;
	int len;

	if (size <= 0)
		size = 1 << 23;
	buf = malloc(size + 1);
	if (!buf)
		return;
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (len < 0) {
		fprintf(stderr, "bscheck: klogctl: %s\n", strerror(errno));
		free(buf);
		return;
	}
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, "] range=[");
		if (strstr(line, "efi: mem") && (strstr(line, "[Boot Code") ||
						 strstr(line, "[Boot Data")) &&
		    p && sscanf(p, "] range=[%llx-%llx]", &a, &b) == 2) {
			cover(hdr, &by_memmap, a, b + 1);
			continue;
		}
		p = strstr(line, "memblock_reserve: [");
		if (!p || sscanf(p, "memblock_reserve: [%llx-%llx] %47[^+ ]", &a, &b, what) != 3)
			continue;
		if (!strcmp(what, "efi_reserve_boot_services"))
			cover(hdr, &by_memblock, a, b + 1);
	}
	free(buf);
}

static void *read_table(const char *path, size_t *size)
{
	size_t cap = efi_bs_ranges_size(EFI_BS_RANGES_MAX_ENTRIES) + 1;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		fprintf(stderr, "bscheck: %s: %s\n", path, strerror(errno));
		free(buf);
		return NULL;
	}
	*size = 0;
	while ((n = read(fd, buf + *size, cap - *size)) > 0)
		*size += n;
	close(fd);
	return buf;
}

#define RUNTIME_MAP	"/sys/firmware/efi/runtime-map"
#define EFI_PGT_DUMP	"/sys/kernel/debug/page_tables/efi"
#define LOW_HALF_END	0x0000800000000000ULL
#define FIRST_MIB	0x100000ULL	/* never freed: the BIOS and a crash kernel use it */
#define EFI_BS_CODE	3
#define EFI_BS_DATA	4

static uint64_t read_hex(const char *dir, const char *name)
{
	char path[512], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoull(buf, NULL, 0);
}

/* The EFI memory map this kernel was handed, from boot_params: [*start, *end) */
static void efi_memmap_range(uint64_t *start, uint64_t *end)
{
	uint32_t lo_size[2] = { 0, 0 }, hi = 0;
	uint64_t pa;
	int bp;

	*start = *end = 0;
	bp = open("/sys/kernel/boot_params/data", O_RDONLY);
	if (bp < 0)
		return;
	if (pread(bp, lo_size, sizeof(lo_size), BOOT_PARAMS_EFI_MEMMAP) == sizeof(lo_size) &&
	    pread(bp, &hi, sizeof(hi), BOOT_PARAMS_EFI_MEMMAP_HI) == sizeof(hi)) {
		pa = (uint64_t)hi << 32 | lo_size[0];
		*start = pa & ~0xfffULL;
		*end = (pa + lo_size[1] + 0xfff) & ~0xfffULL;
	}
	close(bp);
}

/* KiB of [start, end) that lies in ranges the table calls freed or reclaimed */
static uint64_t freed_kib_in(const struct efi_bs_ranges_header *hdr,
			     uint64_t start, uint64_t end)
{
	const struct efi_bs_range *r = efi_bs_ranges_entries(hdr);
	uint64_t kib = 0, s, e;
	uint32_t i;

	for (i = 0; i < hdr->nr_entries; i++, r++) {
		if (r->state == EFI_BS_STATE_KEPT)
			continue;
		s = r->phys_addr > start ? r->phys_addr : start;
		e = efi_bs_range_end(r) < end ? efi_bs_range_end(r) : end;
		if (s < e)
			kib += (e - s) >> 10;
	}
	return kib;
}

/*
 * What firmware still sees of memory the page allocator owns: boot-services
 * descriptors of runtime-map, and present 1:1 mappings in the EFI page
 * tables, inside ranges the table calls freed or reclaimed.
 */
static void check_firmware_view(const struct efi_bs_ranges_header *hdr)
{
	uint64_t map_kib = 0, pgt_kib = 0, memmap_kib = 0, type, pa, pages, kib;
	unsigned long long start, end;
	unsigned int descs = 0, in_freed = 0;
	uint64_t memmap_start, memmap_end;
	char dir[300], line[256];
	struct dirent *de;
	bool pgt = false;
	FILE *f;
	DIR *d;

	d = opendir(RUNTIME_MAP);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", RUNTIME_MAP, de->d_name);
		descs++;
		type = read_hex(dir, "type");
		pa = read_hex(dir, "phys_addr");
		pages = read_hex(dir, "num_pages");
		if (type != EFI_BS_CODE && type != EFI_BS_DATA)
			continue;
		kib = freed_kib_in(hdr, pa, pa + (pages << 12));
		in_freed += !!kib;
		map_kib += kib;
	}
	if (d)
		closedir(d);

	efi_memmap_range(&memmap_start, &memmap_end);
	f = fopen(EFI_PGT_DUMP, "r");
	while (f && fgets(line, sizeof(line), f)) {
		pgt = true;
		if (sscanf(line, "0x%llx-0x%llx", &start, &end) != 2 ||
		    start >= LOW_HALF_END)
			continue;
		/* a present mapping shows its protection: RW or ro */
		if (!strstr(line, " RW ") && !strstr(line, " ro "))
			continue;
		pgt_kib += freed_kib_in(hdr, start, end);
		if (start < memmap_end && end > memmap_start)
			memmap_kib += freed_kib_in(hdr, start > memmap_start ? start : memmap_start,
						   end < memmap_end ? end : memmap_end);
	}
	if (f)
		fclose(f);

	printf("T: FWVIEW runtime_map=%u bs_in_freed=%u bs_in_freed_kib=%" PRIu64
	       " efi_pgt=%s mapped_freed_kib=%" PRIu64 " efi_memmap=%#" PRIx64 "-%#" PRIx64
	       " efi_memmap_kib=%" PRIu64 "\n",
	       descs, in_freed, map_kib, pgt ? "yes" : "no", pgt_kib - memmap_kib,
	       memmap_start, memmap_end, memmap_kib);
}

int main(int argc, char **argv)
{
	const char *path = "/sys/firmware/efi/bs_ranges";
	uint64_t kib[EFI_BS_STATE_RECLAIMED + 1] = { 0 }, mine_kib = 0;
	const struct efi_bs_ranges_header *hdr;
	const struct efi_bs_range *r;
	unsigned int firmware = 0;
	enum efi_bs_rule rule;
	int opt;
	size_t size;
	uint32_t i;

	while ((opt = getopt(argc, argv, "T:")) != -1) {
		if (opt != 'T') {
			fprintf(stderr, "usage: bscheck [-T TABLEFILE]\n");
			return 2;
		}
		path = optarg;
	}
	hdr = read_table(path, &size);
	if (!hdr)
		return 2;
	rule = efi_bs_ranges_validate(hdr, size, NULL, NULL);
	if (rule != EFI_BS_RULE_OK) {
		printf("T: BSTABLE rule=\"%s\"\n", efi_bs_rule_name(rule));
		return 1;
	}
	scan_klog(hdr);

	r = efi_bs_ranges_entries(hdr);
	for (i = 0; i < hdr->nr_entries; i++, r++) {
		kib[r->state] += r->num_pages << 2;
		if (r->state != EFI_BS_STATE_KEPT && r->generation == hdr->generation)
			mine_kib += r->num_pages << 2;
		if (r->state == EFI_BS_STATE_KEPT &&
		    r->reason >= EFI_BS_REASON_FIRMWARE &&
		    r->reason <= EFI_BS_REASON_FW_MEMATTR) {
			firmware++;
			printf("T: FWRANGE %#llx %llu %s\n",
			       (unsigned long long)r->phys_addr,
			       (unsigned long long)r->num_pages,
			       efi_bs_reason_name(r->reason));
		}
	}
	check_firmware_view(hdr);
	printf("T: COVERAGE source=memblock descriptors=%u covered=%u\n",
	       by_memblock.ranges, by_memblock.covered);
	if (by_memmap.ranges)
		printf("T: COVERAGE-MEMMAP source=efi-debug descriptors=%u covered=%u\n",
		       by_memmap.ranges, by_memmap.covered);
	printf("T: BSTABLE generation=%u entries=%u crc=%#010x"
	       " freed_kib=%" PRIu64 " kept_kib=%" PRIu64 " reclaimed_kib=%" PRIu64
	       " mine_kib=%" PRIu64 " firmware=%u below_1m_freed_kib=%" PRIu64 "\n",
	       hdr->generation, hdr->nr_entries, hdr->crc32,
	       kib[EFI_BS_STATE_FREED], kib[EFI_BS_STATE_KEPT],
	       kib[EFI_BS_STATE_RECLAIMED], mine_kib, firmware,
	       freed_kib_in(hdr, 0, FIRST_MIB));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * bscheck - check the running kernel against its EFI boot-services range
 * table (/sys/firmware/efi/bs_ranges).
 *
 * Prints the table's header and totals, the kept firmware-owned ranges
 * (for the caller to hash through /dev/mem), and counts the pages at or
 * above 1 MiB still PG_reserved inside ranges the table calls freed or
 * reclaimed.  A kexec'd kernel may have put its own reservations there
 * (it is plain RAM to it): those are listed and explained by
 *  - memblock_reserve() lines of the kernel log (boot with memblock=debug),
 *    except those of efi_reserve_boot_services();
 *  - the kernel image, from /proc/iomem;
 *  - the setup_data nodes, walked from /sys/kernel/boot_params/data
 *    through /dev/mem.
 * Whatever is left is "unexplained": a leak, the thing this project
 * exists to prevent.  A kdump kernel's table describes the crashed
 * kernel's memory, not its own: no pages are counted there.
 *
 * It also checks that the table covers every boot-services range the
 * kernel log names: those efi_reserve_boot_services() reserved
 * (memblock=debug), and with efi=debug the Boot Code/Data descriptors of
 * the firmware's memory map as the kernel printed it.
 *
 * Usage: bscheck [-T TABLEFILE]
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/klog.h>

#include "kpageflags.h"
#include "bs_ranges.h"

#define MAX_OWN			4096
#define SYSLOG_ACTION_READ_ALL	3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define BOOT_PARAMS_SETUP_DATA	0x250	/* offset of hdr.setup_data */

struct own {
	uint64_t start, end;	/* [start, end) */
	char what[48];
};

static struct own own[MAX_OWN];
static int nr_own;

/* boot-services ranges the kernel log names, and how many the table covers */
struct coverage {
	unsigned int ranges, covered;
};

static struct coverage by_memblock, by_memmap;

static void add_own(uint64_t start, uint64_t end, const char *what)
{
	if (nr_own == MAX_OWN || start >= end)
		return;
	own[nr_own].start = start;
	own[nr_own].end = end;
	snprintf(own[nr_own].what, sizeof(own[nr_own].what), "%s", what);
	nr_own++;
}

static bool pfn_is_own(uint64_t pfn, void *arg)
{
	uint64_t addr = pfn << PAGE_SHIFT;
	int i;

	(void)arg;
	for (i = 0; i < nr_own; i++)
		if (addr + 4096 > own[i].start && addr < own[i].end)
			return true;
	return false;
}

static void cover(const struct efi_bs_ranges_header *hdr, struct coverage *c,
		  uint64_t start, uint64_t end)
{
	c->ranges++;
	c->covered += efi_bs_ranges_covers(hdr, start, end);
}

/*
 * From the kernel log: this kernel's own reservations, and the coverage
 * of the boot-services ranges it names.
 */
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
		else
			add_own(a, b + 1, what);
	}
	free(buf);
}

static void own_from_iomem(void)
{
	unsigned long long a, b, start = 0, end = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f) {
		fprintf(stderr, "bscheck: /proc/iomem: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, ": Kernel ") || sscanf(line, " %llx-%llx", &a, &b) != 2)
			continue;
		if (!start || a < start)
			start = a;
		if (b + 1 > end)
			end = b + 1;
	}
	fclose(f);
	add_own(start, end, "kernel-image");
}

static void own_from_setup_data(void)
{
	struct { uint64_t next; uint32_t type, len; } sd;
	uint64_t pa = 0;
	char what[48];
	int bp, mem;

	bp = open("/sys/kernel/boot_params/data", O_RDONLY);
	mem = open("/dev/mem", O_RDONLY);
	if (bp < 0 || mem < 0 ||
	    pread(bp, &pa, sizeof(pa), BOOT_PARAMS_SETUP_DATA) != sizeof(pa)) {
		fprintf(stderr, "bscheck: setup_data: %s\n", strerror(errno));
		goto out;
	}
	while (pa) {
		if (pread(mem, &sd, sizeof(sd), pa) != sizeof(sd)) {
			fprintf(stderr, "bscheck: /dev/mem at %#" PRIx64 ": %s\n",
				pa, strerror(errno));
			break;
		}
		snprintf(what, sizeof(what), "setup_data:%#x", sd.type);
		add_own(pa, pa + sizeof(sd) + sd.len, what);
		pa = sd.next;
	}
out:
	if (bp >= 0)
		close(bp);
	if (mem >= 0)
		close(mem);
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

/* List each own reservation that overlaps a freed or reclaimed range. */
static void print_own_in(const struct efi_bs_ranges_header *hdr)
{
	const struct efi_bs_range *r;
	int i;

	for (i = 0; i < nr_own; i++) {
		r = efi_bs_ranges_find_freed(hdr, own[i].start, own[i].end);
		if (r)
			printf("T: OWN %#" PRIx64 "-%#" PRIx64 " kib=%" PRIu64 " what=%s\n",
			       own[i].start, own[i].end - 1,
			       (own[i].end - own[i].start + 1023) >> 10, own[i].what);
	}
}

int main(int argc, char **argv)
{
	const char *path = "/sys/firmware/efi/bs_ranges";
	uint64_t kib[EFI_BS_STATE_RECLAIMED + 1] = { 0 }, mine_kib = 0;
	const struct efi_bs_ranges_header *hdr;
	struct page_counts c = { 0 };
	const struct efi_bs_range *r;
	unsigned int firmware = 0;
	enum efi_bs_rule rule;
	int opt, kpf;
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
	kpf = kpf_open();
	if (kpf < 0)
		return 2;

	scan_klog(hdr);
	own_from_iomem();
	own_from_setup_data();

	r = efi_bs_ranges_entries(hdr);
	for (i = 0; i < hdr->nr_entries; i++, r++) {
		kib[r->state] += r->num_pages << 2;
		if (r->state != EFI_BS_STATE_KEPT && r->generation == hdr->generation)
			mine_kib += r->num_pages << 2;
		if (r->state == EFI_BS_STATE_KEPT) {
			if (r->reason >= EFI_BS_REASON_FIRMWARE &&
			    r->reason <= EFI_BS_REASON_FW_MEMATTR) {
				firmware++;
				printf("T: FWRANGE %#llx %llu %s\n",
				       (unsigned long long)r->phys_addr,
				       (unsigned long long)r->num_pages,
				       efi_bs_reason_name(r->reason));
			}
			continue;
		}
		if (hdr->flags & EFI_BS_RANGES_F_CRASH)
			continue;
		if (kpf_count(kpf, r->phys_addr, efi_bs_range_end(r), &c,
			      pfn_is_own, NULL))
			return 2;
	}
	print_own_in(hdr);
	printf("T: COVERAGE source=memblock descriptors=%u covered=%u\n",
	       by_memblock.ranges, by_memblock.covered);
	if (by_memmap.ranges)
		printf("T: COVERAGE-MEMMAP source=efi-debug descriptors=%u covered=%u\n",
		       by_memmap.ranges, by_memmap.covered);
	printf("T: BSTABLE generation=%u flags=%#x entries=%u crc=%#010x"
	       " freed_kib=%" PRIu64 " kept_kib=%" PRIu64 " reclaimed_kib=%" PRIu64
	       " mine_kib=%" PRIu64 " firmware=%u pages=%" PRIu64 " reserved=%" PRIu64
	       " own=%" PRIu64 " unexplained=%" PRIu64 "\n",
	       hdr->generation, hdr->flags, hdr->nr_entries, hdr->crc32,
	       kib[EFI_BS_STATE_FREED], kib[EFI_BS_STATE_KEPT],
	       kib[EFI_BS_STATE_RECLAIMED], mine_kib, firmware, c.pages, c.reserved,
	       c.reserved - c.unexplained, c.unexplained);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * bscount - the leak meter: what became of the pages of generation 1's
 * EFI boot-services ranges, in this generation.
 *
 * The ranges are those generation 1's efi_reserve_boot_services()
 * reserved to free later, read from its kernel log (memblock=debug) and
 * carried to later generations in a file (-S saves, -f reads), so that
 * every generation is measured over the same memory, whatever its own
 * range table says.  Each page at or above 1 MiB is classified through
 * /proc/kpageflags: PG_reserved, buddy (free; on 6.12 every page of a
 * free block reports KPF_BUDDY, see fs/proc/page.c), nopage (no struct
 * page) or other (in use).
 *
 * A kexec'd kernel sees generation 1's ranges as plain RAM and may
 * reserve some of them for itself.  A reserved page is allowed only if one
 * of these owners explains it, each printed with its range and the pages
 * it explains:
 *  - the kernel image, from /proc/iomem, and its brk area, reserved
 *    right after it;
 *  - the setup_data nodes, walked from /sys/kernel/boot_params/data
 *    through /dev/mem;
 *  - the initrd, from boot_params, until the kernel logs freeing it;
 *  - the early allocations named in early_owners[] below, from this
 *    kernel's memblock=debug log, and its NODE_DATA (logged apart).
 * Every other reserved page is "unexplained": a leak, the thing this
 * project exists to prevent.  The log must be complete (it starts with
 * the kernel's banner): a log that lost its beginning would hide owners
 * and, in generation 1, ranges.
 *
 * Usage: bscount [-f RANGEFILE] [-S SAVEFILE] [-v]
 * Prints, -v adding a BSRANGE line per range:
 *   T: ALLOW start-end pages=N what=OWNER     (for each owner explaining pages)
 *   T: UNEXPLAINED start-end pages=N what=CALLER (reservations the log names)
 *   T: BSCOUNT source=S klog=complete|truncated ranges=N kib=K pages=P
 *      reserved=R buddy=B other=O nopage=X allowed=A unexplained=U
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/klog.h>

#include "kpageflags.h"

#define MAX_RANGES	1024
#define MAX_OWNERS	4096
#define SYSLOG_ACTION_READ_ALL	3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define BOOT_PARAMS_EXT_RAMDISK_IMAGE	0x0c0
#define BOOT_PARAMS_EXT_RAMDISK_SIZE	0x0c4
#define BOOT_PARAMS_RAMDISK_IMAGE	0x218
#define BOOT_PARAMS_RAMDISK_SIZE	0x21c
#define BOOT_PARAMS_SETUP_DATA		0x250

/*
 * The early allocations a kernel makes for itself wherever memblock finds
 * room, named by the function that asked memblock (the caller printed on
 * the memblock_alloc line before the reservation): the memory map, page
 * tables and per-CPU areas of this kernel, the copy of the EFI memory map
 * it keeps.  A firmware-table parser is not here: what it reserves in
 * generation 1's ranges is a leak unless generation 1 reserved it too.
 */
static const char *const early_owners[] = {
	"alloc_low_pages",		/* direct-map page tables */
	"init_mem_mapping",
	"spp_getpage",			/* fixmap page tables */
	"memmap_alloc",			/* struct pages (vmemmap) */
	"vmemmap_alloc_block_zero",	/* and their page tables */
	"sparse_init",			/* section usemaps */
	"sparse_init_nid",
	"sparse_index_alloc",
	"pcpu_embed_first_chunk",	/* per-CPU areas */
	"pcpu_setup_first_chunk",
	"pcpu_alloc_first_chunk",
	"start_kernel",			/* the command line's copies */
	"alloc_large_system_hash",	/* dentry, inode, pid hashes */
	"efi_memblock_x86_reserve_range", /* the EFI memory map it was handed */
	"reserve_crashkernel_generic",	/* crashkernel= */
};

struct range {
	uint64_t start, end;	/* [start, end) */
	char what[48];
	uint64_t pages;		/* reserved pages in the counted ranges it explains */
};

static struct range ranges[MAX_RANGES];
static int nr_ranges;
static struct range owners[MAX_OWNERS], unnamed[MAX_OWNERS];
static int nr_owners, nr_unnamed;
static bool klog_complete;
static uint64_t kernel_end;	/* of the image /proc/iomem shows */

static int add(struct range *set, int *nr, int max, uint64_t start,
	       uint64_t end, const char *what)
{
	if (start >= end)
		return 0;
	if (*nr == max) {
		fprintf(stderr, "bscount: more than %d ranges of %s\n", max, what);
		return -1;
	}
	set[*nr].start = start;
	set[*nr].end = end;
	set[*nr].pages = 0;
	snprintf(set[*nr].what, sizeof(set[*nr].what), "%s", what);
	(*nr)++;
	return 0;
}

static char *read_klog(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	int len;

	if (size <= 0)
		size = 1 << 22;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (len < 0) {
		fprintf(stderr, "bscount: klogctl: %s\n", strerror(errno));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static bool is_early_owner(const char *caller)
{
	size_t i;

	for (i = 0; i < sizeof(early_owners) / sizeof(early_owners[0]); i++)
		if (!strcmp(caller, early_owners[i]))
			return true;
	return false;
}

/*
 * A reservation line, "memblock_reserve: [a-b] CALLER+off/len", with 7.3's
 * "nid=N flags=F " before CALLER: its range and CALLER.
 */
static bool reserve_line(const char *p, unsigned long long *a,
			 unsigned long long *b, char who[48])
{
	int n = -1;

	if (sscanf(p, "memblock_reserve: [%llx-%llx] %n", a, b, &n) != 2 || n < 0)
		return false;
	p += n;
	if (!strncmp(p, "nid=", 4)) {
		p = strstr(p, " flags=");
		p = p ? strchr(p + 1, ' ') : NULL;
		if (!p)
			return false;
		p++;
	}
	return sscanf(p, "%47[^+. ]", who) == 1;
}

/*
 * memblock=debug prints "memblock_alloc_try_nid: N bytes ... CALLER+off/len"
 * (or another allocator's name), then the reservation it makes:
 * "memblock_reserve: [a-b] memblock_alloc_range_nid+off/len".  A direct
 * memblock_reserve() names its own caller.  7.3 names the reservation
 * "__memblock_reserve" and puts "nid=N flags=F " before the caller.
 */
/*
 * 7.3's memblock_alloc_or_panic() allocates in a function of its own, and
 * memblock=debug names that function, not its caller: the mem_section
 * roots (sparse_init on 6.12), the command line's copies, the per-CPU
 * first chunk's maps, and a few small ACPI tables.  Some 20 KiB in 15
 * allocations a boot here; what goes through it is believed up to three
 * times that in all, so that a leak of a predecessor's ranges, megabytes,
 * cannot hide behind it.
 */
#define WRAPPED_MAX_BYTES	(64ULL << 10)

static int scan_klog(char *log, bool want_ranges, bool *initrd_freed)
{
	char *save = NULL, *line, caller[48] = "", who[48], what[64];
	unsigned long long a, b, wrapped = 0;
	const char *p;
	int ret = 0;

	klog_complete = strstr(log, "Linux version ") &&
		strstr(log, "Linux version ") < strchr(log, '\n') + 1;
	*initrd_freed = strstr(log, "Freeing initrd memory") != NULL;
	for (line = strtok_r(log, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, "] NODE_DATA(");
		if (p && sscanf(p, "] NODE_DATA(%*d) allocated [mem %llx-%llx]", &a, &b) == 2) {
			/* allocated through a path that logs no caller */
			ret = add(owners, &nr_owners, MAX_OWNERS, a, b + 1, "early:node-data");
			continue;
		}
		p = strstr(line, "] memblock_");
		if (p)
			p += 2;
		else if ((p = strstr(line, "] __memblock_reserve: ")))
			p += 4;	/* 7.3's name for it */
		else
			continue;
		if (reserve_line(p, &a, &b, who)) {
			/* an allocation's caller is on the line right before */
			if (!strcmp(who, "memblock_alloc_range_nid") && caller[0])
				snprintf(who, sizeof(who), "%s", caller);
			caller[0] = '\0';
			if (!strcmp(who, "efi_reserve_boot_services")) {
				if (want_ranges)
					ret = add(ranges, &nr_ranges, MAX_RANGES, a, b + 1, "bs");
			} else if (!strcmp(who, "setup_arch") &&
				   a == ((kernel_end + 4095) & ~4095ULL)) {
				/* reserve_brk(): the image's brk area */
				ret = add(owners, &nr_owners, MAX_OWNERS, a, b + 1,
					  "kernel-image:brk");
			} else if (is_early_owner(who)) {
				snprintf(what, sizeof(what), "early:%s", who);
				ret = add(owners, &nr_owners, MAX_OWNERS, a, b + 1, what);
			} else if (!strcmp(who, "__memblock_alloc_or_panic") &&
				   wrapped + (b + 1 - a) <= WRAPPED_MAX_BYTES) {
				wrapped += b + 1 - a;
				ret = add(owners, &nr_owners, MAX_OWNERS, a, b + 1,
					  "early:memblock_alloc_or_panic");
			} else {
				ret = add(unnamed, &nr_unnamed, MAX_OWNERS, a, b + 1, who);
			}
			continue;
		}
		/* an allocator's line: its caller is the last word, up to '+' */
		caller[0] = '\0';
		if (strstr(p, " bytes ")) {
			const char *w = strrchr(p, ' ');

			if (w && sscanf(w + 1, "%47[^+.]", caller) != 1)
				caller[0] = '\0';
		}
	}
	return ret;
}

static int ranges_from_file(const char *path)
{
	unsigned long long a, b;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f) {
		fprintf(stderr, "bscount: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (!ret && fscanf(f, "%llx %llx", &a, &b) == 2)
		ret = add(ranges, &nr_ranges, MAX_RANGES, a, b + 1, "bs");
	fclose(f);
	return ret;
}

static int save_ranges(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f) {
		fprintf(stderr, "bscount: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < nr_ranges; i++)
		fprintf(f, "%" PRIx64 " %" PRIx64 "\n", ranges[i].start, ranges[i].end - 1);
	return fclose(f);
}

static int owner_from_iomem(void)
{
	unsigned long long a, b, start = 0, end = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f) {
		fprintf(stderr, "bscount: /proc/iomem: %s\n", strerror(errno));
		return -1;
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
	if (!end) {
		fprintf(stderr, "bscount: no kernel image in /proc/iomem\n");
		return -1;
	}
	kernel_end = end;
	return add(owners, &nr_owners, MAX_OWNERS, start, end, "kernel-image");
}

static int pread_u32(int fd, off_t off, uint32_t *v)
{
	return pread(fd, v, sizeof(*v), off) == sizeof(*v) ? 0 : -1;
}

/* The setup_data nodes, and the initrd until the kernel freed it. */
static int owners_from_boot_params(bool initrd_freed)
{
	struct { uint64_t next; uint32_t type, len; } sd;
	uint32_t img, size, ext_img, ext_size;
	uint64_t pa = 0;
	char what[48];
	int bp, mem, ret = -1;

	bp = open("/sys/kernel/boot_params/data", O_RDONLY);
	mem = open("/dev/mem", O_RDONLY);
	if (bp < 0 || mem < 0 ||
	    pread(bp, &pa, sizeof(pa), BOOT_PARAMS_SETUP_DATA) != sizeof(pa) ||
	    pread_u32(bp, BOOT_PARAMS_RAMDISK_IMAGE, &img) ||
	    pread_u32(bp, BOOT_PARAMS_RAMDISK_SIZE, &size) ||
	    pread_u32(bp, BOOT_PARAMS_EXT_RAMDISK_IMAGE, &ext_img) ||
	    pread_u32(bp, BOOT_PARAMS_EXT_RAMDISK_SIZE, &ext_size)) {
		fprintf(stderr, "bscount: boot_params: %s\n", strerror(errno));
		goto out;
	}
	ret = 0;
	if (!initrd_freed) {
		uint64_t start = (uint64_t)ext_img << 32 | img;

		ret = add(owners, &nr_owners, MAX_OWNERS, start,
			  start + ((uint64_t)ext_size << 32 | size), "initrd");
	}
	while (pa && !ret) {
		if (pread(mem, &sd, sizeof(sd), pa) != sizeof(sd)) {
			fprintf(stderr, "bscount: /dev/mem at %#" PRIx64 ": %s\n",
				pa, strerror(errno));
			ret = -1;
			break;
		}
		snprintf(what, sizeof(what), "setup_data:%#x", sd.type);
		ret = add(owners, &nr_owners, MAX_OWNERS, pa, pa + sizeof(sd) + sd.len, what);
		pa = sd.next;
	}
out:
	if (bp >= 0)
		close(bp);
	if (mem >= 0)
		close(mem);
	return ret;
}

static struct range *find(struct range *set, int nr, uint64_t addr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (addr + 4096 > set[i].start && addr < set[i].end)
			return &set[i];
	return NULL;
}

/* A reserved page an owner explains; the reservations of unlisted callers
 * are noted, to name what a leak is made of. */
static bool pfn_is_owned(uint64_t pfn, void *arg)
{
	struct range *r = find(owners, nr_owners, pfn << PAGE_SHIFT);

	(void)arg;
	if (r) {
		r->pages++;
		return true;
	}
	r = find(unnamed, nr_unnamed, pfn << PAGE_SHIFT);
	if (r)
		r->pages++;
	return false;
}

static void print_set(const char *marker, const struct range *set, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (set[i].pages)
			printf("T: %s %#" PRIx64 "-%#" PRIx64 " pages=%" PRIu64 " what=%s\n",
			       marker, set[i].start, set[i].end - 1, set[i].pages,
			       set[i].what);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *save = NULL, *source = "klog";
	struct page_counts total = { 0 };
	bool verbose = false, initrd_freed;
	uint64_t bytes = 0;
	int opt, kpf, i;
	char *log;

	while ((opt = getopt(argc, argv, "f:S:v")) != -1) {
		switch (opt) {
		case 'f': file = optarg; source = "file"; break;
		case 'S': save = optarg; break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: bscount [-f RANGEFILE] [-S SAVEFILE] [-v]\n");
			return 2;
		}
	}
	if (file && ranges_from_file(file))
		return 2;
	log = read_klog();
	if (!log || owner_from_iomem() || scan_klog(log, !file, &initrd_freed))
		return 2;
	free(log);
	if (save && save_ranges(save))
		return 2;
	if (owners_from_boot_params(initrd_freed))
		return 2;

	kpf = kpf_open();
	if (kpf < 0)
		return 2;
	for (i = 0; i < nr_ranges; i++) {
		struct page_counts c = { 0 };

		if (kpf_count(kpf, ranges[i].start, ranges[i].end, &c, pfn_is_owned, NULL))
			return 2;
		bytes += ranges[i].end - ranges[i].start;
		if (verbose)
			printf("T: BSRANGE %#" PRIx64 "-%#" PRIx64 " pages=%" PRIu64
			       " reserved=%" PRIu64 " buddy=%" PRIu64 " other=%" PRIu64
			       " unexplained=%" PRIu64 "\n",
			       ranges[i].start, ranges[i].end - 1, c.pages, c.reserved,
			       c.buddy, c.other, c.unexplained);
		total.pages += c.pages;
		total.reserved += c.reserved;
		total.buddy += c.buddy;
		total.other += c.other;
		total.nopage += c.nopage;
		total.unexplained += c.unexplained;
	}
	print_set("ALLOW", owners, nr_owners);
	print_set("UNEXPLAINED", unnamed, nr_unnamed);
	printf("T: BSCOUNT source=%s klog=%s ranges=%d kib=%" PRIu64 " pages=%" PRIu64
	       " reserved=%" PRIu64 " buddy=%" PRIu64 " other=%" PRIu64
	       " nopage=%" PRIu64 " allowed=%" PRIu64 " unexplained=%" PRIu64 "\n",
	       source, klog_complete ? "complete" : "truncated", nr_ranges,
	       bytes >> 10, total.pages, total.reserved, total.buddy, total.other,
	       total.nopage, total.reserved - total.unexplained, total.unexplained);
	return nr_ranges ? 0 : 1;
}

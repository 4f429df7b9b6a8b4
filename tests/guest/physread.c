// SPDX-License-Identifier: GPL-2.0
/*
 * physread - copy LEN bytes at physical address ADDR to stdout, through
 * a mapping of /dev/mem.
 *
 * read() of /dev/mem stops at the kernel's high_memory
 * (valid_phys_addr_range()).  A capture kernel's high_memory is the end
 * of its own RAM, the crashkernel area, on 7.3 (set_high_memory() takes
 * memblock_end_of_DRAM()); the crashed kernel's Reserved ranges, a kept
 * firmware table among them, lie beyond it and are not in /proc/vmcore
 * either, which holds System RAM alone.  mmap() of /dev/mem has no such
 * limit on x86 without CONFIG_STRICT_DEVMEM (kernel/config/base.config).
 * /dev/mem is opened without O_SYNC, so that the kernel picks the
 * mapping's cache type and, with PAT, matches its own mapping of the
 * range (the BGRT image's) instead of refusing a conflicting one.
 *
 * Usage: physread ADDR LEN     (ADDR and LEN as strtoull() reads them)
 * Maps and copies a 1 MiB window at a time; exits 1, after what it could
 * copy, if a mapping or a write fails, 2 on a bad command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WINDOW	(1UL << 20)

static int parse(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static int write_all(const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Copies physical [FROM, TO), which lie in one window, from /dev/mem FD */
static int copy_window(int fd, uint64_t from, uint64_t to)
{
	uint64_t page = from & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
	unsigned char *map;
	int ret = 0;

	map = mmap(NULL, to - page, PROT_READ, MAP_SHARED, fd, page);
	if (map == MAP_FAILED) {
		fprintf(stderr, "physread: mmap 0x%" PRIx64 "-0x%" PRIx64 ": %s\n",
			page, to - 1, strerror(errno));
		return -1;
	}
	if (write_all(map + (from - page), to - from)) {
		fprintf(stderr, "physread: write: %s\n", strerror(errno));
		ret = -1;
	}
	munmap(map, to - page);
	return ret;
}

int main(int argc, char **argv)
{
	uint64_t addr, len, end, base, from, to;
	int fd, ret = 0;

	if (argc != 3 || parse(argv[1], &addr) || parse(argv[2], &len) ||
	    addr + len < addr) {
		fprintf(stderr, "usage: physread ADDR LEN\n");
		return 2;
	}
	if (!len)
		return 0;
	fd = open("/dev/mem", O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "physread: /dev/mem: %s\n", strerror(errno));
		return 1;
	}
	end = addr + len;
	for (base = addr & ~(uint64_t)(WINDOW - 1); ; base += WINDOW) {
		from = base > addr ? base : addr;
		to = end - base > WINDOW ? base + WINDOW : end;
		if (copy_window(fd, from, to)) {
			ret = 1;
			break;
		}
		if (to == end)
			break;
	}
	close(fd);
	return ret;
}

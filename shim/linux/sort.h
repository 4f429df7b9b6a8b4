/* Host shim: sort() on top of qsort(); no swap callback is used. */
#ifndef _HOST_SHIM_LINUX_SORT_H
#define _HOST_SHIM_LINUX_SORT_H
#include <stdlib.h>

static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}
#endif

/* Host shim: the kernel's fixed-width types over the UAPI ones. */
#ifndef _HOST_SHIM_LINUX_TYPES_H
#define _HOST_SHIM_LINUX_TYPES_H
#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

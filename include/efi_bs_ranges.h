/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * EFI boot-services range table: what became of every EFI_BOOT_SERVICES_
 * CODE/DATA range, handed from one kernel to the next across kexec.
 *
 * The table is a header followed by nr_entries entries, sorted by
 * phys_addr and not overlapping.  Fields are in the byte order of the
 * x86 kernel that wrote the table, little endian.  The CRC is the
 * IEEE 802.3 CRC-32 (as zlib's crc32()) over the header and the entries,
 * computed with the crc32 field zero.  A version fixes the sizes of both.
 *
 * Readable by root at /sys/firmware/efi/bs_ranges and passed to the next
 * kernel as setup_data of type SETUP_EFI_BS_RANGES (asm/setup_data.h); the
 * kernel's Documentation/ABI/testing/sysfs-firmware-efi describes the file.
 */
#ifndef _UAPI_ASM_X86_EFI_BS_RANGES_H
#define _UAPI_ASM_X86_EFI_BS_RANGES_H

#include <linux/types.h>

#define EFI_BS_RANGES_MAGIC		0x52534245	/* "EBSR" */
#define EFI_BS_RANGES_VERSION		1
#define EFI_BS_RANGES_MAX_ENTRIES	4096

/* entry state */
#define EFI_BS_STATE_FREED		1	/* given to the page allocator */
#define EFI_BS_STATE_KEPT		2	/* still reserved, see reason */
#define EFI_BS_STATE_RECLAIMED		3	/* kept by a predecessor, freed later */

/* entry reason: why a range is (or, when reclaimed, was) kept */
#define EFI_BS_REASON_NONE		0	/* freed */
#define EFI_BS_REASON_FIRMWARE		1	/* reserved by firmware, owner unknown */
#define EFI_BS_REASON_FW_ESRT		2	/* holds the ESRT */
#define EFI_BS_REASON_FW_BGRT		3	/* holds the BGRT image */
#define EFI_BS_REASON_FW_MOKVAR		4	/* holds the MOK variable table */
#define EFI_BS_REASON_FW_TPM_LOG	5	/* holds a TPM event log */
#define EFI_BS_REASON_FW_MEMATTR	6	/* holds the Memory Attributes table */
#define EFI_BS_REASON_BELOW_1M		7	/* x86 keeps the first 1 MiB */
#define EFI_BS_REASON_TRAMPOLINE	8	/* real-mode trampoline */
#define EFI_BS_REASON_KERNEL_IMAGE	9	/* overlaps the kernel image */
#define EFI_BS_REASON_KERNEL_DATA	10	/* overlaps initrd or setup_data */
#define EFI_BS_REASON_NOT_RAM		11	/* not all E820 RAM */
#define EFI_BS_REASON_EFI_DEBUG		12	/* booted with efi=debug */
#define EFI_BS_REASON_NO_TABLE		13	/* kexec'd without a valid table */
#define EFI_BS_REASON_MAX		13

struct efi_bs_ranges_header {
	__u32 magic;		/* 0x00 EFI_BS_RANGES_MAGIC */
	__u32 version;		/* 0x04 EFI_BS_RANGES_VERSION */
	__u32 nr_entries;	/* 0x08 */
	__u32 generation;	/* 0x0c 1 for a kernel booted by firmware */
	__u32 crc32;		/* 0x10 */
	__u32 reserved;		/* 0x14 zero; aligns the entries */
};				/* 0x18 */

struct efi_bs_range {
	__u64 phys_addr;	/* 0x00 4 KiB aligned */
	__u64 num_pages;	/* 0x08 4 KiB pages, not 0 */
	__u64 attribute;	/* 0x10 EFI memory attribute of the descriptor */
	__u32 type;		/* 0x18 EFI_BOOT_SERVICES_CODE (3) or _DATA (4) */
	__u16 state;		/* 0x1c EFI_BS_STATE_* */
	__u16 reason;		/* 0x1e EFI_BS_REASON_* */
	__u32 generation;	/* 0x20 the generation that set the state */
	__u32 reserved;		/* 0x24 zero */
};				/* 0x28 */

#endif /* _UAPI_ASM_X86_EFI_BS_RANGES_H */

#!/bin/bash
# kexec-tools.sh - kexec_load must keep its segments off the boot-services
# ranges the running kernel keeps.  Generation 1 (ours, 512 MB) kexecs
# with kexec -l and --mem-min/--mem-max packing segments into the 64 MiB
# below the end of the range holding the EFI Memory Attributes table:
# with Debian's kexec-tools a segment lands on it and generation 2 finds
# the table damaged (its hash changes, and the kernel complains when the
# garbage reads as a bad version); with ours, generation 2 finds it as
# generation 1 left it.
#
# Usage: tests/kexec-tools.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
set -eu

RUN_DIR=$1
IMAGES=$2
MEM=512M

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"

steered_hop()
{
	local tools=$1 b=steer-$1

	qemu_boot $b "$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" $MEM \
		"console=ttyS0 t.mode=kexec t.hops=1 t.kexec=$tools t.steer=firmware:memattr" 2 &&
		tap_pass "$tools kexec-tools: kexec -l with segments packed below the memattr range ($(qemu_field $b STEER 1 range)), generation 2 booted" ||
		tap_fail "$tools kexec-tools: kexec -l with segments packed below the memattr range, generation 2 booted"
}

# the hash of the kept memattr range in generation GEN, if it was read whole
memattr_hash()
{
	qemu_lines "$1" FWHASH "$2" |
		awk '$3 == "firmware:memattr" && $5 == "bytes=" $2 * 4096 { print $4 }'
}

complaint()
{
	qemu_lines "$1" DMESG 2 | grep -o 'Unexpected EFI Memory Attributes table version.*' || true
}

# damaged HASH1 HASH2 COMPLAINT: both generations hashed the table, and
# generation 2 found another hash or complained of it
damaged()
{
	[ -n "$1" ] || { echo "no FWHASH of firmware:memattr in generation 1"; return 1; }
	[ -n "$2" ] || { echo "no FWHASH of firmware:memattr in generation 2"; return 1; }
	[ "$1" != "$2" ] || [ -n "$3" ]
}

# intact HASH1 HASH2: both generations hashed the table, the same
intact()
{
	[ -n "$1" ] || { echo "no FWHASH of firmware:memattr in generation 1"; return 1; }
	[ -n "$2" ] || { echo "no FWHASH of firmware:memattr in generation 2"; return 1; }
	[ "$1" = "$2" ]
}

# delivered BOOT: generation 2 says it inherited generation 1's table
delivered()
{
	qemu_lines "$1" DMESG 2 | grep -q 'Inherited boot services range table: generation 1,'
}

# no_complaint MODE COMPLAINT: generation 2 ran /init and the kernel
# said nothing of the table
no_complaint()
{
	[ -n "$1" ] || { echo "no INIT line of generation 2"; return 1; }
	[ -z "$2" ]
}

steered_hop stock
steered_hop ours
said=$(complaint steer-stock)
tap_check "stock kexec-tools damages the Memory Attributes table: hash $(memattr_hash steer-stock 1 | cut -c1-12) -> $(memattr_hash steer-stock 2 | cut -c1-12)${said:+; the kernel says: $said}" \
	damaged "$(memattr_hash steer-stock 1)" "$(memattr_hash steer-stock 2)" "$said"
tap_check "ours keeps it intact: hash $(memattr_hash steer-ours 1 | cut -c1-12) in both generations" \
	intact "$(memattr_hash steer-ours 1)" "$(memattr_hash steer-ours 2)"
tap_check "ours: generation 2 parses the Memory Attributes table without complaint" \
	no_complaint "$(qemu_field steer-ours INIT 2 mode)" "$(complaint steer-ours)"
tap_check "ours: kexec -l delivers the table to generation 2" \
	delivered steer-ours
tap_done

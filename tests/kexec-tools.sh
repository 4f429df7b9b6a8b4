#!/bin/bash
# kexec-tools.sh - kexec_load must keep its segments off what the running
# kernel keeps.  Generation 1 (512 MB) kexecs once with kexec -l and
# --mem-min/--mem-max packing the segments into the 64 MiB below the end
# of a range:
#  - the pages holding the EFI Memory Attributes table: with the stock
#    kernel, Debian's kexec-tools puts a segment on them and generation 2
#    finds the table damaged; ours keeps the table's pages Reserved, so
#    that no kexec-tools, Debian's or ours, places a segment there;
#  - the largest range ours keeps after efi=debug, which is System RAM
#    to kexec: kexec -d shows where each segment went; Debian's
#    kexec-tools puts one on a kept range, ours none.
#
# Usage: tests/kexec-tools.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
set -eu

RUN_DIR=$1
IMAGES=$2
MEM=512M

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"

# steered_hop BOOT KERNEL TOOLS STEER [WORDS]: one kexec -l hop, segments
# packed below the end of STEER (t.steer)
steered_hop()
{
	local boot=$1 kernel=$2 tools=$3 steer=$4

	qemu_boot "$boot" "$IMAGES/bzImage-$kernel" "$IMAGES/initramfs-$kernel.cpio.gz" $MEM \
		"console=ttyS0 t.mode=kexec t.hops=1 t.kx=c t.kexec=$tools t.steer=$steer ${5:-}" 2 &&
		tap_pass "$kernel kernel, $tools kexec-tools: kexec -l with segments packed below $steer ($(qemu_field "$boot" STEER 1 range)), generation 2 booted" ||
		tap_fail "$kernel kernel, $tools kexec-tools: kexec -l with segments packed below $steer, generation 2 booted"
}

complaint()
{
	qemu_lines "$1" DMESG 2 | grep -o 'Unexpected EFI Memory Attributes table version.*' || true
}

# damaged BOOT: both generations read the Memory Attributes table, and
# generation 2 found other bytes there
damaged()
{
	local a b

	a=$(qemu_field "$1" MEMATTR 1 sha)
	b=$(qemu_field "$1" MEMATTR 2 sha)
	[ -n "$a" ] || { echo "no MEMATTR sha in generation 1"; return 1; }
	[ -n "$b" ] || { echo "no MEMATTR sha in generation 2"; return 1; }
	[ "$a" != "$b" ]
}

# intact BOOT: both generations read the same table
intact()
{
	local a b

	a=$(qemu_field "$1" MEMATTR 1 sha)
	b=$(qemu_field "$1" MEMATTR 2 sha)
	[ -n "$a" ] || { echo "no MEMATTR sha in generation 1"; return 1; }
	[ "$a" = "$b" ] || { echo "generation 2 read sha ${b:-nothing}"; return 1; }
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

# on_kept BOOT: the segments of generation 1's kexec -l that lie on a
# range its table keeps, one "segment START-END on kept START-END" a line;
# fails if kexec -d reported no segment
on_kept()
{
	local segs

	segs=$(qemu_lines "$1" SEGMENT 1)
	[ -n "$segs" ] || { echo "no SEGMENT line of generation 1"; return 1; }
	qemu_lines "$1" TABLE 1 | awk '$4 == "kept" { print $1 }' |
		while IFS=- read -r ks ke; do
			echo "$segs" | while read -r mem memsz; do
				mem=${mem#mem=}
				memsz=${memsz#memsz=}
				[ $((mem)) -le $((ke)) ] && [ $((mem + memsz)) -gt $((ks)) ] &&
					printf 'segment 0x%x-0x%x on kept %s-%s\n' $((mem)) $((mem + memsz - 1)) "$ks" "$ke"
			done
		done
	return 0
}

# segments_on_kept BOOT: at least one segment lies on a kept range
segments_on_kept()
{
	local hits

	hits=$(on_kept "$1") || { echo "$hits"; return 1; }
	[ -n "$hits" ] || { echo "no segment on a kept range"; return 1; }
	echo "$hits" | head -n 3
}

# segments_off_kept BOOT: kexec -d reported segments, none on a kept range
segments_off_kept()
{
	local hits

	hits=$(on_kept "$1") || { echo "$hits"; return 1; }
	[ -z "$hits" ] || { echo "$hits" | head -n 5; return 1; }
}

main()
{
	local said

	# the Memory Attributes table
	steered_hop table-stock stock stock memattr-table
	steered_hop table-ours-debian ours stock memattr-table
	steered_hop table-ours ours ours memattr-table
	said=$(complaint table-stock)
	tap_check "stock kernel, Debian's kexec-tools: generation 2 finds the Memory Attributes table damaged${said:+; the kernel says: $said}" \
		damaged table-stock
	tap_check "ours kernel, Debian's kexec-tools: generation 2 finds the table intact (its page is $(qemu_field table-ours-debian MEMATTR 1 iomem) in /proc/iomem)" \
		intact table-ours-debian
	tap_check "ours: generation 2 finds it intact" intact table-ours
	tap_check "ours: generation 2 parses the Memory Attributes table without complaint" \
		no_complaint "$(qemu_field table-ours INIT 2 mode)" "$(complaint table-ours)"
	tap_check "ours: kexec -l delivers the table to generation 2" delivered table-ours

	# what ours keeps after efi=debug: System RAM to kexec
	steered_hop debug-debian ours stock efi-debug "efi=debug t.drop=efi=debug t.v=1 t.segments=1"
	steered_hop debug-ours ours ours efi-debug "efi=debug t.drop=efi=debug t.v=1 t.segments=1"
	tap_check "Debian's kexec-tools puts a segment on a range ours keeps after efi=debug" \
		segments_on_kept debug-debian
	tap_check "ours puts none there ($(qemu_lines debug-ours SEGMENT 1 | wc -l) segments)" \
		segments_off_kept debug-ours
	tap_done
}

main

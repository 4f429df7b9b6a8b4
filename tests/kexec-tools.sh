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
. "$here/lib/checks.sh"
. "$here/lib/steer.sh"

complaint()
{
	qemu_lines "$1" DMESG 2 | grep -o 'Unexpected EFI Memory Attributes table version.*' || true
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

# kept_hits BOOT: "segment S-E on kept KS-KE" for each segment of
# generation 1's kexec -l (t.segments=1) on a range its table keeps
# (t.v=1); fails, saying what, if either list is missing or garbled
kept_hits()
{
	local kept ks ke mem memsz

	kept=$(qemu_lines "$1" TABLE 1 | awk '$4 == "kept" { split($1, r, "-"); print r[1], r[2] }')
	[ -n "$kept" ] || { echo "no kept range in generation 1's table"; return 1; }
	segments_within "$1" 0 $((1 << 62)) || return 1
	while read -r ks ke; do
		tap_int "kept start" "$ks" && tap_int "kept end" "$ke" || return 1
		while read -r mem memsz; do
			if [ $((mem)) -le $((ke)) ] && [ $((mem + memsz)) -gt $((ks)) ]; then
				printf 'segment 0x%x-0x%x on kept %s-%s\n' $((mem)) $((mem + memsz - 1)) "$ks" "$ke"
			fi
		done <<<"$(segments "$1")"
	done <<<"$kept"
}

# segments_on_kept BOOT: at least one segment lies on a kept range
segments_on_kept()
{
	local hits

	hits=$(kept_hits "$1") || { echo "$hits"; return 1; }
	[ -n "$hits" ] || { echo "no segment on a kept range"; return 1; }
	echo "$hits" | head -n 3
}

# segments_off_kept BOOT: kexec -d listed segments, none on a kept range
segments_off_kept()
{
	local hits

	hits=$(kept_hits "$1") || { echo "$hits"; return 1; }
	[ -z "$hits" ] || { echo "$hits" | head -n 5; return 1; }
}

main()
{
	local said b

	# the Memory Attributes table
	steered_hop "" table-stock stock stock memattr-table
	steered_hop "" table-ours-debian ours stock memattr-table
	steered_hop "" table-ours ours ours memattr-table
	said=$(complaint table-stock)
	tap_check "stock kernel, Debian's kexec-tools: a segment lies on the Memory Attributes table" \
		segment_on table-stock $(memattr_bytes table-stock)
	tap_check "and generation 2 finds the table damaged${said:+; the kernel says: $said}" \
		table_damaged table-stock MEMATTR
	tap_check "ours kernel, Debian's kexec-tools: generation 2 finds the table intact (its page is $(qemu_field table-ours-debian MEMATTR 1 iomem) in /proc/iomem)" \
		table_same table-ours-debian MEMATTR 2 16
	tap_check "ours: generation 2 finds it intact" table_same table-ours MEMATTR 2 16
	tap_check "ours: generation 2 parses the Memory Attributes table without complaint" \
		no_complaint "$(qemu_field table-ours INIT 2 mode)" "$(complaint table-ours)"
	tap_check "ours: kexec -l delivers the table to generation 2" delivered table-ours

	# what ours keeps after efi=debug: System RAM to kexec
	steered_hop "" debug-debian ours stock efi-debug "efi=debug t.drop=efi=debug t.v=1"
	steered_hop "" debug-ours ours ours efi-debug "efi=debug t.drop=efi=debug t.v=1"
	tap_check "Debian's kexec-tools puts a segment on a range ours keeps after efi=debug" \
		segments_on_kept debug-debian
	tap_check "ours puts none there ($(qemu_lines debug-ours SEGMENT 1 | wc -l) segments)" \
		segments_off_kept debug-ours
	for b in table-stock table-ours-debian table-ours debug-debian debug-ours; do
		tap_check "$b: no BUG, WARNING, Oops or Bad page state on any console" \
			[ -z "$(qemu_bad_lines "$b")" ]
	done
	tap_done
}

main

#!/bin/bash
# kexec-tools.sh - kexec_load must keep its segments off what the running
# kernel keeps.  Generation 1 (512 MB) kexecs once with kexec -l and
# --mem-min/--mem-max packing the segments into the 64 MiB below the end
# of a range:
#  - the pages holding the EFI Memory Attributes table: with the stock
#    kernel, Debian's kexec-tools puts a segment on them and generation 2
#    finds the table damaged; ours keeps the table's pages Reserved, so
#    that no kexec-tools, Debian's or ours, places a segment there;
#    with the stock kernel, which publishes no table, ours keeps off
#    every boot services range of the runtime map, the table's among
#    them;
#  - ranges kept for an owner nobody can name: after an efi=debug
#    generation 1 kexecs with Debian's kexec-tools (no table handed on),
#    generation 2 keeps everything it was handed as no-table, System RAM
#    to kexec.  Steered below the largest, kexec -d shows where each
#    segment went: Debian's kexec-tools puts one on a kept range, ours
#    none;
#  - a range kept only for the running kernel's sake (efi=debug): the
#    next kernel reclaims it, so ours' kexec-tools places segments there
#    like anywhere else in RAM instead of fencing off 42 MiB for nothing.
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

# kept_hits BOOT GEN REASON: "segment S-E on kept KS-KE" for each segment
# of generation GEN's kexec -l (t.segments=1) on a range its table keeps
# for REASON (t.v=1); fails, saying what, if either list is missing or
# garbled
kept_hits()
{
	local kept ks ke mem memsz

	kept=$(qemu_lines "$1" TABLE "$2" |
		awk -v reason="$3" '$4 == "kept" && $5 == reason { split($1, r, "-"); print r[1], r[2] }')
	[ -n "$kept" ] || { echo "no range kept for $3 in generation $2's table"; return 1; }
	segments_within "$1" 0 $((1 << 62)) "$2" || return 1
	while read -r ks ke; do
		tap_int "kept start" "$ks" && tap_int "kept end" "$ke" || return 1
		while read -r mem memsz; do
			if [ $((mem)) -le $((ke)) ] && [ $((mem + memsz)) -gt $((ks)) ]; then
				printf 'segment 0x%x-0x%x on kept %s-%s\n' $((mem)) $((mem + memsz - 1)) "$ks" "$ke"
			fi
		done <<<"$(segments "$1" "$2")"
	done <<<"$kept"
}

# segments_on_kept BOOT GEN REASON: at least one segment lies on a range
# kept for REASON
segments_on_kept()
{
	local hits

	hits=$(kept_hits "$@") || { echo "$hits"; return 1; }
	[ -n "$hits" ] || { echo "no segment on a range kept for $3"; return 1; }
	echo "$hits" | head -n 3
}

# segments_off_kept BOOT GEN REASON: kexec -d listed segments, none on a
# range kept for REASON
segments_off_kept()
{
	local hits

	hits=$(kept_hits "$@") || { echo "$hits"; return 1; }
	[ -z "$hits" ] || { echo "$hits" | head -n 5; return 1; }
}

# reclaims BOOT GEN START-END: generation GEN's table (t.v=1) calls the
# range [START, END] reclaimed
reclaims()
{
	local range start end

	start=${3%-*}
	end=${3#*-}
	tap_int "range start" "$start" && tap_int "range end" "$end" || return 1
	while read -r range _ _ state _; do
		# the header line, "# generation ...", is no range
		[[ $range =~ ^0x[0-9a-f]+-0x[0-9a-f]+$ ]] || continue
		[ $((${range%-*})) = $((start)) ] && [ $((${range#*-})) = $((end)) ] || continue
		[ "$state" = reclaimed ] && return 0
		echo "generation $2 calls $3 $state"
		return 1
	done <<<"$(qemu_lines "$1" TABLE "$2")"
	echo "no range $3 in generation $2's table"
	return 1
}

main()
{
	local said b

	# the Memory Attributes table
	steered_hop "" table-stock stock stock memattr-table
	steered_hop "" table-ours-debian ours stock memattr-table
	steered_hop "" table-ours ours ours memattr-table
	steered_hop "" table-stock-ours stock ours memattr-table
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
	tap_check "stock kernel, ours kexec-tools: no segment on the Memory Attributes table, kept whole" \
		table_same table-stock-ours MEMATTR 2 16

	# what a kernel handed no table keeps: every range, owners unknown
	steered_hop "" notable-debian ours stock no-table "efi=debug t.drop=efi=debug t.v=1" 2
	steered_hop "" notable-ours ours stock,ours no-table "efi=debug t.drop=efi=debug t.v=1" 2
	tap_check "Debian's kexec-tools puts a segment on a range a kernel handed no table keeps" \
		segments_on_kept notable-debian 2 no-table
	tap_check "ours puts none there ($(qemu_lines notable-ours SEGMENT 2 | wc -l) segments)" \
		segments_off_kept notable-ours 2 no-table

	# what ours keeps only for efi=debug: the next kernel reclaims it
	steered_hop "" debug-ours ours ours efi-debug "efi=debug t.drop=efi=debug t.v=1"
	tap_check "ours places segments on a range kept only for efi=debug, as on any RAM" \
		segments_on_kept debug-ours 1 efi-debug
	tap_check "and generation 2 reclaims that range" \
		reclaims debug-ours 2 "$(qemu_field debug-ours STEER 1 range)"
	for b in table-stock table-ours-debian table-ours table-stock-ours notable-debian notable-ours debug-ours; do
		tap_check "$b: no BUG, WARNING, Oops or Bad page state on any console" \
			[ -z "$(qemu_bad_lines "$b")" ]
	done
	tap_done
}

main

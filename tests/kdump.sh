#!/bin/bash
# kdump.sh - boot with crashkernel= reserved, optionally kexec HOP times,
# load a capture kernel with the patched kexec-tools (kexec -p, or
# kexec -s -p with -s), crash with sysrq-c, and in the capture kernel
# check that the range table arrived (one generation on, marked as a
# kdump kernel's, nothing freed by it), save /proc/vmcore with
# makedumpfile -l -d 31 and check the dump with makedumpfile
# --dump-dmesg: the panic message must be in it.  makedumpfile 1.7.2 is
# older than 6.12: check that the pages it excludes as free match what
# the crashed kernel had free just before the crash, that its report
# adds up, and that -d 31 writes less than -d 0.  "Free" at the crash
# lies between MemFree (pages in the buddy allocator) and MemFree plus
# the per-CPU free lists (which may drain into it before the crash); 1 MiB
# either side covers the few pages the shell frees after its snapshot.
# Dump size and time go to kdump.csv in RUN_DIR.
#
# Usage: tests/kdump.sh [-a HOP] [-s] [-m MEM] [-k KERNEL] [-K] RUN_DIR IMAGES_DIR
#   -K  Kexec HandOver running in every generation (7.3, tests/lib/kho.sh):
#       the hops by kexec -s -l hand the table through KHO, the capture
#       kernel still gets it in setup_data.  A kernel started through KHO
#       allocates only from KHO's scratch areas at boot, crashkernel=
#       included ("cannot allocate crashkernel" when they are smaller):
#       crash after a kexec -l hop, or size the scratch for it
set -eu

HOP=0
METHOD=c
MEM=512M
KERNEL=ours
CRASHKERNEL=160M
FREE_MARGIN_KIB=1024

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/usage.sh"
. "$here/lib/kho.sh"

EXTRA=""
while getopts "a:sm:k:K" o; do
	case $o in
	a) HOP=$OPTARG ;;
	s) METHOD=s ;;
	m) MEM=$OPTARG ;;
	k) KERNEL=$OPTARG ;;
	K) EXTRA=$(kho_words on) ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || usage
RUN_DIR=$1
IMAGES=$2
NAME=kdump-after-hop$HOP-$METHOD

# a figure of makedumpfile's report, "Free pages : 0x..." -> decimal
report()
{
	local v

	v=$(qemu_markers $NAME | sed -n "s/^MAKEDUMPFILE-OUT *$1 *: *\(0x[0-9a-f]*\).*/\1/p" | head -n 1)
	[ -n "$v" ] && echo $((v)) || echo ""
}

# free_excluded FREE_PAGES MEMFREE_KIB FREE_KIB: makedumpfile excluded as
# free between MemFree and MemFree plus the per-CPU lists, give or take
# FREE_MARGIN_KIB
free_excluded()
{
	tap_int "makedumpfile's Free pages" "$1" && tap_int "CRASH MemFree" "$2" &&
		tap_int "CRASH FreeKiB" "$3" || return 1
	[ $(($1 * 4)) -ge $(($2 - FREE_MARGIN_KIB)) ] && [ $(($1 * 4)) -le $(($3 + FREE_MARGIN_KIB)) ]
}

# report_adds_up: the excluded pages are the sum of their kinds, and
# original - excluded = remaining > 0
report_adds_up()
{
	local kind v sum=0 excluded original remaining

	for kind in "Pages filled with zero" "Non-private cache pages" "Private cache pages" \
		"User process data pages" "Free pages" "Hwpoison pages" "Offline pages"; do
		v=$(report "$kind")
		tap_int "makedumpfile's $kind" "$v" || return 1
		sum=$((sum + v))
	done
	excluded=$(report "Excluded pages")
	original=$(report "Original pages")
	remaining=$(report "Remaining pages")
	tap_int "makedumpfile's Excluded pages" "$excluded" &&
		tap_int "makedumpfile's Original pages" "$original" &&
		tap_int "makedumpfile's Remaining pages" "$remaining" 1 || return 1
	echo "excluded $excluded, their kinds $sum; original $original, remaining $remaining"
	[ "$excluded" = "$sum" ] && [ $((original - excluded)) = "$remaining" ]
}

# smaller_dump DUMP0 DUMP31: -d 31 wrote something, less than -d 0
smaller_dump()
{
	tap_int "DUMP0 bytes" "$1" && tap_int "DUMP bytes" "$2" 1 && [ "$1" -gt "$2" ]
}

check_makedumpfile_report()
{
	local what=$1 crashed=$2 free memfree pcpfree

	free=$(report "Free pages")
	memfree=$(qemu_field $NAME CRASH "$crashed" MemFree)
	pcpfree=$(qemu_field $NAME CRASH "$crashed" FreeKiB)
	tap_check "$what: makedumpfile excluded ${free:-?} pages as free; the crashed kernel had $memfree KiB free, $pcpfree with its per-CPU lists (margin $FREE_MARGIN_KIB KiB)" \
		free_excluded "$free" "$memfree" "$pcpfree"
	tap_check "$what: makedumpfile's report adds up (zero $(report "Pages filled with zero"), cache $(report "Non-private cache pages"), user $(report "User process data pages"), free $free of $(report "Original pages") pages)" \
		report_adds_up
	tap_check "$what: -d 31 writes $(qemu_field $NAME DUMP - bytes) bytes, -d 0 $(qemu_field $NAME DUMP0 - bytes)" \
		smaller_dump "$(qemu_field $NAME DUMP0 - bytes)" "$(qemu_field $NAME DUMP - bytes)"
}

# inherited BOOT GEN FROM: generation GEN's kernel inherited FROM's table
inherited()
{
	qemu_lines "$1" DMESG "$2" | grep -q "Inherited boot services range table: generation $3,"
}

# kho_routes BOOT CAPTURE CRASHED: the capture kernel's table came from
# setup_data; the crashed kernel's from KHO, after a kexec -s -l hop
kho_routes()
{
	table_from "$1" "$2" setup_data ||
		{ echo "capture kernel: not from setup_data"; return 1; }
	[ "$(qemu_field "$1" KEXEC $(($3 - 1)) method)" != s ] ||
		table_from "$1" "$3" KHO ||
		{ echo "generation $3, after kexec -s -l: not from KHO"; return 1; }
}

# capture_table GENERATION MINE_KIB WANT: the capture kernel's table is
# generation WANT, with nothing freed or reclaimed by it
capture_table()
{
	tap_int "BSTABLE generation" "$1" && tap_int "BSTABLE mine_kib" "$2" || return 1
	[ "$1" = "$3" ] && [ "$2" = 0 ]
}

# dump_saved RC BYTES: makedumpfile exited 0 and wrote something
dump_saved()
{
	tap_int "DUMP rc" "$1" && tap_int "DUMP bytes" "$2" 1 && [ "$1" = 0 ]
}

main()
{
	local crashed=$((HOP + 1)) capture=$((HOP + 2)) ok=1 what bytes seconds

	mkdir -p "$RUN_DIR"
	what="kexec -$METHOD -p after $HOP hops"
	[ "$METHOD" = s ] && what="kexec -s -p after $HOP hops"
	[ "$METHOD" = c ] && what="kexec -p after $HOP hops"
	# the capture kernel is the last generation
	QEMU_TIMEOUT=$((180 + 60 * HOP)) qemu_boot $NAME "$IMAGES/bzImage-$KERNEL" \
		"$IMAGES/initramfs-$KERNEL.cpio.gz" "$MEM" \
		"console=ttyS0 memblock=debug crashkernel=$CRASHKERNEL $EXTRA t.mode=kexec t.hops=$HOP t.then=kdump t.kdump=$METHOD" \
		"$capture" || ok=0
	tap_check "$what: the capture kernel ran and powered off" [ "$ok" = 1 ]
	tap_check "$what: generation $crashed loaded the capture kernel" \
		[ "$(qemu_field $NAME CRASH $crashed loaded)" = 1 ]
	tap_check "$what: the table arrived in the capture kernel" inherited $NAME $capture $crashed
	# KHO never hands anything to a crash kernel: setup_data does, and
	# the last hop by kexec -s -l before it went through KHO
	[ -z "$EXTRA" ] || tap_check "$what, KHO running: the capture kernel's table came from setup_data$([ "$(qemu_field $NAME KEXEC $((crashed - 1)) method)" != s ] || echo ", generation $crashed's from KHO")" \
		kho_routes $NAME $capture $crashed
	tap_check "$what: the capture kernel's table is generation $capture, nothing freed by it" \
		capture_table "$(qemu_field $NAME BSTABLE $capture generation)" \
		"$(qemu_field $NAME BSTABLE $capture mine_kib)" $capture
	tap_check "$what: the capture kernel's console is clean" \
		[ "$(qemu_field $NAME CONSOLE $capture clean)" = yes ]
	bytes=$(qemu_field $NAME DUMP - bytes)
	seconds=$(qemu_field $NAME DUMP - seconds)
	tap_check "$what: makedumpfile -l -d 31 saved ${bytes:-no} bytes in ${seconds:-?} s" \
		dump_saved "$(qemu_field $NAME DUMP - rc)" "$bytes"
	tap_check "$what: the dump's dmesg has the panic message" \
		tap_int "DUMP-DMESG panic_lines" "$(qemu_field $NAME DUMP-DMESG - panic_lines)" 1
	check_makedumpfile_report "$what" "$crashed"
	[ -s "$RUN_DIR/kdump.csv" ] || echo "case,hops,method,dump bytes,dump seconds,vmcore bytes" >"$RUN_DIR/kdump.csv"
	echo "$NAME,$HOP,$METHOD,$bytes,$seconds,$(qemu_field $NAME CAPTURE - vmcore)" >>"$RUN_DIR/kdump.csv"
	tap_done
}

main

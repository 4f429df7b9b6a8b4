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
# Usage: tests/kdump.sh [-a HOP] [-s] [-m MEM] [-k KERNEL] RUN_DIR IMAGES_DIR
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

while getopts "a:sm:k:" o; do
	case $o in
	a) HOP=$OPTARG ;;
	s) METHOD=s ;;
	m) MEM=$OPTARG ;;
	k) KERNEL=$OPTARG ;;
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

check_makedumpfile_report()
{
	local what=$1 crashed=$2 free memfree pcpfree excluded sum dump0 dump31

	free=$(report "Free pages")
	memfree=$(qemu_field $NAME CRASH "$crashed" MemFree)
	pcpfree=$(qemu_field $NAME CRASH "$crashed" FreeKiB)
	tap_ok "[ -n '$free' ] && [ -n '$memfree' ] && [ \$(( ${free:-0} * 4 )) -ge \$(( ${memfree:-0} - FREE_MARGIN_KIB )) ] && [ \$(( ${free:-0} * 4 )) -le \$(( ${pcpfree:-0} + FREE_MARGIN_KIB )) ]" \
		"$what: makedumpfile excluded $(( ${free:-0} * 4 )) KiB as free; the crashed kernel had $memfree KiB free, $pcpfree with its per-CPU lists (margin $FREE_MARGIN_KIB KiB)"
	excluded=$(report "Excluded pages")
	sum=$(( $(report "Pages filled with zero") + $(report "Non-private cache pages") + \
		$(report "Private cache pages") + $(report "User process data pages") + \
		${free:-0} + $(report "Hwpoison pages") + $(report "Offline pages") ))
	tap_ok "[ -n '$excluded' ] && [ '$excluded' = '$sum' ] && [ '$(( $(report "Original pages") - ${excluded:-0} ))' = '$(report "Remaining pages")' ] && [ '$(report "Remaining pages")' -gt 0 ]" \
		"$what: makedumpfile's report adds up (zero $(report "Pages filled with zero"), cache $(report "Non-private cache pages"), user $(report "User process data pages"), free $free of $(report "Original pages") pages)"
	dump0=$(qemu_field $NAME DUMP0 - bytes)
	dump31=$(qemu_field $NAME DUMP - bytes)
	tap_ok "[ '${dump0:-0}' -gt '${dump31:-0}' ] && [ '${dump31:-0}' -gt 0 ]" \
		"$what: -d 31 writes $dump31 bytes, -d 0 $dump0"
}

main()
{
	local crashed=$((HOP + 1)) capture=$((HOP + 2)) ok=1 what bytes seconds

	mkdir -p "$RUN_DIR"
	what="kexec -$METHOD -p after $HOP hops"
	[ "$METHOD" = s ] && what="kexec -s -p after $HOP hops"
	[ "$METHOD" = c ] && what="kexec -p after $HOP hops"
	QEMU_TIMEOUT=$((180 + 60 * HOP)) qemu_boot $NAME "$IMAGES/bzImage-$KERNEL" \
		"$IMAGES/initramfs-$KERNEL.cpio.gz" "$MEM" \
		"console=ttyS0 memblock=debug log_buf_len=8M crashkernel=$CRASHKERNEL t.mode=kexec t.hops=$HOP t.then=kdump t.kdump=$METHOD" || ok=0
	tap_ok "[ $ok = 1 ]" "$what: the capture kernel ran and powered off"
	tap_ok "[ '$(qemu_field $NAME CRASH $crashed loaded)' = 1 ]" \
		"$what: generation $crashed loaded the capture kernel"
	tap_ok "qemu_lines $NAME DMESG $capture | grep -q 'Inherited boot services range table: generation $crashed,'" \
		"$what: the table arrived in the capture kernel"
	tap_ok "[ '$(qemu_field $NAME BSTABLE $capture generation)' = $capture ] && [ \$(( $(qemu_field $NAME BSTABLE $capture flags || echo 0) & 1 )) = 1 ] && [ '$(qemu_field $NAME BSTABLE $capture mine_kib)' = 0 ]" \
		"$what: the capture kernel's table is generation $capture, marked kdump, nothing freed by it"
	tap_ok "[ '$(qemu_field $NAME CONSOLE $capture clean)' = yes ]" \
		"$what: the capture kernel's console is clean"
	bytes=$(qemu_field $NAME DUMP - bytes)
	seconds=$(qemu_field $NAME DUMP - seconds)
	tap_ok "[ '$(qemu_field $NAME DUMP - rc)' = 0 ] && [ '${bytes:-0}' -gt 0 ]" \
		"$what: makedumpfile -l -d 31 saved ${bytes:-no} bytes in ${seconds:-?} s"
	tap_ok "[ '$(qemu_field $NAME DUMP-DMESG - panic_lines)' -ge 1 ] 2>/dev/null" \
		"$what: the dump's dmesg has the panic message"
	check_makedumpfile_report "$what" "$crashed"
	[ -s "$RUN_DIR/kdump.csv" ] || echo "case,hops,method,dump bytes,dump seconds,vmcore bytes" >"$RUN_DIR/kdump.csv"
	echo "$NAME,$HOP,$METHOD,$bytes,$seconds,$(qemu_field $NAME CAPTURE - vmcore)" >>"$RUN_DIR/kdump.csv"
	tap_done
}

main

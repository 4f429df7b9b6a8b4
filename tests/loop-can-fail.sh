#!/bin/bash
# loop-can-fail.sh - the kexec loop must be able to fail.
#  - Its leak invariant (the meter over generation 1's boot-services
#    ranges, tests/guest/bscount.c) must catch a leak: generation 1 booted
#    with efi=debug, two hops without it.  On stock, whose kexec'd kernels
#    keep every boot-services range they are handed, and on ours when
#    every table it is handed is refused (t.bad=crc), invariant 1 must
#    fail at every hop; on ours it must pass.
#  - And it must not cry wolf: a plain stock loop loses nothing, yet its
#    kexec'd kernels put their own image and allocations in generation
#    1's ranges.  Invariant 1 must pass at every hop with those pages
#    PG_reserved and every one of them explained by the allow-list.
#  - QEMU killed in the middle of a hop is a failure, with the last 30
#    console lines, and every invariant of the hops that did not happen
#    fails.
#  - A kexec that fails in the guest fails the boot: the guest ends with
#    FAILED, not DONE, and qemu_boot refuses any *-FAIL marker.
# The stock run also shows our kexec-tools on a kernel without the table:
# it must say nothing.
#
# Usage: tests/loop-can-fail.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
set -eu

RUN_DIR=$1
IMAGES=$2
HOPS=2

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/checks.sh"

# leak_points NAME KERNEL-LOOP-OPTIONS...: the loop's "no leak" points
leak_points()
{
	local name=$1

	shift
	"$here/kexec-loop.sh" -n $HOPS "$@" "$RUN_DIR/$name" "$IMAGES" 2>/dev/null |
		grep -E '^(not )?ok .* no leak' || true
}

# count_points POINTS PREFIX: how many lines start with PREFIX
count_points()
{
	printf '%s\n' "$1" | grep -c "^$2" || true
}

# Start a loop, kill QEMU once generation 1 has started its kexec.
killed_loop()
{
	local dir=$RUN_DIR/killed tap=$RUN_DIR/killed.tap pid

	mkdir -p "$dir"
	"$here/kexec-loop.sh" -n $HOPS "$dir" "$IMAGES" >"$tap" 2>/dev/null &
	pid=$!
	for _ in $(seq 240); do
		grep -q 'T: KEXEC gen=1 ' "$dir/kexec-loop.log" 2>/dev/null && break
		sleep 0.5
	done
	kill "$(cat "$dir/kexec-loop.pid" 2>/dev/null)" 2>/dev/null || true
	wait_pid "$pid" 60 || true
	cat "$tap"
}

# t.bad naming no rule: bstable cannot make the table, kexec is never run
failed_kexec()
{
	if qemu_boot failed-kexec "$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" \
		512M "console=ttyS0 t.mode=kexec t.hops=1 t.bad=no-such-rule" >"$RUN_DIR/failed-kexec.out"; then
		echo passed
	else
		echo failed
	fi
}

# every hop of loop NAME counted generation 1's ranges and found pages
# there PG_reserved with no owner: a leak measured, not a broken run
leaked_at_every_hop()
{
	local gen

	for gen in $(seq 2 $((HOPS + 1))); do
		RUN_DIR=$RUN_DIR/$1 meter_counted kexec-loop "$gen" || return 1
		tap_int "generation $gen unexplained" \
			"$(RUN_DIR=$RUN_DIR/$1 qemu_field kexec-loop BSCOUNT "$gen" unexplained)" 1 || return 1
	done
}

# leak_caught LABEL POINTS LOOP: the leak invariant failed at every hop
# of LOOP (POINTS: its "no leak" points), for a leak it measured
leak_caught()
{
	tap_check "$1: the leak invariant fails at all $HOPS hops" \
		[ "$(count_points "$2" 'not ok')" = $HOPS ]
	tap_check "$1: a leak measured at every hop, not a broken run" \
		leaked_at_every_hop "$3"
}

# every hop of loop NAME had PG_reserved pages in generation 1's ranges,
# all of them explained
explained_at_every_hop()
{
	local gen reserved

	for gen in $(seq 2 $((HOPS + 1))); do
		reserved=$(RUN_DIR=$RUN_DIR/$1 qemu_field kexec-loop BSCOUNT "$gen" reserved)
		tap_int "generation $gen reserved" "$reserved" || return 1
		[ "$reserved" -gt 0 ] || { echo "generation $gen: nothing reserved to explain"; return 1; }
		[ "$(RUN_DIR=$RUN_DIR/$1 qemu_field kexec-loop BSCOUNT "$gen" allowed)" = "$reserved" ] ||
			{ echo "generation $gen: not every reserved page allowed"; return 1; }
	done
}

silent_on_stock()
{
	grep -q 'T: KEXEC gen=1 .*kexec=/sbin/kexec ' "$RUN_DIR/stock-efidebug/kexec-loop.log" &&
		! grep -q 'T: KEXEC-OUT' "$RUN_DIR/stock-efidebug/kexec-loop.log"
}

killed_reported()
{
	printf '%s\n' "$1" | grep -q '^not ok 1 - ' &&
		printf '%s\n' "$1" | grep -q 'last 30 console lines' &&
		[ "$(count_points "$1" 'ok ')" -le 2 ]
}

failed_kexec_reported()
{
	[ "$1" = failed ] &&
		grep -q 'the guest reported KEXEC-FAIL gen=1' "$RUN_DIR/failed-kexec.out" &&
		[ "$(qemu_markers failed-kexec | tail -n 1 | cut -d' ' -f1)" = FAILED ]
}

main()
{
	local stock ours refused plain killed boot

	stock=$(leak_points stock-efidebug -k stock -e)
	ours=$(leak_points ours-efidebug -k ours -e)
	refused=$(leak_points ours-refused -k ours -e -x t.bad=crc,crc)
	plain=$(leak_points stock-plain -k stock)
	printf '%s\n' "$stock" | sed 's/^/# stock after efi=debug: /'
	printf '%s\n' "$ours" | sed 's/^/# ours after efi=debug: /'
	printf '%s\n' "$refused" | sed 's/^/# ours, tables refused: /'
	printf '%s\n' "$plain" | sed 's/^/# stock, plain: /'
	leak_caught "stock after efi=debug" "$stock" stock-efidebug
	tap_check "ours after efi=debug: the leak invariant passes at all $HOPS hops" \
		[ "$(count_points "$ours" 'ok')" = $HOPS ]
	leak_caught "ours after efi=debug, every table refused (t.bad=crc)" "$refused" ours-refused
	tap_check "stock, plain: the leak invariant passes at all $HOPS hops" \
		[ "$(count_points "$plain" 'ok')" = $HOPS ]
	tap_check "stock, plain: at every hop the kernel's own pages lie in generation 1's ranges, PG_reserved, and the allow-list explains each one" \
		explained_at_every_hop stock-plain
	tap_check "our kexec-tools on a kernel without the table loads as stock does and says nothing" \
		silent_on_stock
	killed=$(killed_loop)
	tap_check "QEMU killed during hop 1: reported as a failure with the last console lines ($(count_points "$killed" 'not ok') test points failed)" \
		killed_reported "$killed"
	boot=$(failed_kexec)
	tap_check "a kexec that fails in the guest fails the boot, and the guest ends with FAILED (boot $boot: $(grep -o 'the guest [a-z]* [A-Z-]*' "$RUN_DIR/failed-kexec.out" | head -n 1))" \
		failed_kexec_reported "$boot"
	tap_done
}

main

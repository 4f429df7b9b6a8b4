#!/bin/bash
# boot-smoke.sh - each kernel variant boots under OVMF at 512 MB and
# reaches /init; `prefix` leaks EFI boot-services memory, `stock` and
# `ours` do not.  Measured two ways: pages still PG_reserved inside the
# ranges efi_reserve_boot_services() reserved (memblock=debug, counted
# through /proc/kpageflags by bscount), and free memory against `stock`
# (MemFree plus the per-CPU free lists: MemFree alone swings by ~14 MiB
# between identical boots, the sum by ~0.1 MiB).  `ours` boots once more
# with init_on_free=1, under which the page allocator checks the state of
# every page freed to it.  `nopublish' is ours with a fixture that makes
# the range table's allocation fail: it must free all the same.
# On LINUX=7.3 there is no prefix kernel: the leak it shows is 6.12's.
#
# Usage: tests/boot-smoke.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   LINUX: the kernel base of IMAGES_DIR, 6.12 (the default) or 7.3
set -eu

RUN_DIR=$1
IMAGES=$2
LINUX=${LINUX:-6.12}
MEM=512M
# ours may differ from stock by its own code and table; a leak is tens of MiB
FREE_MARGIN_KIB=1024

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/checks.sh"

# field BOOT KEY MARKER: the value of KEY= in the first MARKER line of generation 1
field()
{
	qemu_field "$1" "$3" 1 "$2"
}



console_clean()
{
	[ "$(field "$1" clean CONSOLE)" = yes ] && [ -z "$(qemu_bad_lines "$1")" ]
}

has_ranges()
{
	tap_int "ranges" "$(field "$1" ranges BSCOUNT)" && [ "$(field "$1" ranges BSCOUNT)" -gt 0 ]
}

# boot_variant NAME VARIANT [ARGS]: boot VARIANT as boot NAME, ARGS added
# to the command line
boot_variant()
{
	local name=$1 v=$2 what

	shift 2
	what="$v${*:+ with $*}"
	if qemu_boot "$name" "$IMAGES/bzImage-$v" "$IMAGES/initramfs-$v.cpio.gz" \
		"$MEM" "console=ttyS0 memblock=debug t.mode=report $*" 1; then
		tap_pass "$what boots under OVMF at $MEM and reaches /init"
	else
		tap_fail "$what boots under OVMF at $MEM and reaches /init"
	fi
	tap_check "$what: console has no BUG/WARNING/Oops/Bad page state" console_clean "$name"
	tap_check "$what: boot-services ranges found in the memblock=debug log ($(field "$name" kib BSCOUNT) KiB)" \
		has_ranges "$name"
}

# The leak must show in free memory too, by at least half of what stays
# reserved
prefix_leak_shows()
{
	tap_int "prefix reserved" "$res_prefix" && tap_int "prefix free" "$free_prefix" &&
		tap_int "stock free" "$free_stock" || return 1
	[ "$res_prefix" -gt 0 ] && [ $((free_stock - free_prefix)) -ge $((res_prefix * 4 / 2)) ]
}

for v in $([ "$LINUX" = 6.12 ] && echo prefix) stock ours; do
	boot_variant "smoke-$v" "$v"
done
# init_on_free makes the page allocator check every page it is handed,
# each page of the blocks ours frees at once included
boot_variant smoke-ours-checked ours init_on_free=1
boot_variant smoke-nopublish nopublish

res_prefix="" free_prefix=""
if [ "$LINUX" = 6.12 ]; then
	res_prefix=$(field smoke-prefix reserved BSCOUNT)
	free_prefix=$(field smoke-prefix FreeKiB MEMINFO)
fi
res_stock=$(field smoke-stock reserved BSCOUNT)
res_ours=$(field smoke-ours reserved BSCOUNT)
free_stock=$(field smoke-stock FreeKiB MEMINFO)
free_ours=$(field smoke-ours FreeKiB MEMINFO)
echo "# PG_reserved pages in boot-services ranges above 1 MiB:" \
	"prefix=${res_prefix:-?} stock=${res_stock:-?} ours=${res_ours:-?}"
echo "# free KiB (MemFree + per-CPU lists): prefix=${free_prefix:-?} stock=${free_stock:-?} ours=${free_ours:-?}"

[ "$LINUX" != 6.12 ] ||
	tap_check "prefix leaks: ${res_prefix:-?} pages stay PG_reserved, free memory $(( ${free_stock:-0} - ${free_prefix:-0} )) KiB below stock" \
		prefix_leak_shows
tap_check "stock leaves 0 pages PG_reserved (${res_stock:-?})" is_zero "$res_stock" "stock reserved"
tap_check "ours leaves 0 pages PG_reserved (${res_ours:-?})" is_zero "$res_ours" "ours reserved"
res_checked=$(field smoke-ours-checked reserved BSCOUNT)
tap_check "ours with init_on_free=1 leaves 0 pages PG_reserved (${res_checked:-?})" \
	is_zero "$res_checked" "init_on_free reserved"
tap_check "ours free memory within $FREE_MARGIN_KIB KiB of stock ($(( ${free_ours:-0} - ${free_stock:-0} )) KiB)" \
	within "$free_ours" "$free_stock" $FREE_MARGIN_KIB "free KiB"

# The table is for the next kernel: failing to record it must not cost
# this one the memory (the seed's leak on an error path)
res_nopub=$(field smoke-nopublish reserved BSCOUNT)
free_nopub=$(field smoke-nopublish FreeKiB MEMINFO)
tap_check "nopublish: one line says the table was not recorded" \
	[ "$(qemu_lines smoke-nopublish DMESG 1 | grep -c 'Boot services range table not recorded')" = 1 ]
tap_check "nopublish: no /sys/firmware/efi/bs_ranges to hand on" \
	[ -z "$(field smoke-nopublish bs_ranges_mode SYSFS)" ]
tap_check "nopublish frees all the same: 0 pages PG_reserved (${res_nopub:-?})" \
	is_zero "$res_nopub" "nopublish reserved"
tap_check "nopublish free memory within $FREE_MARGIN_KIB KiB of stock ($(( ${free_nopub:-0} - ${free_stock:-0} )) KiB)" \
	within "$free_nopub" "$free_stock" $FREE_MARGIN_KIB "free KiB"
tap_done

#!/bin/bash
# kernel-table.sh - the range table of the `ours' kernel, under OVMF at
# 512 MB: recorded at first boot, handed across kexec, honoured after
# efi=debug, malformed tables rejected, and firmware tables in freed
# memory ignored.  `stock' is booted too, for the efi=debug figure.
#
# Usage: tests/kernel-table.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   GUEST_BIN: where the guest programs are (bstable lists the rules)
set -eu

RUN_DIR=$1
IMAGES=$2
MEM=512M
BASE="console=ttyS0 memblock=debug"
# MemTotal of a kexec'd ours after efi=debug vs after a plain boot; a
# reclaim that misses the boot-services memory would show tens of MiB
MEMTOTAL_MARGIN_KIB=1024

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/checks.sh"

boot()
{
	local name=$1 kernel=$2

	shift 2
	if qemu_boot "$name" "$IMAGES/bzImage-$kernel" \
		"$IMAGES/initramfs-$kernel.cpio.gz" $MEM "$BASE $*"; then
		tap_pass "$name: every generation booted and the last powered off"
	else
		tap_fail "$name: every generation booted and the last powered off"
	fi
	tap_check "$name: no BUG, WARNING, Call Trace, Oops or Bad page state on the console" \
		[ -z "$(qemu_bad_lines "$name")" ]
}

# dmesg summary "freed XK, kept YK, reclaimed ZK" as "X Y Z"
summary()
{
	qemu_lines "$1" DMESG "$2" | sed -n 's/.*Boot services memory: freed \([0-9]*\)K, kept \([0-9]*\)K, reclaimed \([0-9]*\)K.*/\1 \2 \3/p' | head -n 1
}

table_totals()
{
	echo "$(qemu_field "$1" BSTABLE "$2" freed_kib) $(qemu_field "$1" BSTABLE "$2" kept_kib) $(qemu_field "$1" BSTABLE "$2" reclaimed_kib)"
}

firmware_set()
{
	qemu_lines "$1" FWRANGE "$2" | sort
}

same_firmware()
{
	[ -n "$(firmware_set "$1" 1)" ] && [ "$(firmware_set "$1" 1)" = "$(firmware_set "$1" 2)" ]
}

# dmesg_has BOOT GEN PATTERN
dmesg_has()
{
	qemu_lines "$1" DMESG "$2" | grep -q "$3"
}

# dmesg_count BOOT GEN PATTERN: how many DMESG lines match
dmesg_count()
{
	qemu_lines "$1" DMESG "$2" | grep -c "$3" || true
}

# all_covered BOOT GEN MARKER: the table covers every range MARKER counts
all_covered()
{
	local n

	n=$(qemu_field "$1" "$3" "$2" descriptors)
	tap_int descriptors "$n" && [ "$n" -gt 0 ] &&
		[ "$(qemu_field "$1" "$3" "$2" covered)" = "$n" ]
}

first_boot_and_kexec_file()
{
	local b=table-chain

	boot $b ours t.mode=kexec t.hops=1 t.kx=s
	tap_check "KUnit suite efi_bs_ranges passes in the guest: $(qemu_lines $b DMESG 1 | grep -o 'pass:[0-9]* fail:[0-9]*' | head -n 1)" \
		dmesg_has $b 1 'efi_bs_ranges: pass:[1-9][0-9]* fail:0'
	tap_check "generation 1: 0 pages PG_reserved in the $(qemu_field $b BSCOUNT 1 pages) pages of the ranges it freed" \
		is_zero "$(qemu_field $b BSCOUNT 1 reserved)" "reserved pages"
	tap_check "generations 1 and 2: the table frees nothing below 1 MiB ($(qemu_field $b BSTABLE 1 below_1m_freed_kib), $(qemu_field $b BSTABLE 2 below_1m_freed_kib) KiB)" \
		[ "$(qemu_field $b BSTABLE 1 below_1m_freed_kib) $(qemu_field $b BSTABLE 2 below_1m_freed_kib)" = "0 0" ]
	tap_check "generation 1: the table covers all $(qemu_field $b COVERAGE 1 descriptors) boot-services ranges efi_reserve_boot_services() reserved" \
		all_covered $b 1 COVERAGE
	tap_check "generation 1: the summary line's totals (freed kept reclaimed: $(summary $b 1)) equal the table's" \
		[ "$(summary $b 1)" = "$(table_totals $b 1)" ]
	tap_check "kexec -s -l: generation 2 inherits the table of generation 1 (valid CRC and rules)" \
		dmesg_has $b 2 'Inherited boot services range table: generation 1,'
	tap_check "kexec -s -l: generation 2's own table has generation 2" \
		[ "$(qemu_field $b BSTABLE 2 generation)" = 2 ]
	tap_check "kexec -s -l: the same firmware ranges in both generations ($(firmware_set $b 1 | awk '{print $3}' | tr '\n' ' '))" \
		same_firmware $b
	tap_check "kexec --print-efi-ranges matches the kernel's debugfs view line for line ($(qemu_field $b PRINT 1 lines) lines)" \
		[ "$(qemu_field $b PRINT 1 same)$(qemu_field $b PRINT 2 same)" = yesyes ]
	tap_check "generation 2: every PG_reserved page of generation 1's ranges has an owner ($(qemu_field $b BSCOUNT 2 unexplained) unexplained, $(qemu_field $b BSCOUNT 2 allowed) allowed)" \
		meter_clean $b 2
	tap_check "/sys/firmware/efi/bs_ranges is readable by root only, as runtime-map is (mode $(qemu_field $b SYSFS 1 bs_ranges_mode))" \
		[ "$(qemu_field $b SYSFS 1 bs_ranges_mode)" = 400 ]
	firmware_view $b 1
	firmware_view $b 2
}

# runtime_map_clean BOOT GEN: runtime-map read, no boot-services
# descriptor of it in a freed or reclaimed range
runtime_map_clean()
{
	tap_int runtime_map "$(qemu_field "$1" FWVIEW "$2" runtime_map)" &&
		[ "$(qemu_field "$1" FWVIEW "$2" runtime_map)" -gt 0 ] &&
		is_zero "$(qemu_field "$1" FWVIEW "$2" bs_in_freed)" "descriptors in freed ranges"
}

efi_pgt_clean()
{
	[ "$(qemu_field "$1" FWVIEW "$2" efi_pgt)" = yes ] &&
		is_zero "$(qemu_field "$1" FWVIEW "$2" mapped_freed_kib)" "KiB mapped"
}

# firmware_view BOOT GEN: firmware sees nothing of what the table frees
firmware_view()
{
	local b=$1 g=$2

	tap_check "$b, generation $g: no boot-services descriptor of runtime-map in a freed or reclaimed range ($(qemu_field $b FWVIEW $g bs_in_freed) of $(qemu_field $b FWVIEW $g runtime_map), $(qemu_field $b FWVIEW $g bs_in_freed_kib) KiB)" \
		runtime_map_clean $b $g
	tap_check "$b, generation $g: the EFI page tables map no freed or reclaimed memory ($(qemu_field $b FWVIEW $g mapped_freed_kib) KiB mapped, dump read: $(qemu_field $b FWVIEW $g efi_pgt); the EFI memory map handed to this kernel, its own: $(qemu_field $b FWVIEW $g efi_memmap_kib) KiB there)" \
		efi_pgt_clean $b $g
}

efi_debug_then_kexec()
{
	local k=$1 b=efidebug-$1

	boot $b "$k" efi=debug t.drop=efi=debug t.mode=kexec t.hops=1 t.kx=s
	echo "# $k, generation 1 with efi=debug, generation 2 without:" \
		"$(qemu_field $b BSCOUNT 2 unexplained) of $(qemu_field $b BSCOUNT 2 pages) pages" \
		"of generation 1's boot-services ranges PG_reserved in generation 2 with no owner," \
		"MemTotal $(qemu_field $b MEMINFO 2 MemTotal) KiB"
}

positive()
{
	tap_int "$2" "$1" && [ "$1" -gt 0 ]
}

reclaims_all()
{
	positive "$(qemu_field efidebug-ours BSTABLE 2 reclaimed_kib)" reclaimed_kib && meter_clean efidebug-ours 2
}

keeps_no_more()
{
	tap_int kept_kib "$1" && tap_int kept_kib "$2" && [ "$1" -le "$2" ]
}

efi_debug_figures()
{
	local leak_stock

	efi_debug_then_kexec stock
	efi_debug_then_kexec ours
	tap_check "efi=debug: the table covers all $(qemu_field efidebug-ours COVERAGE-MEMMAP 1 descriptors) Boot Code/Data descriptors of the firmware map" \
		all_covered efidebug-ours 1 COVERAGE-MEMMAP
	leak_stock=$(qemu_field efidebug-stock BSCOUNT 2 unexplained)
	tap_check "stock after efi=debug keeps $(( ${leak_stock:-0} * 4 / 1024 )) MiB of boot-services memory PG_reserved with no owner" \
		positive "$leak_stock" "stock unexplained"
	firmware_view efidebug-ours 2
	tap_check "ours after efi=debug reclaims $(( $(qemu_field efidebug-ours BSTABLE 2 reclaimed_kib) / 1024 )) MiB; PG_reserved there only what its allow-list explains ($(qemu_field efidebug-ours BSCOUNT 2 allowed) pages)" \
		reclaims_all
	qemu_lines efidebug-ours ALLOW 2 | sed 's/^/#   allowed owner in generation 1'"'"'s ranges: /'
	tap_check "ours after efi=debug keeps $(qemu_field efidebug-ours BSTABLE 2 kept_kib) KiB, no more than a plain boot keeps ($(qemu_field table-chain BSTABLE 1 kept_kib) KiB)" \
		keeps_no_more "$(qemu_field efidebug-ours BSTABLE 2 kept_kib)" "$(qemu_field table-chain BSTABLE 1 kept_kib)"
	tap_check "ours after efi=debug: MemTotal within $MEMTOTAL_MARGIN_KIB KiB of ours after a plain boot" \
		within "$(qemu_field table-chain MEMINFO 2 MemTotal)" "$(qemu_field efidebug-ours MEMINFO 2 MemTotal)" \
		$MEMTOTAL_MARGIN_KIB MemTotal
}

# refused BOOT GEN RULE: kexec refused the table, "rc msg" of it
refused_line()
{
	qemu_markers "$1" | sed -n "s/^REFUSED gen=$2 rule=$3 rc=\([0-9]*\) msg=.*rejected: \(.*\)/\1 \2/p"
}

kexec_refused()
{
	[ -n "$1" ] && [ "${1%% *}" != 0 ]
}

# the next kernel rejects it with one line naming the rule
next_rejects()
{
	local b=$1 gen=$2 msg=$3

	[ "$(dmesg_count "$b" "$gen" 'Ignoring the inherited boot services range table')" = 1 ] &&
		qemu_lines "$b" DMESG "$gen" | grep -qF "range table: $msg"
}

# keeps_all BOOT GEN: generation GEN inherited nothing (its table starts
# again at generation 1, which a kernel booted by firmware is only when it
# frees something), kept what it was handed, freed and reclaimed nothing
keeps_all()
{
	tap_int "BSTABLE kept_kib" "$(qemu_field "$1" BSTABLE "$2" kept_kib)" 1 &&
		[ "$(qemu_field "$1" BSTABLE "$2" generation)" = 1 ] &&
		[ "$(qemu_field "$1" BSTABLE "$2" freed_kib)$(qemu_field "$1" BSTABLE "$2" reclaimed_kib)" = 00 ]
}

keeps_all_clean()
{
	keeps_all "$1" "$2" && [ "$(qemu_field "$1" CONSOLE "$2" clean)" = yes ]
}

malformed_tables()
{
	local b=bad-tables rules n gen rule refused

	rules=$("${GUEST_BIN:?}/bstable" rules | tr '\n' ',')
	n=$(echo "$rules" | tr ',' '\n' | grep -c .)
	boot $b ours t.mode=kexec t.hops="$n" t.bad="${rules%,}"
	gen=1
	for rule in $(echo "$rules" | tr ',' ' '); do
		refused=$(refused_line $b $gen "$rule")
		tap_check "$rule: kexec refuses the table without --efi-ranges-unchecked: ${refused#* }" \
			kexec_refused "$refused"
		tap_check "$rule: the next kernel rejects it with one line naming the rule" \
			next_rejects $b $((gen + 1)) "${refused#* }"
		tap_check "$rule: the next kernel boots, keeps what it was handed and frees nothing" \
			keeps_all $b $((gen + 1))
		gen=$((gen + 1))
	done
}

# A table that calls the Memory Attributes table's page freed.  Since
# series patch 1 that page is Reserved in e820, so the lie breaks the RAM
# rule: the next kernel refuses the whole table, and the Memory Attributes
# table it then parses is intact.  (Before patch 1 the page was RAM, the
# table passed, and the config table was refused as "unusable" instead;
# docs/testing.md says what no longer reaches that path.)
firmware_table_in_freed_memory()
{
	local b=freed-memattr

	boot $b ours t.mode=kexec t.hops=1 t.free=firmware:memattr
	tap_check "a table calling the Memory Attributes table's Reserved page freed: the next kernel refuses it by the RAM rule" \
		[ "$(dmesg_count $b 2 'Ignoring the inherited boot services range table: freed range outside E820 RAM$')" = 1 ]
	tap_check "and parses the Memory Attributes table intact" \
		table_same $b MEMATTR 2 16
	tap_check "without complaint" \
		[ "$(dmesg_count $b 2 'Unexpected EFI Memory Attributes')" = 0 ]
}

# A setup_data node of length 0: nothing to map (early_memremap() of 0
# bytes warns, a panic under panic_on_warn) and no header to read.
empty_table()
{
	local b=empty-table

	boot $b ours t.mode=kexec t.hops=1 t.empty=1 t.next=panic_on_warn=1
	tap_check "an empty table is rejected before it is mapped, with one line naming the rule" \
		[ "$(dmesg_count $b 2 'Ignoring the inherited boot services range table: shorter than its header$')" = 1 ]
	tap_check "and the next kernel, under panic_on_warn=1, boots clean and keeps what it was handed" \
		keeps_all_clean $b 2
}

# kexec_file puts setup_data at the top of RAM: a successor booted with
# mem= below it has no direct mapping there, and reads the table again
# once slab is up.  It checks the table against the RAM it was handed,
# not what mem= left of it: the table's freed ranges reach the top of RAM
# too, after a plain generation 1 as after an efi=debug one.
successor_with_mem_below_setup_data()
{
	local b=mem-below-table$1 line

	shift
	boot $b ours t.mode=kexec t.hops=1 t.kx=s t.next=mem=320M "$@"
	line=$(qemu_lines $b DMESG 2 | grep -o '[A-Za-z]* the inherited boot services range table.*\|Inherited boot services range table.*' | head -n 1)
	tap_check "kexec -s -l${*:+ after $*} into a kernel booted with mem=320M: it boots clean and honours the table: ${line:-no table line}" \
		[ "${line%% *} $(qemu_field $b CONSOLE 2 clean)" = "Inherited yes" ]
}

first_boot_and_kexec_file
efi_debug_figures
empty_table
successor_with_mem_below_setup_data ""
successor_with_mem_below_setup_data -efidebug efi=debug t.drop=efi=debug
malformed_tables
firmware_table_in_freed_memory
tap_done

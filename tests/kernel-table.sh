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
BASE="console=ttyS0 memblock=debug log_buf_len=8M"
# MemTotal of a kexec'd ours after efi=debug vs after a plain boot; a
# reclaim that misses the boot-services memory would show tens of MiB
MEMTOTAL_MARGIN_KIB=1024

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"

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
	tap_ok "[ -z \"\$(qemu_bad_lines $name)\" ]" \
		"$name: no BUG, WARNING, Call Trace, Oops or Bad page state on the console"
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

first_boot_and_kexec_file()
{
	local b=table-chain

	boot $b ours t.mode=kexec t.hops=1 t.kx=s
	tap_ok "qemu_lines $b DMESG 1 | grep -q 'efi_bs_ranges: pass:[1-9][0-9]* fail:0'" \
		"KUnit suite efi_bs_ranges passes in the guest: $(qemu_lines $b DMESG 1 | grep -o 'pass:[0-9]* fail:[0-9]*' | head -n 1)"
	tap_ok "[ '$(qemu_field $b BSTABLE 1 reserved)' = 0 ] && [ '$(qemu_field $b BSTABLE 1 pages)' -gt 0 ]" \
		"generation 1: 0 pages PG_reserved in the $(qemu_field $b BSTABLE 1 pages) pages the table calls freed"
	tap_ok "[ '$(qemu_field $b COVERAGE 1 covered)' = '$(qemu_field $b COVERAGE 1 descriptors)' ] && [ '$(qemu_field $b COVERAGE 1 descriptors)' -gt 0 ]" \
		"generation 1: the table covers all $(qemu_field $b COVERAGE 1 descriptors) boot-services ranges efi_reserve_boot_services() reserved"
	tap_ok "[ '$(summary $b 1)' = '$(table_totals $b 1)' ] && [ -n '$(summary $b 1)' ]" \
		"generation 1: the summary line's totals (freed kept reclaimed: $(summary $b 1)) equal the table's"
	tap_ok "qemu_lines $b DMESG 2 | grep -q 'Inherited boot services range table: generation 1,'" \
		"kexec -s -l: generation 2 inherits the table of generation 1 (valid CRC and rules)"
	tap_ok "[ '$(qemu_field $b BSTABLE 2 generation)' = 2 ]" \
		"kexec -s -l: generation 2's own table has generation 2"
	tap_ok "[ \"\$(firmware_set $b 1)\" = \"\$(firmware_set $b 2)\" ] && [ -n \"\$(firmware_set $b 1)\" ]" \
		"kexec -s -l: the same firmware ranges in both generations ($(firmware_set $b 1 | awk '{print $3}' | tr '\n' ' '))"
	tap_ok "[ '$(qemu_field $b PRINT 1 same)' = yes ] && [ '$(qemu_field $b PRINT 2 same)' = yes ]" \
		"kexec --print-efi-ranges matches the kernel's debugfs view line for line ($(qemu_field $b PRINT 1 lines) lines)"
	tap_ok "[ '$(qemu_field $b BSTABLE 2 unexplained)' = 0 ]" \
		"generation 2: no PG_reserved page in freed ranges beyond its own $(qemu_field $b BSTABLE 2 own) pages"
	tap_ok "[ '$(qemu_field $b SYSFS 1 bs_ranges_mode)' = 400 ]" \
		"/sys/firmware/efi/bs_ranges is readable by root only, as runtime-map is (mode $(qemu_field $b SYSFS 1 bs_ranges_mode))"
	firmware_view $b 1
	firmware_view $b 2
}

# firmware_view BOOT GEN: firmware sees nothing of what the table frees
firmware_view()
{
	local b=$1 g=$2

	tap_ok "[ '$(qemu_field $b FWVIEW $g runtime_map)' -gt 0 ] && [ '$(qemu_field $b FWVIEW $g bs_in_freed)' = 0 ]" \
		"$b, generation $g: no boot-services descriptor of runtime-map in a freed or reclaimed range ($(qemu_field $b FWVIEW $g bs_in_freed) of $(qemu_field $b FWVIEW $g runtime_map), $(qemu_field $b FWVIEW $g bs_in_freed_kib) KiB)"
	tap_ok "[ '$(qemu_field $b FWVIEW $g efi_pgt)' = yes ] && [ '$(qemu_field $b FWVIEW $g mapped_freed_kib)' = 0 ]" \
		"$b, generation $g: the EFI page tables map no freed or reclaimed memory ($(qemu_field $b FWVIEW $g mapped_freed_kib) KiB mapped, dump read: $(qemu_field $b FWVIEW $g efi_pgt); the EFI memory map handed to this kernel, its own: $(qemu_field $b FWVIEW $g efi_memmap_kib) KiB there)"
}

efi_debug_then_kexec()
{
	local k=$1 b=efidebug-$1

	boot $b "$k" efi=debug t.drop=efi=debug t.mode=kexec t.hops=1 t.kx=s
	echo "# $k, generation 1 with efi=debug, generation 2 without:" \
		"$(qemu_field $b BSCOUNT 2 reserved) of $(qemu_field $b BSCOUNT 2 pages) pages" \
		"of generation 1's boot-services ranges PG_reserved in generation 2," \
		"MemTotal $(qemu_field $b MEMINFO 2 MemTotal) KiB"
}

efi_debug_figures()
{
	local res_stock res_ours

	efi_debug_then_kexec stock
	efi_debug_then_kexec ours
	tap_ok "[ '$(qemu_field efidebug-ours COVERAGE-MEMMAP 1 covered)' = '$(qemu_field efidebug-ours COVERAGE-MEMMAP 1 descriptors)' ] && [ '$(qemu_field efidebug-ours COVERAGE-MEMMAP 1 descriptors)' -gt 0 ]" \
		"efi=debug: the table covers all $(qemu_field efidebug-ours COVERAGE-MEMMAP 1 descriptors) Boot Code/Data descriptors of the firmware map"
	res_stock=$(qemu_field efidebug-stock BSCOUNT 2 reserved)
	res_ours=$(qemu_field efidebug-ours BSCOUNT 2 reserved)
	tap_ok "[ '${res_stock:-0}' -gt 0 ]" \
		"stock after efi=debug keeps $(( ${res_stock:-0} * 4 / 1024 )) MiB of boot-services memory PG_reserved"
	firmware_view efidebug-ours 2
	tap_ok "[ '$(qemu_field efidebug-ours BSTABLE 2 reclaimed_kib)' -gt 0 ] && [ '$(qemu_field efidebug-ours BSTABLE 2 unexplained)' = 0 ]" \
		"ours after efi=debug reclaims $(( $(qemu_field efidebug-ours BSTABLE 2 reclaimed_kib) / 1024 )) MiB; PG_reserved there only its own $(qemu_field efidebug-ours BSTABLE 2 own) pages"
	qemu_lines efidebug-ours OWN 2 | sed 's/^/#   own reservation in a reclaimed range: /'
	tap_ok "[ '$(qemu_field efidebug-ours BSTABLE 2 kept_kib)' -le '$(qemu_field table-chain BSTABLE 1 kept_kib)' ]" \
		"ours after efi=debug keeps $(qemu_field efidebug-ours BSTABLE 2 kept_kib) KiB, no more than a plain boot keeps ($(qemu_field table-chain BSTABLE 1 kept_kib) KiB)"
	local diff=$(( $(qemu_field table-chain MEMINFO 2 MemTotal) - $(qemu_field efidebug-ours MEMINFO 2 MemTotal) ))
	tap_ok "[ ${diff#-} -le $MEMTOTAL_MARGIN_KIB ]" \
		"ours after efi=debug: MemTotal within $MEMTOTAL_MARGIN_KIB KiB of ours after a plain boot ($diff KiB)"
	res_ours=$(qemu_field efidebug-ours BSCOUNT 2 reserved)
	echo "# PG_reserved pages of generation 1's ranges in generation 2: stock=$res_stock ours=$res_ours (ours: all its own)"
}

malformed_tables()
{
	local b=bad-tables rules n gen rule refused ignored

	rules=$("${GUEST_BIN:?}/bstable" rules | tr '\n' ',')
	n=$(echo "$rules" | tr ',' '\n' | grep -c .)
	boot $b ours t.mode=kexec t.hops="$n" t.bad="${rules%,}"
	gen=1
	for rule in $(echo "$rules" | tr ',' ' '); do
		refused=$(qemu_markers $b | sed -n "s/^REFUSED gen=$gen rule=$rule rc=\([0-9]*\) msg=.*rejected: \(.*\)/\1 \2/p")
		tap_ok "[ -n '$refused' ] && [ '${refused%% *}' != 0 ]" \
			"$rule: kexec refuses the table without --efi-ranges-unchecked: ${refused#* }"
		ignored=$(qemu_lines $b DMESG $((gen + 1)) | grep -c 'Ignoring the inherited boot services range table' || true)
		tap_ok "[ '$ignored' = 1 ] && qemu_lines $b DMESG $((gen + 1)) | grep -q 'range table: ${refused#* }\$'" \
			"$rule: the next kernel rejects it with one line naming the rule"
		tap_ok "[ '$(qemu_field $b BSTABLE $((gen + 1)) flags)' = 0x2 ] && [ '$(qemu_field $b BSTABLE $((gen + 1)) freed_kib)$(qemu_field $b BSTABLE $((gen + 1)) reclaimed_kib)' = 00 ]" \
			"$rule: the next kernel boots, keeps what it was handed and frees nothing"
		gen=$((gen + 1))
	done
}

firmware_table_in_freed_memory()
{
	local b=freed-memattr

	boot $b ours t.mode=kexec t.hops=1 t.free=firmware:memattr
	tap_ok "qemu_lines $b DMESG 2 | grep -q '(MEMATTR=0x[0-9a-f]* unusable)'" \
		"a Memory Attributes table in memory a predecessor freed is unusable, as the config table line says"
	tap_ok "! qemu_lines $b DMESG 2 | grep -q 'Unexpected EFI Memory Attributes'" \
		"and is not parsed"
}

# A setup_data node of length 0: nothing to map (early_memremap() of 0
# bytes warns, a panic under panic_on_warn) and no header to read.
empty_table()
{
	local b=empty-table

	boot $b ours t.mode=kexec t.hops=1 t.empty=1 t.next=panic_on_warn=1
	tap_ok "[ \"\$(qemu_lines $b DMESG 2 | grep -c 'Ignoring the inherited boot services range table: shorter than its header\$')\" = 1 ]" \
		"an empty table is rejected before it is mapped, with one line naming the rule"
	tap_ok "[ '$(qemu_field $b BSTABLE 2 flags)' = 0x2 ] && [ '$(qemu_field $b CONSOLE 2 clean)' = yes ]" \
		"and the next kernel, under panic_on_warn=1, boots clean and keeps what it was handed"
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
	tap_ok "echo '$line' | grep -q '^Inherited' && [ '$(qemu_field $b CONSOLE 2 clean)' = yes ]" \
		"kexec -s -l${*:+ after $*} into a kernel booted with mem=320M: it boots clean and honours the table: ${line:-no table line}"
}

first_boot_and_kexec_file
efi_debug_figures
empty_table
successor_with_mem_below_setup_data ""
successor_with_mem_below_setup_data -efidebug efi=debug t.drop=efi=debug
malformed_tables
firmware_table_in_freed_memory
tap_done

#!/bin/bash
# firmware.sh - the firmware tables the series protects, as OVMF really
# publishes them, on two firmware builds: Debian 12's OVMF 2022.11 and the
# newest Debian serves (ovmf-generic 2026.08, unpacked into the cache by
# mk/firmware.mk, never installed).
#
# On each build, `ours' boots at 512 MB with a display (OVMF then
# publishes an ACPI BGRT and its boot logo in boot-services memory) and a
# TPM 2.0 (swtpm; the firmware and the EFI stub leave their event logs),
# kexecs three times (kexec_load, kexec_file_load, kexec_load) and crashes
# into kdump (kexec -s -p).  In every generation, the capture kernel
# included, each table must read back as generation 1 read it:
#   - the Memory Attributes table (its own bytes, found by the efi: line),
#     and the range the table keeps for it: exactly the table's pages
#   - the BGRT image: a BMP, the same bytes, kept as firmware:bgrt
#   - the TPM event log the kernel parses (binary_bios_measurements)
# Then Debian's kexec-tools on the stock kernel, with its segments packed
# below the end of the Memory Attributes table, must damage it, where
# ours (kernel and kexec-tools) keeps it intact.  What OVMF cannot show
# under QEMU is an explicit skip with its reason, never a pass.
# An efi=debug boot of each build gives its boot-services layout.
# On LINUX=7.3 the Memory Attributes table itself is read in generation 1
# alone: a kexec'd 7.3 kernel drops it as it boots, overwriting its entry
# in the configuration table (efi_reuse_config(), upstream 64b45dd46e15,
# "x86/efi: skip memattr table on kexec boot"), and the test checks that
# it does; the range kept for it must still hash the same in every
# generation.
#
# Usage: tests/firmware.sh [-c] RUN_DIR IMAGES_DIR     (TAP on stdout)
#   -c     the chain alone, on Debian 12's OVMF (make check on 7.3)
#   CACHE  the build cache, where make firmware unpacked the newer OVMF
#   LINUX  the kernel base of IMAGES_DIR, 6.12 (the default) or 7.3
set -eu

CHAIN_ONLY=no
while getopts c opt; do
	case $opt in
	c)	CHAIN_ONLY=yes ;;
	*)	echo "usage: $0 [-c] RUN_DIR IMAGES_DIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
RUN_DIR=$1
IMAGES=$2
LINUX=${LINUX:-6.12}
MEM=512M
HOPS=3

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/checks.sh"
. "$here/lib/steer.sh"
. "$here/lib/esp.sh"

# firmware_select BUILD: point OVMF_CODE/OVMF_VARS at BUILD (2022.11, the
# system's; new, mk/firmware.mk's); prints why not and fails if it is not
# here
firmware_select()
{
	local root=

	[ "$1" = new ] && { root=$FW_OVMF_NEW; esp_missing "$root" && return 1; }
	OVMF_CODE=$root/usr/share/OVMF/OVMF_CODE_4M.fd
	OVMF_VARS=$root/usr/share/OVMF/OVMF_VARS_4M.fd
	[ -r "$OVMF_CODE" ] && [ -r "$OVMF_VARS" ] || { echo "no $OVMF_CODE"; return 1; }
}

# the kernel's console lines of boot BOOT, its timestamps stripped too
kernel_lines()
{
	qemu_console "$1" | sed -E 's/^\[ *[0-9.]+\] //'
}

# fw_range BOOT GEN REASON: "start pages" of the first kept range for REASON
fw_range()
{
	qemu_lines "$1" FWRANGE "$2" | awk -v r="$3" '$3 == r { print $1, $2; exit }'
}

# fw_hash BOOT GEN START REASON: the hash of the range at START kept for
# REASON, if it was read whole
fw_hash()
{
	qemu_lines "$1" FWHASH "$2" |
		awk -v s="$3" -v r="$4" '$1 == s && $3 == r && $5 == "bytes=" $2 * 4096 { print $4; exit }'
}

# range_hash_kept BOOT REASON LAST: the range generation 1 keeps for
# REASON hashes the same in generations 1..LAST
range_hash_kept()
{
	local boot=$1 reason=$2 last=$3 start first g v

	read -r start _ <<<"$(fw_range "$boot" 1 "$reason")"
	[ -n "$start" ] || { echo "generation 1 keeps no range for $reason"; return 1; }
	first=$(fw_hash "$boot" 1 "$start" "$reason")
	[ -n "$first" ] || { echo "no whole FWHASH of $reason at $start in generation 1"; return 1; }
	for g in $(seq 2 "$last"); do
		v=$(fw_hash "$boot" "$g" "$start" "$reason")
		[ "$v" = "$first" ] ||
			{ echo "generation $g: $reason at $start hashes ${v:-nothing}, generation 1: $first"; return 1; }
	done
}

# memattr_pages_exact BOOT: the range kept for the Memory Attributes
# table is the pages its bytes lie in, no more
memattr_pages_exact()
{
	local addr bytes start pages want_start want_pages

	table_read "$1" MEMATTR 1 16 || return 1
	addr=$(qemu_field "$1" MEMATTR 1 addr)
	# table_read checked: the header's size, and what was read
	bytes=$(qemu_field "$1" MEMATTR 1 bytes)
	read -r start pages <<<"$(fw_range "$1" 1 firmware:memattr)"
	tap_int "FWRANGE firmware:memattr start" "$start" &&
		tap_int "FWRANGE firmware:memattr pages" "$pages" 1 || return 1
	want_start=$((addr & ~4095))
	want_pages=$(((addr % 4096 + bytes + 4095) / 4096))
	echo "kept $pages pages at $start; the table is $bytes bytes at $addr: $want_pages pages at $(printf 0x%x $want_start)"
	[ $((start)) = "$want_start" ] && [ "$pages" = "$want_pages" ]
}

# bgrt_kept BOOT: generation 1's table keeps a firmware:bgrt range holding
# the image
bgrt_kept()
{
	local addr start pages

	addr=$(qemu_field "$1" BGRT 1 addr)
	read -r start pages <<<"$(fw_range "$1" 1 firmware:bgrt)"
	tap_int "BGRT addr" "$addr" && tap_int "FWRANGE firmware:bgrt start" "$start" &&
		tap_int "FWRANGE firmware:bgrt pages" "$pages" 1 || return 1
	[ $((start)) -le $((addr)) ] && [ $((addr)) -lt $((start + pages * 4096)) ]
}

# value_everywhere BOOT MARKER KEY WANT LAST: KEY of MARKER is WANT in
# generations 1..LAST
value_everywhere()
{
	local g v

	for g in $(seq 1 "$5"); do
		v=$(qemu_field "$1" "$2" "$g" "$3")
		[ "$v" = "$4" ] || { echo "generation $g: $2 $3='$v', not $4"; return 1; }
	done
}

# tpm_logs_not_ram BOOT: both TPM logs of generation 1 lie in ACPI memory
# (or Reserved), not in RAM a kernel frees or kexec fills; says where they
# lie
tpm_logs_not_ram()
{
	local log final li fi

	log=$(qemu_field "$1" TPMLOG 1 log)
	final=$(qemu_field "$1" TPMLOG 1 final)
	li=$(qemu_field "$1" TPMLOG 1 log_iomem)
	fi=$(qemu_field "$1" TPMLOG 1 final_iomem)
	echo "event log at ${log:-?}: ${li:-?}, final log at ${final:-?}: ${fi:-?}"
	tap_int "TPMLOG log" "$log" >/dev/null && tap_int "TPMLOG final" "$final" >/dev/null || return 1
	case "$li $fi" in
	*System_RAM* | *none* | *Kernel*) return 1 ;;
	esac
	[ -n "$li" ] && [ -n "$fi" ]
}

# efi_table BOOT NAME: the address of config table NAME (MEMATTR, ESRT,
# MOKvar, TPMEventLog...) in generation 1's efi: line
efi_table()
{
	kernel_lines "$1" | grep -m1 '^efi: .*=0x' | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# table_of BOOT REASON: the addresses of what generation 1 keeps REASON for
table_of()
{
	case $2 in
	firmware:memattr)	efi_table "$1" MEMATTR ;;
	firmware:esrt)		efi_table "$1" ESRT ;;
	firmware:mokvar)	efi_table "$1" MOKvar ;;
	firmware:tpm-log)	efi_table "$1" TPMEventLog; efi_table "$1" TPMFinalLog ;;
	firmware:bgrt)		qemu_field "$1" BGRT 1 addr ;;
	esac
}

# kept_for_real_tables BOOT: each range generation 1 keeps for a firmware
# table holds that table, as the firmware published it
kept_for_real_tables()
{
	local boot=$1 start pages reason addr n=0 held

	while read -r start pages reason; do
		case $reason in firmware:?*) ;; *) continue ;; esac
		tap_int "FWRANGE start" "$start" && tap_int "FWRANGE pages" "$pages" 1 || return 1
		n=$((n + 1))
		held=no
		for addr in $(table_of "$boot" "$reason"); do
			tap_int "$reason's address" "$addr" || return 1
			[ $((addr)) -ge $((start)) ] && [ $((addr)) -lt $((start + pages * 4096)) ] && held=yes
		done
		[ $held = yes ] ||
			{ echo "$start ($pages pages) is kept as $reason; the firmware published it at: $(table_of "$boot" "$reason" | tr '\n' ' ')"; return 1; }
	done <<<"$(qemu_lines "$boot" FWRANGE 1)"
	echo "$n ranges kept for firmware tables"
	[ $n -gt 0 ]
}

# chain_done BOOT CAPTURE: the capture kernel saved the dump
chain_done()
{
	local rc

	rc=$(qemu_field "$1" DUMP - rc)
	tap_int "DUMP rc" "$rc" || return 1
	[ -n "$(qemu_lines "$1" CAPTURE "$2")" ] || { echo "no CAPTURE gen=$2"; return 1; }
	[ "$rc" = 0 ]
}

# memattr_dropped BOOT LAST: generation 1 read the Memory Attributes
# table, and generations 2..LAST name none (MEMATTR= all ones: generation
# 2 overwrote the entry, those after it find it overwritten)
memattr_dropped()
{
	local g v

	table_read "$1" MEMATTR 1 16 || return 1
	for g in $(seq 2 "$2"); do
		v=$(qemu_field "$1" MEMATTR "$g" addr)
		[ "$v" = 0xffffffffffffffff ] ||
			{ echo "generation $g: MEMATTR at '$v': $(qemu_lines "$1" MEMATTR "$g")"; return 1; }
	done
}

# consoles_clean BOOT LAST: each generation found its own log clean (the
# crash that starts the capture kernel is the test's own sysrq-c)
consoles_clean()
{
	local g

	for g in $(seq 1 "$2"); do
		[ "$(qemu_field "$1" CONSOLE "$g" clean)" = yes ] ||
			{ echo "generation $g: console not clean"; qemu_lines "$1" DMESG-BAD "$g" | head -n 5; return 1; }
	done
}

# what generation 1 runs: 3 hops (kexec_load, kexec_file_load, kexec_load)
# then kdump through kexec_file_load
CHAIN="console=ttyS0 crashkernel=160M t.mode=kexec t.hops=$HOPS t.kx=alt t.then=kdump t.kdump=s"

# chain_checks FW BOOT: every table in every generation of a chain
chain_checks()
{
	local fw=$1 boot=$2 last=$((HOPS + 2)) why

	tap_check "$fw: $HOPS hops and kdump: the capture kernel (generation $last) saved the dump" \
		chain_done "$boot" "$last"
	tap_check "$fw: consoles clean in every generation" consoles_clean "$boot" "$last"

	tap_check "$fw: every range kept for a firmware table holds the table the firmware published" \
		kept_for_real_tables "$boot"
	if [ "$LINUX" = 7.3 ]; then
		tap_check "$fw: the Memory Attributes table ($(qemu_field "$boot" MEMATTR 1 bytes) bytes at $(qemu_field "$boot" MEMATTR 1 addr)) read in generation 1, dropped by the kexec'd kernels of generations 2-$last" \
			memattr_dropped "$boot" "$last"
	else
		tap_check "$fw: the Memory Attributes table ($(qemu_field "$boot" MEMATTR 1 bytes) bytes at $(qemu_field "$boot" MEMATTR 1 addr)) reads the same in generations 1-$last" \
			table_same "$boot" MEMATTR "$last" 16
	fi
	tap_check "$fw: the range kept for it is the table's own pages" \
		memattr_pages_exact "$boot"
	tap_check "$fw: that range hashes the same in generations 1-$last" \
		range_hash_kept "$boot" firmware:memattr "$last"

	if [ -z "$(qemu_field "$boot" BGRT 1 magic)" ]; then
		tap_fail "$fw: OVMF publishes a BGRT image with -device VGA: $(qemu_lines "$boot" BGRT 1)"
	else
		tap_check "$fw: the BGRT image ($(qemu_field "$boot" BGRT 1 bytes) bytes at $(qemu_field "$boot" BGRT 1 addr)) is a BMP in generations 1-$last" \
			value_everywhere "$boot" BGRT magic BM "$last"
		tap_check "$fw: the BGRT image reads the same in generations 1-$last" \
			table_same "$boot" BGRT "$last" 54
		tap_check "$fw: generation 1 keeps it as firmware:bgrt" bgrt_kept "$boot"
		tap_check "$fw: that range hashes the same in generations 1-$last" \
			range_hash_kept "$boot" firmware:bgrt "$last"
	fi

	if [ -z "$(qemu_field "$boot" TPMLOG 1 sha)" ]; then
		tap_fail "$fw: the TPM event log is readable with swtpm: $(qemu_lines "$boot" TPMLOG 1)"
	else
		tap_check "$fw: the TPM event log ($(qemu_field "$boot" TPMLOG 1 bytes) bytes) reads the same in generations 1-$last" \
			table_same "$boot" TPMLOG "$last" 1
	fi
	if [ -n "$(fw_range "$boot" 1 firmware:tpm-log)" ]; then
		tap_check "$fw: the range kept for the TPM logs hashes the same in generations 1-$last" \
			range_hash_kept "$boot" firmware:tpm-log "$last"
	elif why=$(tpm_logs_not_ram "$boot"); then
		tap_skip "$fw: the range kept for the TPM logs hashes the same" \
			"the logs are not in boot-services memory: $why"
	else
		tap_fail "$fw: a TPM log may lie in RAM, and generation 1 keeps no range for it: $why"
	fi
}

# the chain on one build, with a display and a TPM
chain()
{
	local fw=$1 boot=chain-$1 last=$((HOPS + 2))

	if QEMU_VGA=1 QEMU_TPM=1 QEMU_TIMEOUT=$((240 + 60 * HOPS)) qemu_boot "$boot" \
		"$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" $MEM "$CHAIN" "$last"; then
		tap_pass "$fw: generations 1-$last booted, the capture kernel last"
	else
		tap_fail "$fw: generations 1-$last booted, the capture kernel last"
	fi
	chain_checks "$fw" "$boot"

	# what OVMF does not publish
	if kernel_lines "$boot" | grep -q '^efi: .*ESRT='; then
		tap_check "$fw: the ESRT is kept" range_hash_kept "$boot" firmware:esrt "$last"
	else
		tap_skip "$fw: the ESRT is kept" "OVMF publishes no ESRT"
	fi
	if [ -n "$(efi_table "$boot" MOKvar)" ]; then
		tap_check "$fw: the MOKvar table is kept" range_hash_kept "$boot" firmware:mokvar "$last"
	else
		tap_skip "$fw: the MOKvar table is kept" "no MOKvar= in the efi: line: only shim publishes it"
	fi
	tap_check "$fw: the BGRT image is Reserved in /proc/iomem in generations 1-$((last - 1))" \
		value_everywhere "$boot" BGRT iomem Reserved $((last - 1))
}

damage()
{
	local fw=$1 boot

	boot=steer-$fw-stock
	steered_hop "$fw: " "$boot" stock stock memattr-table
	tap_check "$fw: stock kernel, Debian's kexec-tools: a segment lies on the Memory Attributes table" \
		segment_on "$boot" $(memattr_bytes "$boot")
	tap_check "$fw: and generation 2 finds the table damaged (version $(qemu_field "$boot" MEMATTR 2 version))" \
		table_damaged "$boot" MEMATTR
	boot=steer-$fw-ours
	steered_hop "$fw: " "$boot" ours ours memattr-table
	tap_check "$fw: ours, the same steering: generation 2 finds it intact" \
		table_same "$boot" MEMATTR 2 16

	# the BGRT image, which the kernel itself keeps Reserved
	boot=steer-$fw-bgrt
	QEMU_VGA=1 steered_hop "$fw: " "$boot" ours stock firmware:bgrt
	tap_check "$fw: kexec placed its segments in the 64 MiB window below the image's end, none on it, and generation 2 reads the same image" \
		bgrt_untouched "$boot"
	if bgrt_out_of_reach "$boot" "chain-$fw" >"$RUN_DIR/$boot.why"; then
		tap_skip "$fw: Debian's kexec-tools damages the BGRT image or the TPM logs" "$(cat "$RUN_DIR/$boot.why")"
	else
		tap_fail "$fw: the BGRT image or a TPM log lies in System RAM: Debian's kexec-tools could damage it: $(cat "$RUN_DIR/$boot.why")"
	fi
}

# bgrt_out_of_reach BOOT CHAIN: the BGRT image is Reserved (BOOT's
# generation 1) and the TPM logs ACPI memory (CHAIN's): says so
bgrt_out_of_reach()
{
	local bgrt

	bgrt=$(qemu_field "$1" BGRT 1 iomem)
	tpm_logs_not_ram "$2" >/dev/null || { tpm_logs_not_ram "$2"; return 1; }
	echo "the kernel keeps the BGRT image ${bgrt:-?} in /proc/iomem and the TPM logs lie in ACPI memory ($(tpm_logs_not_ram "$2")): kexec places segments in System RAM only (the point above)"
	[ "$bgrt" = Reserved ]
}

# bgrt_untouched BOOT: kexec -d listed segments, none on the range kept
# for the BGRT image, and generation 2 read the image generation 1 read
bgrt_untouched()
{
	local start pages mem memsz n=0 steer high

	read -r start pages <<<"$(fw_range "$1" 1 firmware:bgrt)"
	tap_int "FWRANGE firmware:bgrt start" "$start" &&
		tap_int "FWRANGE firmware:bgrt pages" "$pages" 1 || return 1
	while read -r mem memsz; do
		mem=${mem#mem=}
		memsz=${memsz#memsz=}
		tap_int "SEGMENT mem" "$mem" && tap_int "SEGMENT memsz" "$memsz" || return 1
		n=$((n + 1))
		[ $((mem)) -ge $((start + pages * 4096)) ] || [ $((mem + memsz)) -le $((start)) ] ||
			{ printf 'segment 0x%x-0x%x on the BGRT image\n' $((mem)) $((mem + memsz - 1)); return 1; }
	done <<<"$(qemu_lines "$1" SEGMENT 1)"
	[ "$n" -gt 0 ] || { echo "no SEGMENT line of generation 1"; return 1; }
	echo "$n segments"
	steer=$(qemu_field "$1" STEER 1 range)
	high=${steer#*-}
	tap_int "STEER range end" "$high" || return 1
	segments_within "$1" $((high + 1 - 64 * 1024 * 1024)) "$high" || return 1
	table_same "$1" BGRT 2 54
}

# secure_boot BUILD ROOT: the same chain under Secure Boot, booted from an
# ESP with systemd-boot and the kernel signed with the snakeoil key of
# the build (unpacked under ROOT); an unsigned kernel must be refused
secure_boot()
{
	local fw=$1 root=$2 boot=sb-$1 last=$((HOPS + 2)) rc=0

	if [ -f "$FW_SDBOOT_UNAVAILABLE" ]; then
		tap_skip "$fw Secure Boot: every check" "$(head -n 1 "$FW_SDBOOT_UNAVAILABLE")"
		return
	fi
	if ! esp_snakeoil "$root" >"$RUN_DIR/$boot.why" ||
		! esp_build "$boot" "$root" "$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" \
			"$CHAIN" >>"$RUN_DIR/$boot.why"; then
		tap_fail "$fw Secure Boot: $(cat "$RUN_DIR/$boot.why")"
		return
	fi
	if QEMU_SB=1 QEMU_ESP=$ESP_DIR QEMU_VGA=1 QEMU_TPM=1 QEMU_TIMEOUT=$((240 + 60 * HOPS)) \
		qemu_boot "$boot" "" "" $MEM "" "$last"; then
		tap_pass "$fw Secure Boot: generations 1-$last booted, the capture kernel last"
	else
		tap_fail "$fw Secure Boot: generations 1-$last booted, the capture kernel last"
	fi
	tap_check "$fw Secure Boot: the firmware booted the signed chain with Secure Boot on" \
		sb_enabled "$boot"
	chain_checks "$fw Secure Boot" "$boot"

	if ! esp_build "$boot-unsigned" "$root" "$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" \
		"console=ttyS0 t.mode=report" unsigned >"$RUN_DIR/$boot-unsigned.why"; then
		tap_fail "$fw Secure Boot, unsigned kernel: $(cat "$RUN_DIR/$boot-unsigned.why")"
		return
	fi
	QEMU_SB=1 QEMU_ESP=$ESP_DIR QEMU_TIMEOUT=120 qemu_boot "$boot-unsigned" "" "" $MEM "" || rc=$?
	tap_check "$fw Secure Boot: systemd-boot started, and the firmware refused the unsigned kernel (qemu_boot: $rc)" \
		refused_kernel "$boot-unsigned" "$rc"
}

# refused_kernel BOOT RC: qemu_boot stopped a refused boot (2), and the
# refusal was of the kernel, loaded by the signed boot loader
refused_kernel()
{
	[ "$2" = 2 ] || { echo "qemu_boot returned $2, not 2 (refused)"; return 1; }
	kernel_lines "$1" | grep -q 'BdsDxe: starting Boot' ||
		{ echo "the firmware started no boot option"; return 1; }
	kernel_lines "$1" | grep -q 'Error loading \\vmlinuz: Access Denied' ||
		{ echo "no \"Error loading \\vmlinuz: Access Denied\""; return 1; }
}

# sb_enabled BOOT: the kernel says Secure Boot is on, and generation 1 ran
sb_enabled()
{
	kernel_lines "$1" | grep -m1 'secureboot: Secure boot enabled' || return 1
	[ -n "$(qemu_lines "$1" MEMINFO 1)" ]
}

# layout BUILD: the boot-services part of the firmware's memory map
layout()
{
	local fw=$1 boot=layout-$1 summary

	qemu_boot "$boot" "$IMAGES/bzImage-ours" "$IMAGES/initramfs-ours.cpio.gz" $MEM \
		"console=ttyS0 efi=debug t.mode=report" || true
	summary=$(kernel_lines "$boot" | perl -ne '
		$memattr = hex($1) if /^efi: .*MEMATTR=0x([0-9a-f]+)/;
		next unless /^efi: (mem\d+): \[(.*?)\s*\|.*range=\[0x([0-9a-f]+)-0x([0-9a-f]+)\]/;
		next if $seen{$1}++;
		($s, $e) = (hex($3), hex($4) + 1);
		$n++;
		if ($2 eq "Boot Code") { $bc++; $bcb += $e - $s }
		if ($2 eq "Boot Data") { $bd++; $bdb += $e - $s }
		$where = sprintf("%s %s 0x%x-0x%x (%d pages)", $1, $2, $s, $e - 1, ($e - $s) / 4096)
			if defined $memattr && $memattr >= $s && $memattr < $e;
		END {
			printf "%d descriptors; Boot Code %d, %.2f MiB; Boot Data %d, %.2f MiB; memattr in %s\n",
				$n, $bc, $bcb / 1048576, $bd, $bdb / 1048576, $where // "none" if $n;
		}')
	tap_check "$fw: boot-services layout: ${summary:-not found}" test -n "$summary"
}

main()
{
	local build fw why

	mkdir -p "$RUN_DIR"
	esp_firmware || { tap_fail "make firmware's paths (mk/firmware.mk print-env)"; tap_done; exit 1; }
	for build in 2022.11 $([ "$CHAIN_ONLY" = yes ] || echo new); do
		fw=$build
		[ "$build" = new ] && fw=${FW_OVMF_NEW_VERSION%%+*}
		# not in $(...): it sets OVMF_CODE and OVMF_VARS
		if ! firmware_select "$build" >"$RUN_DIR/firmware-$build.why"; then
			why=$(cat "$RUN_DIR/firmware-$build.why")
			if [ "$build" = new ] && [ -f "$FW_OVMF_NEW_UNAVAILABLE" ]; then
				tap_skip "OVMF $FW_OVMF_NEW_VERSION: every check" "$why"
			else
				tap_fail "OVMF $fw: $why"
			fi
			continue
		fi
		export OVMF_CODE OVMF_VARS
		[ "$CHAIN_ONLY" = yes ] || layout "$fw"
		chain "$fw"
		# on the newest build; 2022.11's are tests/kexec-tools.sh's
		if [ "$build" = new ]; then
			damage "$fw"
			secure_boot "$fw" "$FW_OVMF_NEW"
		fi
	done
	tap_done
}

main

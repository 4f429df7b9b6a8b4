#!/bin/sh
# /init of the test initramfs (busybox ash).  What it does is read from
# the kernel command line; every line the host acts on starts with "T: ".
#
#   t.mode=report    print the figures of this boot, power off (default)
#   t.mode=kexec     report, then kexec into /boot/vmlinuz with t.gen+1
#                    until t.gen > t.hops, then power off
#   t.mode=kdump     report, load the capture kernel (kexec -p), crash
#   t.mode=capture   (set by kdump) save /proc/vmcore with makedumpfile
#   t.mode=shell     a shell on the console
#   t.gen=N          generation: 1 when booted by the firmware
#   t.hops=N         kexec hops to make in kexec mode (default 3)
#   t.kx=c|s|alt     kexec_load (c), kexec_file_load (s), or alternate
#                    starting with kexec_load (default alt)
#   t.next=W1,W2     words added to the command line of later generations
#   t.drop=W1,W2     words removed from it (e.g. efi=debug after gen 1)
#   t.kexec=T1,T2    the kexec-tools generation N uses, ours or stock
#                    (default ours); the last one given for later ones
#   t.bad=R1,R2      kexec mode: at generation N, hand the next kernel a
#                    range table that breaks rule RN (bstable rules), after
#                    checking that kexec refuses it without
#                    --efi-ranges-unchecked; forces kexec_load
#   t.free=REASON    at generation 1, hand over a valid table in which the
#                    ranges kept for REASON are marked freed (kexec_load,
#                    --efi-ranges-unchecked)
#   t.empty=1        at generation 1, hand over an empty table: a
#                    setup_data node of length 0 (kexec_load)
#   t.v=1            one BSRANGE line per boot-services range
#   t.cost=1         time the rules' work on this boot's table that a
#                    kernel inheriting it does in one hop (bench_table)
#   t.steer=REASON   at generation t.steer_gen (default 1), pass kexec
#                    --mem-min/--mem-max so that segments are packed right
#                    below the end of the largest range kept for REASON
#                    (e.g. no-table) that ends above 64 MiB
#   t.segments=1     print where kexec -l put each segment, from kexec -d:
#                    T: SEGMENT gen=N mem=0x... memsz=0x...
#   t.steer=memattr-table  the same below the end of the page(s) holding
#                    the EFI Memory Attributes table itself, found from
#                    the kernel's log: works on a kernel with no range
#                    table (stock) too
#   t.then=kdump     kexec mode: after the last hop, crash into kdump
#   t.kdump=c|s      load the capture kernel with kexec -p (c, default) or
#                    kexec -s -p (s)
#
# Firmware tables, checked in every generation, the capture kernel's
# included (an address is 0x%x; an iomem TYPE is the deepest /proc/iomem
# resource of the running kernel holding the address, blanks made "_",
# "none" if no resource holds it, as in a capture kernel for the crashed
# kernel's RAM):
#   T: BGRT gen=N addr=A status=S type=T bytes=B magic=M sha=H iomem=TYPE
#       the ACPI BGRT's image address (offset 40), the image the kernel
#       exposes (M: its first two bytes, as text if alphanumeric, else
#       0x and hex); "... iomem=TYPE image=none" with status and type
#       from the table when the kernel exposes no image; "none" with no
#       ACPI BGRT
#   T: TPMLOG gen=N bytes=B sha=H log=A log_iomem=TYPE final=A
#       final_iomem=TYPE   binary_bios_measurements ("none" instead of
#       bytes and sha if unreadable), then the kernel's TPMEventLog= and
#       TPMFinalLog=, each pair left out if the firmware gave none: with
#       no TPM, just "T: TPMLOG gen=N none"
#   T: MEMATTR gen=N addr=A version=V entries=E desc_size=D bytes=B sha=H
#       iomem=TYPE   the EFI Memory Attributes table (MEMATTR=), read
#       through /dev/mem (/proc/vmcore in the capture kernel); B = 16 +
#       E * D bytes are hashed.  A garbage header (V > 2, or B > 1 MiB)
#       hashes the page(s) holding the header instead, B their bytes,
#       and ends in "bad=header"; "addr=A iomem=TYPE bad=read" if the
#       header cannot be read; "none" with no MEMATTR=

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
set -o pipefail
mkdir -p /proc /sys /tmp /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs -o size=80% tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
# From here on the console carries the "T: " lines the host parses; a
# kernel message printed to it meanwhile can land in the middle of one (a
# late "tsc: Refined TSC clocksource calibration" cut a BSTABLE line in
# two).  Keep info and notice messages off the console; warnings and
# worse, the ones the host looks for, still reach it.
dmesg -n 5

CMDLINE=$(cat /proc/cmdline)

arg()
{
	local v
	v=$(echo " $CMDLINE " | tr ' ' '\n' | grep "^$1=" | tail -n 1 | cut -d= -f2-)
	echo "${v:-$2}"
}

MODE=$(arg t.mode report)
GEN=$(arg t.gen 1)
HOPS=$(arg t.hops 3)
KX=$(arg t.kx alt)
KEXEC=/sbin/kexec
# anything but ours or stock names no kexec: the hop fails (KEXEC-FAIL)
tools=$(arg t.kexec ours | tr ',' '\n' | head -n "$GEN" | tail -n 1)
[ "$tools" = ours ] || KEXEC=/sbin/kexec-$tools
TABLE=/sys/firmware/efi/bs_ranges

uptime_s()
{
	cut -d' ' -f1 /proc/uptime
}

# MemFree does not count free pages parked on the per-CPU lists, which
# swing by megabytes from boot to boot; FreeKiB adds them back
# (/proc/zoneinfo "count:" of every pageset).
meminfo()
{
	awk '/^(MemTotal|MemFree):/ { printf " %s%s", $1, $2 }' /proc/meminfo |
		sed 's/:/=/g'
	awk '/^MemFree:/ { free = $2 } END { printf " FreeKiB=%d", free + pcp * 4 }
		FILENAME ~ /zoneinfo/ && $1 == "count:" { pcp += $2 }' \
		/proc/zoneinfo /proc/meminfo
}

# "T: WORD rest" -> "T: WORD gen=N rest"
tag()
{
	sed -E 's/^T: ([A-Z0-9-]+) /T: \1 gen='"$GEN"' /'
}

# The boot-services ranges of generation 1 (memblock=debug) are carried
# in the rootfs to later generations, to be counted there too.
count_pages()
{
	local v=""

	[ "$(arg t.v 0)" = 1 ] && v=-v
	if [ -s /carry/bsranges ]; then
		bscount $v -f /carry/bsranges
	else
		mkdir -p /carry
		bscount $v -S /carry/bsranges
	fi
}

sha256()
{
	sha256sum <"$1" | cut -d' ' -f1
}

# The PT_LOAD segments of /proc/vmcore (ELF64), "paddr filesz offset" a
# line: the crashed kernel's RAM, the interface made to read it.
vmcore_loads()
{
	local phoff phnum i

	phoff=$(od -An -tu8 -j32 -N8 /proc/vmcore | tr -d ' ')
	phnum=$(od -An -tu2 -j56 -N2 /proc/vmcore | tr -d ' ')
	i=0
	while [ "$i" -lt "$phnum" ]; do
		# p_type + p_flags << 32, p_offset, p_vaddr, p_paddr, p_filesz
		set -- $(od -An -tu8 -j$((phoff + i * 56)) -N40 /proc/vmcore)
		[ $(($1 & 0xffffffff)) = 1 ] && echo "$4 $5 $2"
		i=$((i + 1))
	done
}

# LEN bytes at physical address ADDR into FILE, through /dev/mem, or in
# the capture kernel through /proc/vmcore when one segment holds them
# all, else (the crashed kernel's Reserved ranges) through a mapping of
# /dev/mem, whose read() stops at the capture kernel's high_memory
# (physread.c).  FILE is shorter if the read failed: callers check its
# size.
read_phys()
{
	local addr=$(($1)) len=$2 out=$3 src=/dev/mem skip paddr size off

	skip=$addr
	if [ "$MODE" = capture ]; then
		[ -s /tmp/vmcore.loads ] || vmcore_loads >/tmp/vmcore.loads
		src=physread
		while read -r paddr size off; do
			if [ "$addr" -ge "$paddr" ] &&
				[ $((addr + len)) -le $((paddr + size)) ]; then
				src=/proc/vmcore skip=$((off + addr - paddr))
				break
			fi
		done </tmp/vmcore.loads
	fi
	if [ "$src" = physread ]; then
		physread "$addr" "$len" >"$out" 2>/dev/null || true
		return
	fi
	rm -f "$out"
	dd if="$src" of="$out" bs=4096 skip="$skip" count="$len" \
		iflag=skip_bytes,count_bytes 2>/dev/null
	touch "$out"
}

# sha256 of the kept firmware-owned ranges, read as read_phys does, and
# how many bytes were read: a failed read hashes the same every time
hash_firmware_ranges()
{
	local start pages reason

	while read -r _ _ start pages reason; do
		read_phys "$start" $((pages * 4096)) /tmp/fwrange
		echo "T: FWHASH $start $pages $reason $(sha256 /tmp/fwrange) bytes=$(wc -c </tmp/fwrange)"
	done
	rm -f /tmp/fwrange
}

# The address KEY=0x... of the kernel's "efi:" line of configuration
# tables (MEMATTR, TPMEventLog...); empty if the firmware gave none.
# The whole boot log stays in the buffer (CONFIG_LOG_BUF_SHIFT=18).
efi_table()
{
	dmesg | grep ' efi: ' | grep -o -E " $1=0x[0-9a-f]+" | sed -n '1s/.*=//p'
}

# The name of the deepest /proc/iomem resource holding ADDR, blanks made
# "_" ("System_RAM"), or "none".  A child follows its parent and siblings
# do not overlap, so the last resource that holds ADDR is the deepest.
iomem_name()
{
	local a=$(($1)) line range name=none

	while IFS= read -r line; do
		range=${line%% : *}
		range=${range##* }
		[ "$a" -ge $((0x${range%-*})) ] && [ "$a" -le $((0x${range#*-})) ] &&
			name=${line#* : }
	done </proc/iomem
	echo "$name" | tr ' ' _
}

# The first two bytes of FILE: as text if both are letters or digits
# ("BM"), else 0x and their hex (nothing on the console to break a line)
magic()
{
	local m

	m=$(head -c 2 "$1" | tr -dc 'A-Za-z0-9')
	if [ ${#m} = 2 ]; then
		echo "$m"
	else
		echo "0x$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')"
	fi
}

# The ACPI BGRT and the boot logo it points at, as this kernel sees them
bgrt_line()
{
	local t=/sys/firmware/acpi/tables/BGRT d=/sys/firmware/acpi/bgrt addr

	if [ ! -r "$t" ]; then
		echo "T: BGRT gen=$GEN none"
		return
	fi
	addr=$(printf '0x%x' "0x$(od -An -tx8 -j40 -N8 "$t" | tr -d ' ')")
	if cat "$d/image" >/tmp/bgrt.image 2>/dev/null; then
		echo "T: BGRT gen=$GEN addr=$addr status=$(cat "$d/status") type=$(cat "$d/type") bytes=$(wc -c </tmp/bgrt.image) magic=$(magic /tmp/bgrt.image) sha=$(sha256 /tmp/bgrt.image) iomem=$(iomem_name "$addr")"
	else
		# the table's own status and image type (bytes 38, 39)
		echo "T: BGRT gen=$GEN addr=$addr status=$(od -An -tu1 -j38 -N1 "$t" | tr -d ' ') type=$(od -An -tu1 -j39 -N1 "$t" | tr -d ' ') iomem=$(iomem_name "$addr") image=none"
	fi
	rm -f /tmp/bgrt.image
}

# " KEY=ADDR KEY_iomem=TYPE" for the efi: line's NAME=, if it has one
efi_table_fields()
{
	local addr

	addr=$(efi_table "$2")
	[ -z "$addr" ] || echo " $1=$addr $1_iomem=$(iomem_name "$addr")"
}

tpm_line()
{
	local log=/sys/kernel/security/tpm0/binary_bios_measurements what=none

	cat "$log" >/tmp/tpm.log 2>/dev/null &&
		what="bytes=$(wc -c </tmp/tpm.log) sha=$(sha256 /tmp/tpm.log)"
	rm -f /tmp/tpm.log
	echo "T: TPMLOG gen=$GEN $what$(efi_table_fields log TPMEventLog)$(efi_table_fields final TPMFinalLog)"
}

# The header of the EFI Memory Attributes table at ADDR, "version
# entries desc_size bytes" (u32 each, little-endian, then a reserved
# one), bytes = 16 + entries * desc_size; bytes is "bad" when the header
# is garbage (version > 2, or more than 1 MiB: never read that much)
memattr_header()
{
	local version entries size

	read_phys "$1" 16 /tmp/memattr.hdr
	[ "$(wc -c </tmp/memattr.hdr)" = 16 ] || return 1
	read -r version entries size _ <<EOT
$(od -An -tu4 /tmp/memattr.hdr)
EOT
	# each factor first: their product may not fit in 64 bits
	if [ "$version" -gt 2 ] || [ "$entries" -gt 1048576 ] ||
		[ "$size" -gt 1048576 ] || [ $((16 + entries * size)) -gt 1048576 ]; then
		echo "$version $entries $size bad"
	else
		echo "$version $entries $size $((16 + entries * size))"
	fi
}

memattr_line()
{
	local addr version entries size bytes start end

	addr=$(efi_table MEMATTR)
	if [ -z "$addr" ]; then
		echo "T: MEMATTR gen=$GEN none"
		return
	fi
	read -r version entries size bytes <<EOT
$(memattr_header "$addr")
EOT
	if [ -z "$bytes" ]; then
		echo "T: MEMATTR gen=$GEN addr=$addr iomem=$(iomem_name "$addr") bad=read"
	elif [ "$bytes" = bad ]; then
		start=$((addr / 4096 * 4096))
		end=$(((addr + 16 + 4095) / 4096 * 4096))
		read_phys "$start" $((end - start)) /tmp/memattr
		echo "T: MEMATTR gen=$GEN addr=$addr version=$version entries=$entries desc_size=$size bytes=$(wc -c </tmp/memattr) sha=$(sha256 /tmp/memattr) iomem=$(iomem_name "$addr") bad=header"
	else
		read_phys "$addr" "$bytes" /tmp/memattr
		echo "T: MEMATTR gen=$GEN addr=$addr version=$version entries=$entries desc_size=$size bytes=$(wc -c </tmp/memattr) sha=$(sha256 /tmp/memattr) iomem=$(iomem_name "$addr")"
	fi
	rm -f /tmp/memattr /tmp/memattr.hdr
}

# The firmware tables a kexec or a dump must leave intact
firmware_tables()
{
	bgrt_line
	tpm_line
	memattr_line
}

# Pages each NUMA node's zones manage, "0:N,1:M"
node_managed()
{
	awk '$1 == "Node" { node = $2 + 0 }
		$1 == "managed" { managed[node] += $2 }
		END { for (n = 0; n <= node; n++) printf "%s%d:%d", n ? "," : "", n, managed[n] }' \
		/proc/zoneinfo
}

report()
{
	echo "T: MEMINFO gen=$GEN$(meminfo)"
	echo "T: NODES gen=$GEN managed=$(node_managed)"
	count_pages 2>&1 | tag
	echo "T: SETUP-DATA gen=$GEN types=$(cat /sys/kernel/boot_params/setup_data/*/type 2>/dev/null | tr '\n' ',')"
	if [ -r "$TABLE" ]; then
		echo "T: SYSFS gen=$GEN bs_ranges_mode=$(stat -c %a "$TABLE")"
		bscheck >/tmp/bscheck.out 2>&1
		tag </tmp/bscheck.out
		grep '^T: FWRANGE ' /tmp/bscheck.out | hash_firmware_ranges | tag
		[ "$(arg t.v 0)" = 1 ] &&
			sed 's/^/T: TABLE gen='"$GEN"' /' /sys/kernel/debug/x86/efi_bs_ranges
		[ "$(arg t.cost 0)" = 1 ] &&
			bench_table "$TABLE" | awk -F, -v g="$GEN" \
				'NR == 2 { print "T: TABLECOST gen=" g " ranges=" $1 " ns=" $2 }'
		$KEXEC --print-efi-ranges >/tmp/print.txt 2>&1
		if cmp -s /tmp/print.txt /sys/kernel/debug/x86/efi_bs_ranges; then
			echo "T: PRINT gen=$GEN same=yes lines=$(wc -l </tmp/print.txt)"
		else
			echo "T: PRINT gen=$GEN same=no lines=$(wc -l </tmp/print.txt)"
		fi
	fi
	firmware_tables
	dmesg | grep -E 'Freeing EFI boot services memory|Boot services memory:|[Bb]oot services range table|Ignoring .* at 0x|=0x[0-9a-f]* unusable|efi: memattr|efi_bgrt|efi_bs_ranges: pass:|efi_free_boot_services\+|KHO: |free_reserved_area: ' |
		sed 's/^/T: DMESG gen='"$GEN"' /'
}

# The bad lines go to a file and the file decides: with grep -q under
# pipefail, grep quitting at its first match killed dmesg with SIGPIPE,
# failed the pipeline, and the log passed as clean whenever more than a
# pipe's worth followed the match
console_clean()
{
	dmesg | grep -E -A 3 'BUG:|WARNING:|Call Trace:|Oops|Bad page state|page_poison|Kernel panic' \
		>/tmp/dmesg.bad
	if [ -s /tmp/dmesg.bad ]; then
		head -n 20 /tmp/dmesg.bad | sed 's/^/T: DMESG-BAD gen='"$GEN"' /'
		echo "T: CONSOLE gen=$GEN clean=no"
	else
		echo "T: CONSOLE gen=$GEN clean=yes"
	fi
}

# QEMU runs with -no-reboot, so a reboot ends it; this tiny kernel has
# no ACPI sleep support, hence no power-off.  The last marker is DONE, or
# FAILED after a *-FAIL line: the host must not read a kexec that never
# happened as a run that ended well.
power_off()
{
	echo "T: ${1:-DONE} gen=$GEN uptime=$(uptime_s)"
	sync
	reboot -f
	echo b >/proc/sysrq-trigger
	sleep 10
}

# The next generation's command line: ours minus t.gen and what t.drop
# names, plus what t.next names, plus the next generation number.
next_cmdline()
{
	local w out=""

	for w in $CMDLINE; do
		case "$w" in
		t.gen=*|t.mode=*|initrd=*|elfcorehdr=*) continue ;;
		esac
		case ",$(arg t.drop ''),," in
		*",$w,"*) continue ;;
		esac
		out="$out $w"
	done
	for w in $(arg t.next '' | tr ',' ' '); do
		case " $out " in
		*" $w "*) ;;
		*) out="$out $w" ;;
		esac
	done
	echo "${out# } $1"
}

# The capture kernel keeps nothing of the crashed kernel's crashkernel=.
capture_cmdline()
{
	next_cmdline "t.gen=$((GEN + 1)) t.mode=capture irqpoll nr_cpus=1 reset_devices" |
		sed -E 's/(^| )crashkernel=[^ ]*//g'
}

# The running rootfs, packed again as the next kernel's initramfs.  The
# mount points proc, sys, dev and tmp are not crossed (-xdev).
repack_rootfs()
{
	(cd / && find . -xdev | cpio -o -H newc 2>/dev/null) >/tmp/next-initrd.cpio
}

kexec_method()
{
	case "$KX" in
	c|s)	echo "$KX" ;;
	*)	[ $((GEN % 2)) = 1 ] && echo c || echo s ;;
	esac
}

# kexec options that pack segments top-down into the 64 MiB below the
# end of the range START-END (END the last byte), the range included.
steer_window()
{
	[ $(($2 + 1)) -ge $((64 * 1024 * 1024)) ] || return 1
	printf -- '--mem-min=0x%x --mem-max=0x%x\n' $(($2 + 1 - 64 * 1024 * 1024)) $(($2))
	printf 'T: STEER gen=%s range=0x%x-0x%x\n' "$GEN" $(($1)) $(($2)) >&2
}

# ... below the end of the first kept range for REASON
steer_options()
{
	local range state reason start end best=0 best_start= best_end=

	# the table as debugfs shows it: "0xSTART-0xEND type attr state reason gen"
	while read -r range _ _ state reason _; do
		[ "$state" = kept ] && [ "$reason" = "$1" ] || continue
		start=$((${range%-*}))
		end=$((${range#*-}))
		# the 64 MiB window below it must lie in memory
		[ "$end" -ge $((64 * 1024 * 1024)) ] || continue
		[ $((end - start)) -ge "$best" ] || continue
		best=$((end - start))
		best_start=$start
		best_end=$end
	done </sys/kernel/debug/x86/efi_bs_ranges
	[ -n "$best_start" ] || return 1
	steer_window "$best_start" "$best_end"
}

# ... below the end of the page(s) holding the EFI Memory Attributes
# table (its header alone if that is garbage), from the kernel's log
memattr_steer_options()
{
	local addr bytes

	addr=$(efi_table MEMATTR)
	[ -n "$addr" ] || return 1
	read -r _ _ _ bytes <<EOT
$(memattr_header "$addr")
EOT
	rm -f /tmp/memattr.hdr
	[ -n "$bytes" ] || return 1
	[ "$bytes" = bad ] && bytes=16
	steer_window $((addr / 4096 * 4096)) $(((addr + bytes + 4095) / 4096 * 4096 - 1))
}

# The table to hand the next kernel instead of our own, if any: prints
# the kexec options for it.  A broken one must first be refused.
table_options()
{
	local bad free msg rc steer

	bad=$(arg t.bad '' | cut -d, -f"$GEN")
	free=$(arg t.free '')
	steer=$(arg t.steer '')
	if [ "$steer" = memattr-table ] && [ "$GEN" = "$(arg t.steer_gen 1)" ]; then
		memattr_steer_options || return 1
	elif [ -n "$steer" ] && [ "$GEN" = "$(arg t.steer_gen 1)" ]; then
		steer_options "$steer" || return 1
	elif [ -n "$bad" ]; then
		# generation 1's table has every range; later ones may hold few
		[ -s /carry/table.gen1 ] || cp "$TABLE" /carry/table.gen1
		bstable break "$bad" /carry/table.gen1 /tmp/table >/dev/null || return 1
		msg=$($KEXEC -c -l /boot/vmlinuz --efi-ranges=/tmp/table 2>&1)
		rc=$?
		[ "$rc" = 0 ] && $KEXEC -u
		echo "T: REFUSED gen=$GEN rule=$bad rc=$rc msg=$(echo "$msg" | grep 'EFI range table' | head -n 1)" >&2
		echo "--efi-ranges=/tmp/table --efi-ranges-unchecked"
	elif [ -n "$free" ] && [ "$GEN" = 1 ]; then
		bstable free "$free" "$TABLE" /tmp/table >/dev/null || return 1
		# a table that lies about this kernel: what it calls freed may
		# be Reserved here (the Memory Attributes table's page is), and
		# kexec would refuse it; the next kernel's reaction is the test
		echo "--efi-ranges=/tmp/table --efi-ranges-unchecked"
	elif [ "$(arg t.empty 0)" = 1 ] && [ "$GEN" = 1 ]; then
		: >/tmp/table
		echo "--efi-ranges=/tmp/table --efi-ranges-unchecked"
	fi
}

do_kexec()
{
	local next=$((GEN + 1)) method opt extra debug rc

	method=$(kexec_method)
	extra=$(table_options 2>/tmp/table.log) || {
		echo "T: KEXEC-FAIL gen=$GEN (bstable)"
		power_off FAILED
	}
	cat /tmp/table.log
	[ -n "$extra" ] && method=c
	[ "$method" = s ] && opt=-s || opt=-c
	repack_rootfs
	debug=
	[ "$(arg t.segments 0)" = 1 ] && [ "$opt" = -c ] && debug=-d
	$KEXEC $opt $debug -l /boot/vmlinuz --initrd=/tmp/next-initrd.cpio $extra \
		--command-line="$(next_cmdline "t.gen=$next t.mode=kexec")" >/tmp/kexec.out 2>&1
	rc=$?
	if [ -n "$debug" ] && [ "$rc" = 0 ]; then
		# "segment[N].mem   = 0x..." ((nil) for 0), "segment[N].memsz = 0x...",
		# paired by N
		sed -n 's/^segment\[\([0-9]*\)\]\.\(mem\|memsz\) *= *\(.*\)$/\1 \2 \3/p' /tmp/kexec.out |
			awk '{ v[$1, $2] = $3; if ($1 + 0 > n) n = $1 + 0 }
				END { for (i = 0; i <= n; i++) if ((i, "mem") in v)
					print "mem=" (v[i, "mem"] == "(nil)" ? "0x0" : v[i, "mem"]) " memsz=" v[i, "memsz"] }' |
			sed 's/^/T: SEGMENT gen='"$GEN"' /'
	else
		sed 's/^/T: KEXEC-OUT /' /tmp/kexec.out
	fi
	if [ "$rc" != 0 ]; then
		echo "T: KEXEC-FAIL gen=$GEN method=$method"
		power_off FAILED
	fi
	echo "T: KEXEC gen=$GEN next=$next method=$method kexec=$KEXEC uptime=$(uptime_s)"
	sync
	$KEXEC -e
	echo "T: KEXEC-FAIL gen=$GEN method=$method (kexec -e returned)"
	power_off FAILED
}

do_kdump()
{
	local opt

	[ "$(arg t.kdump c)" = s ] && opt=-s || opt=-c
	repack_rootfs
	if ! $KEXEC $opt -p /boot/vmlinuz --initrd=/tmp/next-initrd.cpio \
		--command-line="$(capture_cmdline)" \
		2>&1 | sed 's/^/T: KEXEC-OUT /'; then
		echo "T: KDUMP-FAIL gen=$GEN (kexec -p)"
		power_off FAILED
	fi
	sync
	echo "T: CRASH gen=$GEN method=${opt#-} loaded=$(cat /sys/kernel/kexec_crash_loaded)$(meminfo) uptime=$(uptime_s)"
	# a panic drops what the UART has not sent yet: the CRASH line once
	sleep 1
	echo c >/proc/sysrq-trigger
	sleep 10
	echo "T: KDUMP-FAIL gen=$GEN (still alive after sysrq-c)"
	power_off FAILED
}

do_capture()
{
	local t0 t1 rc

	echo "T: CAPTURE gen=$GEN vmcore=$(stat -c %s /proc/vmcore 2>&1)$(meminfo)"
	if [ -r "$TABLE" ]; then
		bscheck >/tmp/bscheck.out 2>&1
		grep -E '^T: (BSTABLE|FWRANGE) ' /tmp/bscheck.out | tag
		grep '^T: FWRANGE ' /tmp/bscheck.out | hash_firmware_ranges | tag
	fi
	firmware_tables
	dmesg | grep -E 'boot services range table|Boot services memory:' |
		sed 's/^/T: DMESG gen='"$GEN"' /'
	console_clean
	t0=$(uptime_s)
	# --message-level 22: common messages, errors, and the report of
	# what was excluded (zero, cache, user, free pages)
	makedumpfile --message-level 22 -l -d 31 /proc/vmcore /tmp/vmcore >/tmp/makedumpfile.log 2>&1
	rc=$?
	t1=$(uptime_s)
	sed 's/^/T: MAKEDUMPFILE-OUT /' /tmp/makedumpfile.log | tr -d '\r' | grep -v '^T: MAKEDUMPFILE-OUT *$'
	echo "T: DUMP rc=$rc bytes=$(stat -c %s /tmp/vmcore 2>/dev/null || echo 0) seconds=$(awk "BEGIN { print $t1 - $t0 }")"
	# the whole dump, streamed (flattened) to count its bytes: the
	# capture kernel has no room to keep it
	echo "T: DUMP0 bytes=$(makedumpfile -F -l -d 0 /proc/vmcore 2>/dev/null | wc -c)"
	makedumpfile --dump-dmesg /tmp/vmcore /tmp/dmesg.txt >/dev/null 2>&1
	echo "T: DUMP-DMESG rc=$? panic_lines=$(grep -c 'Kernel panic - not syncing: sysrq triggered crash' /tmp/dmesg.txt 2>/dev/null)"
	power_off
}

echo "T: INIT gen=$GEN mode=$MODE kernel=$(uname -r) uptime=$(uptime_s)"
case "$MODE" in
shell)
	exec sh
	;;
capture)
	do_capture
	;;
kdump)
	report
	console_clean
	do_kdump
	;;
kexec)
	report
	console_clean
	if [ "$GEN" -gt "$HOPS" ]; then
		[ "$(arg t.then '')" = kdump ] && do_kdump
		power_off
	fi
	do_kexec
	;;
*)
	report
	console_clean
	power_off
	;;
esac

#!/bin/bash
# bench.sh - the figures this project's claims rest on, from one run: all
# kernels from the same tree, booted under the same QEMU + OVMF.  Writes
# RUN_DIR/results.md (Markdown) and the raw CSVs beside it.
#   1 leak matrix: prefix, stock, ours x 512 MB, 1 GB, 2 GB
#   2 free cost: time of the efi_free_boot_services initcall, 5 boots each
#   3 kexec chain: generation 1 with efi=debug, then 3 hops, stock vs ours
#   4 kdump: makedumpfile -l -d 31 size, prefix vs ours
#   5 hop time: seconds per kexec hop and its phases: stock, ours, ours
#     with the table refused, ours loaded by Debian's kexec-tools; the
#     table's own cost, timed in the guest
#   6 table scale (host): validate, merge, decide for 10 to 100000 ranges
# Figures under TCG are compared as ratios within the run.  Plots (gnuplot)
# go beside the CSVs.
#
# Usage: tests/bench.sh RUN_DIR IMAGES_DIR [SECTION...]
#   SECTION: leak_matrix free_cost chain kdump_size hop_time table_scale
#   (all, in that order, by default)   HOST_BIN: the host programs
set -eu

RUN_DIR=$1
IMAGES=$2
shift 2
SECTIONS=${*:-leak_matrix free_cost chain kdump_size hop_time table_scale}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/qemu.sh"

out=$RUN_DIR/results.md
mkdir -p "$RUN_DIR"

boot_report()
{
	local name=$1 kernel=$2 mem=$3

	shift 3
	qemu_boot "$name" "$IMAGES/bzImage-$kernel" "$IMAGES/initramfs-$kernel.cpio.gz" \
		"$mem" "console=ttyS0 memblock=debug log_buf_len=8M $*" >/dev/null || true
}

# a field, 0 when the boot has none (stock has no table)
num()
{
	local v

	v=$(qemu_field "$@")
	echo "${v:-0}"
}

mib()
{
	awk "BEGIN { printf \"%.1f\", $1 / 1024 }"
}

leak_matrix()
{
	local v m b res

	echo "## 1. Leak matrix"
	echo
	echo "Boot-services memory in the ranges efi_reserve_boot_services() reserved (memblock=debug), and what of it is still PG_reserved above 1 MiB after boot."
	echo
	echo "| kernel | RAM | boot-services MiB | left PG_reserved MiB | MemTotal KiB | MemFree KiB |"
	echo "|---|---|---|---|---|---|"
	echo "kernel,mem,bs_kib,reserved_pages,MemTotal,MemFree" >"$RUN_DIR/leak.csv"
	for m in 512M 1G 2G; do
		for v in prefix stock ours; do
			b=leak-$v-$m
			boot_report $b $v $m t.mode=report
			res=$(num $b BSCOUNT 1 reserved)
			echo "| $v | $m | $(mib "$(num $b BSCOUNT 1 kib)") | $(mib $(( res * 4 ))) | $(qemu_field $b MEMINFO 1 MemTotal) | $(qemu_field $b MEMINFO 1 MemFree) |"
			echo "$v,$m,$(qemu_field $b BSCOUNT 1 kib),$res,$(qemu_field $b MEMINFO 1 MemTotal),$(qemu_field $b MEMINFO 1 MemFree)" >>"$RUN_DIR/leak.csv"
		done
	done
	echo
	echo "The seed thread reports about 140 MB lost on a 512 MB EC2 guest; OVMF's map here has far less boot-services memory, so the leak is smaller."
	echo
}

# free_usecs NAME: microseconds from the initcall_debug line that calls
# efi_free_boot_services to the one it returned by, by their printk
# timestamps.  Those come from local_clock(), the TSC here; the initcall's
# own "after N usecs" is ktime, which counts jiffies this early in boot.
free_usecs()
{
	qemu_lines "$1" DMESG 1 | tr -d '[]' | awk '
		/ calling  efi_free_boot_services\+/ { t0 = $1 }
		/ initcall efi_free_boot_services\+/ { if (t0 != "") printf "%.0f", ($1 - t0) * 1e6; exit }'
}

median()
{
	tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# plot NAME GNUPLOT-COMMANDS: RUN_DIR/NAME.png, when gnuplot is there
plot()
{
	command -v gnuplot >/dev/null || return 0
	gnuplot 2>>"$RUN_DIR/gnuplot.log" <<EOT
set terminal png size 800,450 noenhanced
set output "$RUN_DIR/$1.png"
set datafile separator ","
$2
EOT
}

# ratio A B: A / B to two decimals
ratio()
{
	awk "BEGIN { if ($2) printf \"%.2f\", $1 / $2 }"
}

free_cost()
{
	local v i t b us
	local -A median_of

	echo "## 2. Free cost"
	echo
	echo "Time of the efi_free_boot_services initcall: from its initcall_debug \"calling\" line to its \"returned\" line by their printk timestamps, 5 boots each at 512 MB, with quiet so no console output falls inside it. Both kernels free the same ranges (section 1)."
	echo
	echo "| kernel | usecs per boot | median |"
	echo "|---|---|---|"
	echo "kernel,boot,usecs" >"$RUN_DIR/free-cost.csv"
	for v in stock ours; do
		t=""
		for i in 1 2 3 4 5; do
			b=free-$v-$i
			boot_report $b $v 512M quiet initcall_debug t.mode=report
			us=$(free_usecs $b)
			t="$t $us"
			echo "$v,$i,$us" >>"$RUN_DIR/free-cost.csv"
		done
		median_of[$v]=$(echo "$t" | median)
		echo "| $v |$t | ${median_of[$v]} |"
	done
	plot free-cost 'set title "efi_free_boot_services, 512 MB"
set ylabel "usecs"
set xlabel "boot"
set xtics 1
set yrange [0:*]
plot "< grep ^stock '"$RUN_DIR"'/free-cost.csv" using 2:3 with linespoints title "stock", "< grep ^ours '"$RUN_DIR"'/free-cost.csv" using 2:3 with linespoints title "ours"'
	echo
	echo "Median stock/ours: $(ratio "${median_of[stock]}" "${median_of[ours]}")x. stock frees page by page through free_reserved_area(); ours frees naturally aligned blocks of up to MAX_PAGE_ORDER (patch 8)."
	echo
}

chain()
{
	local v b last

	echo "## 3. Kexec chain"
	echo
	echo "Generation 1 booted with efi=debug, then 3 hops (kexec -l, kexec -s -l, kexec -l) without it; figures of generation 4."
	echo
	echo "| kernel | PG_reserved in gen 1's boot-services ranges, MiB | of which the kernel's own, MiB | MemTotal KiB |"
	echo "|---|---|---|---|"
	for v in stock ours; do
		b=chain-$v
		boot_report $b $v 512M efi=debug t.drop=efi=debug t.mode=kexec t.hops=3
		last=4
		echo "| $v | $(mib $(( $(num $b BSCOUNT $last reserved) * 4 ))) | $(mib $(( $(num $b BSTABLE $last own) * 4 ))) | $(qemu_field $b MEMINFO $last MemTotal) |"
	done
	echo
	echo "stock keeps what generation 1 kept; ours reclaims it, and every PG_reserved page left in those ranges is one of its own allocations (bscheck lists them)."
	echo
}

kdump_size()
{
	local v

	echo "## 4. kdump"
	echo
	echo "| kernel | makedumpfile -l -d 31 bytes | -d 0 bytes | seconds |"
	echo "|---|---|---|---|"
	for v in prefix ours; do
		"$here/kdump.sh" -k $v "$RUN_DIR/kdump-$v" "$IMAGES" >/dev/null 2>&1 || true
		RUN_DIR=$RUN_DIR/kdump-$v qemu_field kdump-after-hop0-c DUMP - bytes >/dev/null
		echo "| $v | $(RUN_DIR=$RUN_DIR/kdump-$v qemu_field kdump-after-hop0-c DUMP - bytes) | $(RUN_DIR=$RUN_DIR/kdump-$v qemu_field kdump-after-hop0-c DUMP0 - bytes) | $(RUN_DIR=$RUN_DIR/kdump-$v qemu_field kdump-after-hop0-c DUMP - seconds) |"
	done
	echo
	echo "Leaked pages are not free, so makedumpfile keeps them in the dump."
	echo
}

# hop_phases RUN: mean host seconds of a loop's hops, from kexec -e to
# the next /init, and of three phases of them: up to the next kernel's
# first console line (purgatory, decompression, setup_arch: where a kernel
# validates the table it inherits and decides its verdicts), the
# initramfs unpack, and the rest.  Prints "hop | to console | unpack | rest"
hop_phases()
{
	grep -E 'T: (KEXEC|INIT) gen|\] (Linux version|Unpacking initramfs|Freeing initrd memory)' "$1/kexec-loop.log" |
		sed -E 's/^\[ *([0-9.]+)\] (\[ *[0-9.]+\] )?/\1 /' |
		awk '$2 == "T:" && $3 == "KEXEC" { k = $1; next }
			!k { next }
			$2 == "Linux" { l = $1 }
			$2 == "Unpacking" { u = $1 }
			$2 == "Freeing" { f = $1 }
			$2 == "T:" && $3 == "INIT" { hop += $1 - k; pre += l - k; unp += f - u; n++; k = 0 }
			END { if (n) printf "%.2f | %.2f | %.2f | %.2f", hop / n, pre / n, unp / n, (hop - pre - unp) / n; else printf "0 | - | - | -" }'
}

# initrd_at RUN: where the second generation's initrd was loaded
initrd_at()
{
	grep -E '\] RAMDISK: \[mem ' "$1/kexec-loop.log" | sed -n '2s/.*RAMDISK: \[mem \(0x[0-9a-f]*\)-.*/\1/p'
}

# Rows of the hop-time table: NAME, kernel, label, command-line words
hop_runs()
{
	local bad

	bad=$(printf 'crc,%.0s' $(seq "$1"))
	echo "stock|stock|stock|"
	echo "ours|ours|ours|"
	echo "ours-refused|ours|ours, table refused|t.bad=${bad%,}"
	echo "ours-debian-kexec|ours|ours kernel, Debian's kexec-tools|t.kexec=stock"
}

hop_time()
{
	local name v label words ns ranges phases hops=6
	local -A mean

	echo "## 5. Hop time"
	echo
	echo "$hops hops through kexec_load (t.kx=c) in one QEMU run per row, KUnit off (kunit.enable=0): seconds from kexec -e to the next /init by the host clock, and the means of three phases of a hop: up to the next kernel's first console line (purgatory, decompression, setup_arch, where the table is validated and the verdicts made), the initramfs unpack, and the rest. In \"ours, table refused\" each kernel hands the next one a table with a broken CRC (t.bad=crc): the next kernel computes the CRC, rejects the table and reserves every boot-services range it was handed, as stock does. In the last row the ours kernels load each other with Debian's kexec-tools, which places segments without regard to kept ranges (and hands no table to kexec_load)."
	echo
	echo "| kernel | seconds per hop (mean) | to console | initramfs unpack | rest | initrd at |"
	echo "|---|---|---|---|---|---|"
	while IFS='|' read -r name v label words; do
		"$here/kexec-loop.sh" -n $hops -k "$v" -x "kunit.enable=0 t.kx=c $words" \
			"$RUN_DIR/loop-$name" "$IMAGES" >/dev/null 2>&1 || true
		phases=$(hop_phases "$RUN_DIR/loop-$name")
		mean[$name]=${phases%% *}
		echo "| $label | $phases | $(initrd_at "$RUN_DIR/loop-$name") |"
	done < <(hop_runs $hops)
	boot_report table-cost ours 512M t.mode=report t.cost=1
	ns=$(num table-cost TABLECOST 1 ns)
	ranges=$(num table-cost TABLECOST 1 ranges)
	echo
	echo "Ratios to stock: ours $(ratio "${mean[ours]}" "${mean[stock]}"), ours with the table refused $(ratio "${mean[ours-refused]}" "${mean[stock]}"), ours kernel with Debian's kexec-tools $(ratio "${mean[ours-debian-kexec]}" "${mean[stock]}")."
	echo
	echo "The table's own cost is timed in the guest, on the same emulated CPU: the rules' work a kernel inheriting this boot's table ($ranges ranges) does in one hop (validate, decide and check cover for every range, merge, seal; bench_table in the guest) takes $ns ns, $(awk "BEGIN { if (${mean[ours]}) printf \"%.4f\", $ns / (${mean[ours]} * 1e7) }") % of an ours hop. The kernel's own calls around the rules (the e820 lookups of validation, the log's allocation) are not in that figure."
	echo
}

table_scale()
{
	echo "## 6. Table scale (host)"
	echo
	echo "validate + merge + decide, nanoseconds (the host shim's CRC is bitwise; the kernel's is sliced). The setup_data path accepts at most $(grep -o 'EFI_BS_RANGES_MAX_ENTRIES[[:space:]]*[0-9]*' "$here/../include/efi_bs_ranges.h" | awk '{print $2}') ranges; above that validation refuses the table at once."
	echo
	"${HOST_BIN:?}/bench_table" | tee "$RUN_DIR/table-scale.csv" |
		awk -F, 'NR == 1 { print "| " $1 " | " $2 " | " $3 " | " $4 " | " $5 " |"; print "|---|---|---|---|---|"; next } { print "| " $1 " | " $2 " | " $3 " | " $4 " | " $5 " |" }'
	plot table-scale 'set title "range table rules on the host: ns per range (flat = linear)"
set logscale xy
set xlabel "ranges"
set ylabel "ns per range"
plot "'"$RUN_DIR"'/table-scale.csv" using 1:($2 / $1) every ::1::3 with linespoints title "validate", "" using 1:($3 / $1) every ::1 with linespoints title "merge", "" using 1:($4 / $1) every ::1 with linespoints title "decide"'
	echo
}

{
	echo "# Results"
	echo
	echo "$(date -u +%Y-%m-%d), $(qemu-system-x86_64 --version | head -n 1), OVMF $(dpkg-query -W -f='${Version}' ovmf), kernel $(dpkg-query -W -f='${Version}' linux-source-6.12) (tinyconfig-based), host $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, TCG. Made by \`make bench\`; the CSVs and plots (PNG) it read are kept beside results.md in its run directory."
	echo
	for section in $SECTIONS; do
		"$section"
	done
} >"$out"
cat "$out"

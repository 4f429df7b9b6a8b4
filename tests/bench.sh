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
# go beside the CSVs.  A failed boot is never a figure: what it did not
# give reads n/a, a median says how many boots it is over, every sentence
# stating a fact is printed from the figures it compares, and the
# "Failures" section names each failed boot or missing figure, why, and
# its log; then, results.md written, the script exits 1.
#
# Usage: tests/bench.sh RUN_DIR IMAGES_DIR [SECTION...]
#   SECTION: leak_matrix free_cost chain kdump_size hop_time table_scale
#   (all, in that order, by default)   HOST_BIN: the host programs
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/qemu.sh"
. "$here/lib/usage.sh"

[ $# -ge 2 ] || usage
RUN_DIR=$1
IMAGES=$2
shift 2
SECTIONS=${*:-leak_matrix free_cost chain kdump_size hop_time table_scale}
FREE_BOOTS=5
CHAIN_HOPS=3
HOPS=6

for section in $SECTIONS; do
	case " leak_matrix free_cost chain kdump_size hop_time table_scale " in
	*" $section "*) ;;
	*) usage ;;
	esac
done

out=$RUN_DIR/results.md
failures=$RUN_DIR/failures.md
failed_logs=$RUN_DIR/failed-logs
mkdir -p "$RUN_DIR"
: >"$failures"
: >"$failed_logs"

# failed NAME WHY LOG: a line of the Failures list
failed()
{
	echo "- \`$1\`: $2 (\`$3\`)" >>"$failures"
}

# run_failed NAME OUTPUT LOG: when OUTPUT (what a boot or a script
# printed) holds qemu_boot's reason for a failed boot, NAME goes on the
# Failures list with it, and the figures it did not give do not
run_failed()
{
	local why

	why=$(sed -n 's/^# [^ ]*: \(.*\); last 30 console lines of .*/\1/p' "$2" | head -n 1)
	[ -n "$why" ] || return 0
	echo "$3" >>"$failed_logs"
	failed "$1" "$why" "$3"
}

# need NAME WHAT VALUE: VALUE, or n/a when it is empty; then boot NAME's
# missing WHAT goes on the Failures list, unless the boot failed
need()
{
	if [ -n "$3" ]; then
		echo "$3"
		return
	fi
	grep -qxF "$RUN_DIR/$1.log" "$failed_logs" || failed "$1" "no $2" "$RUN_DIR/$1.log"
	echo n/a
}

# fig NAME MARKER GEN KEY: KEY= of the "MARKER gen=GEN" line of boot
# NAME, or n/a
fig()
{
	need "$1" "$4= in a \"$2 gen=$3\" line" "$(qemu_field "$@" 2>/dev/null)"
}

# boot_report NAME KERNEL MEM LAST_GEN WORDS...: boot, and note a failure
boot_report()
{
	local name=$1 kernel=$2 mem=$3 last=$4

	shift 4
	qemu_boot "$name" "$IMAGES/bzImage-$kernel" "$IMAGES/initramfs-$kernel.cpio.gz" \
		"$mem" "console=ttyS0 memblock=debug $*" "$last" >"$RUN_DIR/$name.out" ||
		run_failed "$name" "$RUN_DIR/$name.out" "$RUN_DIR/$name.log"
}

# calc FORMAT EXPR V...: EXPR over $1.. = V... printed with FORMAT, or n/a
# when a V is not a number or EXPR divides by zero
calc()
{
	local fmt=$1 expr=$2 v r=""

	shift 2
	for v; do
		[[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || { echo n/a; return; }
	done
	r=$(awk "BEGIN { \$0 = \"$*\"; printf \"$fmt\", $expr }" 2>/dev/null) || true
	# awk prints inf or nan for a division by zero
	[[ $r =~ ^-?[0-9] ]] || r=n/a
	echo "$r"
}

mib()
{
	calc %.1f '$1 / 1024' "$1"
}

pages_mib()
{
	calc %.1f '$1 * 4 / 1024' "$1"
}

# ratio A B: A / B to two decimals
ratio()
{
	calc %.2f '$1 / $2' "$1" "$2"
}

# compare A B MORE LESS SAME: the word that is true of A against B, or
# "n/a against" when one is not a number
compare()
{
	case $(calc %d '($1 > $2) - ($1 < $2)' "$1" "$2") in
	1) echo "$3" ;;
	-1) echo "$4" ;;
	0) echo "$5" ;;
	*) echo "n/a against" ;;
	esac
}

# numbers V...: the numbers among V, one a line
numbers()
{
	printf '%s\n' "$@" | grep -E '^[0-9]+(\.[0-9]+)?$' || true
}

# median: of the numbers on stdin (the mean of the middle two for an even
# count), or n/a
median()
{
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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

leak_matrix()
{
	local v m b ranges kib res allowed unexpl mt mf fk
	local -A leak bs

	echo "## 1. Leak matrix"
	echo
	echo "Boot-services memory in the ranges efi_reserve_boot_services() reserved (memblock=debug) above 1 MiB, and its pages still PG_reserved after boot: all of them, those the meter's allow-list explains (kernel image, setup_data, initrd, named early allocations, firmware-kept ranges; bscount prints each entry), and the rest, unexplained: the leak. Free memory is MemFree plus the per-CPU free lists."
	echo
	echo "| kernel | RAM | ranges | boot-services MiB | PG_reserved pages | allowed | unexplained | unexplained MiB | MemTotal KiB | free KiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	echo "kernel,mem,ranges,bs_kib,reserved_pages,allowed_pages,unexplained_pages,MemTotal,MemFree,FreeKiB" >"$RUN_DIR/leak.csv"
	for m in 512M 1G 2G; do
		for v in prefix stock ours; do
			b=leak-$v-$m
			boot_report $b $v $m 1 t.mode=report
			ranges=$(fig $b BSCOUNT 1 ranges)
			kib=$(fig $b BSCOUNT 1 kib)
			res=$(fig $b BSCOUNT 1 reserved)
			allowed=$(fig $b BSCOUNT 1 allowed)
			unexpl=$(fig $b BSCOUNT 1 unexplained)
			mt=$(fig $b MEMINFO 1 MemTotal)
			mf=$(fig $b MEMINFO 1 MemFree)
			fk=$(fig $b MEMINFO 1 FreeKiB)
			leak[$v-$m]=$unexpl
			bs[$v-$m]=$(mib "$kib")
			echo "| $v | $m | $ranges | ${bs[$v-$m]} | $res | $allowed | $unexpl | $(pages_mib "$unexpl") | $mt | $fk |"
			echo "$v,$m,$ranges,$kib,$res,$allowed,$unexpl,$mt,$mf,$fk" >>"$RUN_DIR/leak.csv"
		done
	done
	echo
	for m in 512M 1G 2G; do
		echo "At $m prefix leaves ${leak[prefix-$m]} pages ($(pages_mib "${leak[prefix-$m]}") MiB) of its ${bs[prefix-$m]} MiB of boot-services memory PG_reserved unexplained, stock ${leak[stock-$m]}, ours ${leak[ours-$m]}."
	done
	echo
	# the seed thread's figure is its own, quoted
	echo "The seed thread reports about 140 MB lost on a 512 MB EC2 guest; prefix here leaves $(pages_mib "${leak[prefix-512M]}") MiB at 512M, $(compare "$(calc %.0f '$1 * 4096' "${leak[prefix-512M]}")" 140000000 more less "as much as") than that, with ${bs[prefix-512M]} MiB of boot-services memory in OVMF's map."
	echo
}

# free_usecs NAME: microseconds from the initcall_debug line that calls
# efi_free_boot_services to the one it returned by, by their printk
# timestamps.  Those come from local_clock(), the TSC here; the initcall's
# own "after N usecs" is ktime, which counts jiffies this early in boot.
free_usecs()
{
	qemu_lines "$1" DMESG 1 2>/dev/null | tr -d '[]' | awk '
		/ calling  efi_free_boot_services\+/ { t0 = $1 }
		/ initcall efi_free_boot_services\+/ { if (t0 != "") printf "%.0f", ($1 - t0) * 1e6; exit }'
}

free_cost()
{
	local v i b us
	local -a t
	local -A median_of ranges unexpl

	echo "## 2. Free cost"
	echo
	echo "Time of the efi_free_boot_services initcall: from its initcall_debug \"calling\" line to its \"returned\" line by their printk timestamps, $FREE_BOOTS boots each at 512 MB, with quiet so no console output falls inside it. The median is over the boots that gave a time."
	echo
	echo "| kernel | usecs per boot | median | boots measured |"
	echo "|---|---|---|---|"
	echo "kernel,boot,usecs" >"$RUN_DIR/free-cost.csv"
	for v in stock ours; do
		t=()
		for i in $(seq $FREE_BOOTS); do
			b=free-$v-$i
			boot_report $b $v 512M 1 quiet initcall_debug t.mode=report
			us=$(need $b "initcall_debug lines of efi_free_boot_services" "$(free_usecs $b)")
			t+=("$us")
			echo "$v,$i,$us" >>"$RUN_DIR/free-cost.csv"
			ranges[$v]+="$(fig $b BSCOUNT 1 ranges) ranges of $(fig $b BSCOUNT 1 kib) KiB"$'\n'
			unexpl[$v]+="$(fig $b BSCOUNT 1 unexplained)"$'\n'
		done
		median_of[$v]=$(numbers "${t[@]}" | median)
		ranges[$v]=$(echo -n "${ranges[$v]}" | sort -u | paste -sd ';' | sed 's/;/; /g')
		unexpl[$v]=$(echo -n "${unexpl[$v]}" | sort -u | paste -sd ',' | sed 's/,/, /g')
		echo "| $v | ${t[*]} | ${median_of[$v]} | $(numbers "${t[@]}" | wc -l) of $FREE_BOOTS |"
	done
	plot free-cost 'set title "efi_free_boot_services, 512 MB"
set ylabel "usecs"
set xlabel "boot"
set xtics 1
set yrange [0:*]
plot "< grep ^stock '"$RUN_DIR"'/free-cost.csv" using 2:3 with linespoints title "stock", "< grep ^ours '"$RUN_DIR"'/free-cost.csv" using 2:3 with linespoints title "ours"'
	echo
	echo "Median stock/ours: $(ratio "${median_of[stock]}" "${median_of[ours]}")x. stock's free_reserved_area() frees page by page; ours' frees naturally aligned blocks of up to MAX_PAGE_ORDER (patch 10, in mm/)."
	echo
	if [ "${ranges[stock]}" = "${ranges[ours]}" ]; then
		echo "Both kernels freed the same boot-services ranges in every boot: ${ranges[ours]}."
	else
		echo "The kernels' boot-services ranges were not the same: stock ${ranges[stock]}, ours ${ranges[ours]}."
	fi
	echo "Unexplained PG_reserved pages in them after boot: stock ${unexpl[stock]}, ours ${unexpl[ours]}."
	echo
}

chain()
{
	local v b gen=$((CHAIN_HOPS + 1))
	local -A unexpl allowed memtotal

	echo "## 3. Kexec chain"
	echo
	echo "Generation 1 booted with efi=debug, then $CHAIN_HOPS hops (alternating kexec -l and kexec -s -l) without it; figures of generation $gen, over generation 1's boot-services ranges."
	echo
	echo "| kernel | PG_reserved MiB | allowed MiB | unexplained MiB | MemTotal KiB |"
	echo "|---|---|---|---|---|"
	for v in stock ours; do
		b=chain-$v
		boot_report $b $v 512M $gen efi=debug t.drop=efi=debug t.mode=kexec t.hops=$CHAIN_HOPS
		unexpl[$v]=$(fig $b BSCOUNT $gen unexplained)
		allowed[$v]=$(fig $b BSCOUNT $gen allowed)
		memtotal[$v]=$(fig $b MEMINFO $gen MemTotal)
		echo "| $v | $(pages_mib "$(fig $b BSCOUNT $gen reserved)") | $(pages_mib "${allowed[$v]}") | $(pages_mib "${unexpl[$v]}") | ${memtotal[$v]} |"
	done
	echo
	echo "In generation $gen stock leaves ${unexpl[stock]} pages ($(pages_mib "${unexpl[stock]}") MiB) of generation 1's ranges PG_reserved beyond its allow-list, ours ${unexpl[ours]} ($(pages_mib "${unexpl[ours]}") MiB; its allow-list holds ${allowed[ours]}); ours' MemTotal is $(calc %d '$1 - $2' "${memtotal[ours]}" "${memtotal[stock]}") KiB $(compare "${memtotal[ours]}" "${memtotal[stock]}" above below "the same as") stock's."
	echo
}

kdump_size()
{
	local v d b tap
	local -A bytes unexpl

	echo "## 4. kdump"
	echo
	echo "Crash after boot (kexec -p, crashkernel=160M at 512 MB), dump from the capture kernel; the crashed kernel's unexplained PG_reserved pages in its boot-services ranges beside."
	echo
	echo "| kernel | makedumpfile -l -d 31 bytes | -d 0 bytes | seconds | unexplained pages |"
	echo "|---|---|---|---|---|"
	b=kdump-after-hop0-c
	for v in prefix ours; do
		d=$RUN_DIR/kdump-$v
		tap=$RUN_DIR/kdump-$v.tap
		# kdump.sh's own checks (the table reaches the capture kernel)
		# are make check's; a boot that fails is the bench's
		"$here/kdump.sh" -k $v "$d" "$IMAGES" >"$tap" 2>&1 || true
		RUN_DIR=$d run_failed "kdump-$v" "$tap" "$d/$b.log"
		bytes[$v]=$(RUN_DIR=$d fig $b DUMP - bytes)
		unexpl[$v]=$(RUN_DIR=$d fig $b BSCOUNT 1 unexplained)
		echo "| $v | ${bytes[$v]} | $(RUN_DIR=$d fig $b DUMP0 - bytes) | $(RUN_DIR=$d fig $b DUMP - seconds) | ${unexpl[$v]} |"
	done
	echo
	echo "makedumpfile -d 31 leaves free pages out of the dump, and leaked pages are not free: prefix's dump is $(calc %.1f '($1 - $2) / 2^20' "${bytes[prefix]}" "${bytes[ours]}") MiB $(compare "${bytes[prefix]}" "${bytes[ours]}" larger smaller "the same size as") than ours, its crashed kernel having $(pages_mib "${unexpl[prefix]}") MiB unexplained PG_reserved against ours' $(pages_mib "${unexpl[ours]}") MiB."
	echo
}

# hop_phases RUN: the number of hops from kexec -e to the next /init, and
# the mean host seconds of them and of three phases: up to the next
# kernel's first console line (purgatory, decompression, setup_arch:
# where a kernel validates the table it inherits and decides its
# verdicts), the initramfs unpack, and the rest.  Prints "hops | hop | to
# console | unpack | rest", n/a for means of no hop.
hop_phases()
{
	grep -E 'T: (KEXEC|INIT) gen|\] (Linux version|Unpacking initramfs|Freeing initrd memory)' "$1/kexec-loop.log" 2>/dev/null |
		sed -E 's/^\[ *([0-9.]+)\] (\[ *[0-9.]+\] )?/\1 /' |
		awk '$2 == "T:" && $3 == "KEXEC" { k = $1; next }
			!k { next }
			$2 == "Linux" { l = $1 }
			$2 == "Unpacking" { u = $1 }
			$2 == "Freeing" { f = $1 }
			$2 == "T:" && $3 == "INIT" { hop += $1 - k; pre += l - k; unp += f - u; n++; k = 0 }
			END { if (n) printf "%d | %.2f | %.2f | %.2f | %.2f", n, hop / n, pre / n, unp / n, (hop - pre - unp) / n; else printf "0 | n/a | n/a | n/a | n/a" }'
}

# initrd_at RUN: where the second generation's initrd was loaded
initrd_at()
{
	grep -E '\] RAMDISK: \[mem ' "$1/kexec-loop.log" 2>/dev/null | sed -n '2s/.*RAMDISK: \[mem \(0x[0-9a-f]*\)-.*/\1/p'
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

# later_markers RUN ERE: markers of the generations after the first in
# loop RUN that match ERE
later_markers()
{
	RUN_DIR=$1 qemu_markers kexec-loop 2>/dev/null |
		grep -E '^[A-Z-]+ gen=([2-9]|[1-9][0-9]+) ' | grep -cE "$2" || true
}

# kernel_lines RUN TEXT: console lines of loop RUN's kernels with TEXT
kernel_lines()
{
	RUN_DIR=$1 qemu_console kexec-loop 2>/dev/null | grep -v '^T: ' | grep -cF "$2" || true
}

hop_time()
{
	local name v label words phases ns ranges d refused=loop-ours-refused debian=loop-ours-debian-kexec
	local -A mean hops

	echo "## 5. Hop time"
	echo
	echo "$HOPS hops through kexec_load (t.kx=c) in one QEMU run per row, KUnit off (kunit.enable=0): seconds from kexec -e to the next /init by the host clock, and the means of three phases of a hop: up to the next kernel's first console line (purgatory, decompression, setup_arch, where the table is validated and the verdicts made), the initramfs unpack, and the rest. In \"ours, table refused\" each kernel hands the next one a table with a broken CRC (t.bad=crc). In the last row the ours kernels load each other with Debian's kexec-tools, which places segments without regard to kept ranges."
	echo
	echo "| kernel | hops measured | seconds per hop (mean) | to console | initramfs unpack | rest | initrd at |"
	echo "|---|---|---|---|---|---|---|"
	while IFS='|' read -r name v label words; do
		d=$RUN_DIR/loop-$name
		# kexec-loop.sh's invariants are make check's (a refused table
		# breaks continuity on purpose); a hop that does not happen is
		# the bench's
		"$here/kexec-loop.sh" -n $HOPS -k "$v" -x "kunit.enable=0 t.kx=c $words" \
			"$d" "$IMAGES" >"$d.tap" 2>&1 || true
		RUN_DIR=$d run_failed "loop-$name" "$d.tap" "$d/kexec-loop.log"
		phases=$(hop_phases "$d")
		hops[$name]=${phases%% *}
		[ "${hops[$name]}" = "$HOPS" ] || grep -qxF "$d/kexec-loop.log" "$failed_logs" ||
			failed "loop-$name" "${hops[$name]} of $HOPS hops measured" "$d/kexec-loop.log"
		phases=${phases#* | }
		mean[$name]=${phases%% *}
		echo "| $label | ${hops[$name]} of $HOPS | $phases | $(RUN_DIR=$d need kexec-loop "second RAMDISK line" "$(initrd_at "$d")") |"
	done < <(hop_runs $HOPS)
	boot_report table-cost ours 512M 1 t.mode=report t.cost=1
	ns=$(fig table-cost TABLECOST 1 ns)
	ranges=$(fig table-cost TABLECOST 1 ranges)
	echo
	echo "Ratios to stock: ours $(ratio "${mean[ours]}" "${mean[stock]}"), ours with the table refused $(ratio "${mean[ours-refused]}" "${mean[stock]}"), ours kernel with Debian's kexec-tools $(ratio "${mean[ours-debian-kexec]}" "${mean[stock]}")."
	echo
	echo "With the table refused, $(later_markers "$RUN_DIR/$refused" '^SETUP-DATA .*0x45420001') of the ${hops[ours-refused]} kernels kexec'd were handed a table and $(kernel_lines "$RUN_DIR/$refused" 'efi: Ignoring the inherited boot services range table: CRC mismatch') logged \"Ignoring the inherited boot services range table: CRC mismatch\"; with Debian's kexec-tools $(later_markers "$RUN_DIR/$debian" '^SETUP-DATA .*0x45420001') of ${hops[ours-debian-kexec]} were handed a table."
	echo
	echo "The table's own cost is timed in the guest, on the same emulated CPU: the rules' work a kernel inheriting this boot's table ($ranges ranges) does in one hop (validate, decide and check cover for every range, merge, seal; bench_table in the guest) takes $ns ns, $(calc %.4f '$1 / ($2 * 1e7)' "$ns" "${mean[ours]}") % of an ours hop. The kernel's own calls around the rules (the e820 lookups of validation, the log's allocation) are not in that figure."
	echo
}

table_scale()
{
	local csv=$RUN_DIR/table-scale.csv max at above

	max=$(grep -o 'EFI_BS_RANGES_MAX_ENTRIES[[:space:]]*[0-9]*' "$here/../include/efi_bs_ranges.h" | awk '{print $2}')
	echo "## 6. Table scale (host)"
	echo
	echo "validate, merge and decide, nanoseconds for the whole table, and ns_per_range: the three together over the ranges (the host shim's CRC is bitwise; the kernel's is sliced)."
	echo
	if ! "${HOST_BIN:-HOST_BIN-not-set}/bench_table" >"$csv" 2>"$RUN_DIR/table-scale.err"; then
		failed bench_table "$(head -n 1 "$RUN_DIR/table-scale.err")" "$RUN_DIR/table-scale.err"
		echo "n/a"
		echo
		return
	fi
	awk -F, '{ print "| " $1 " | " $2 " | " $3 " | " $4 " | " $5 " |" } NR == 1 { print "|---|---|---|---|---|" }' "$csv"
	plot table-scale 'set title "range table rules on the host: ns per range (flat = linear)"
set logscale xy
set xlabel "ranges"
set ylabel "ns per range"
plot "'"$csv"'" using 1:($2 / $1) every ::1::3 with linespoints title "validate", "" using 1:($3 / $1) every ::1 with linespoints title "merge", "" using 1:($4 / $1) every ::1 with linespoints title "decide"'
	at=$(awk -F, -v m="$max" 'NR > 1 && $1 == m { print $2 }' "$csv")
	above=$(awk -F, -v m="$max" 'NR > 1 && $1 > m { printf "%s%s ns at %s", s, $2, $1; s = ", " }' "$csv")
	echo
	echo "The setup_data path accepts at most $max ranges (EFI_BS_RANGES_MAX_ENTRIES): validation took ${at:-n/a} ns at $max ranges and ${above:-n/a} ranges, where a table breaks rule 6 (too many entries), checked before its CRC."
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
	echo "## Failures"
	echo
	if [ -s "$failures" ]; then
		echo "$(wc -l <"$failures") failed; their figures read n/a above:"
		echo
		cat "$failures"
	else
		echo "None: every boot and run of $(echo "$SECTIONS" | sed 's/ /, /g') ended as asked and gave every figure read."
	fi
} >"$out"
cat "$out"
[ ! -s "$failures" ]

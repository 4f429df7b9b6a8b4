# tests/lib/qemu.sh - boot a kernel under QEMU (TCG) + OVMF and watch it.
# Sourced by the tests; needs RUN_DIR (where logs go).
#
# qemu_boot NAME KERNEL INITRD MEM APPEND [LAST_GEN]
#	Boots with a fresh copy of OVMF_VARS, the serial console
#	timestamped into $RUN_DIR/NAME.log.  Two limits: QEMU_TIMEOUT
#	seconds overall, and QEMU_NOPROGRESS seconds without a new "T: "
#	marker from the guest; and behind the watcher, `timeout -k' ends
#	QEMU QEMU_KILL_AFTER seconds past QEMU_TIMEOUT whatever the shell
#	does.  Returns 0 only when the guest printed "T: DONE" (with
#	LAST_GEN, "T: DONE gen=LAST_GEN") as its last marker and powered
#	itself off, and reported no failed kexec or kdump (KEXEC-FAIL,
#	KDUMP-FAIL); otherwise prints why and the last 30 console lines,
#	and returns 1.  QEMU_PROGRESS, if set, names a function called
#	with the log path whenever a new marker arrives.  QEMU_EXTRA, if
#	set, holds more QEMU options (split on blanks).
#
#	Knobs, all off by default (off, the boot is the plain one above);
#	QEMU_TPM, QEMU_VGA and QEMU_SB are "", 0 or 1, qemu_boot fails
#	on any other value:
#	QEMU_TPM=1	a TPM 2.0: swtpm (socket, state in
#			$RUN_DIR/NAME.tpm/) started before QEMU, a tpm-crb
#			on its control socket; stopped by pid, bounded, when
#			the boot ends, on every path (qemu_stop).  One swtpm
#			per qemu_boot: a kexec chain keeps its TPM.
#	QEMU_VGA=1	-device VGA: OVMF then has a GOP and publishes a BGRT.
#	QEMU_SB=1	a Secure Boot machine: q35 with SMM and a secure
#			pflash, for the caller's OVMF_CODE/OVMF_VARS of a
#			secboot build (the snakeoil ones, tests/lib/esp.sh).
#			A boot the firmware refuses never reboots: as soon as
#			the console shows a refusal (qemu_refused: systemd-boot's
#			"Error loading ...: Access Denied", BdsDxe's "failed to
#			load ...: Access Denied", OVMF's "Fallback to insecure
#			legacy linux kernel loader is disabled"), QEMU is
#			stopped and qemu_boot returns 2, that line in its
#			message; so it does when QEMU ended before the watcher
#			saw the line.
#	QEMU_ESP=DIR	boot from DIR as a read-only FAT disk (vvfat) on
#			virtio-blk instead of -kernel/-initrd:
#			KERNEL, INITRD and APPEND must then be "" (qemu_boot
#			fails otherwise), the ESP's loader entry holds them,
#			panic=-1 included (tests/lib/esp.sh builds it).
#
# qemu_boot sets a trap on EXIT, INT and TERM in the shell that calls it
# that ends the boot in progress (QEMU, the timeout around it and the
# timestamping perl): a test killed, or dying, leaves no guest behind.
# A suite that needs its own trap calls qemu_stop from it.

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}
QEMU_NOPROGRESS=${QEMU_NOPROGRESS:-90}
QEMU_KILL_AFTER=${QEMU_KILL_AFTER:-10}
QEMU_SMP=${QEMU_SMP:-2}

. "$(dirname "${BASH_SOURCE[0]}")/wait.sh"

# Lines of the guest's own console, timestamp stripped.
qemu_console()
{
	sed -E 's/^\[ *[0-9.]+\] //' "$RUN_DIR/$1.log"
}

# The markers of a boot: "T: " lines without the prefix; read from the
# log once the boot is over (qemu_boot keeps them in NAME.markers).
qemu_markers()
{
	if [ -f "$RUN_DIR/$1.markers" ]; then
		cat "$RUN_DIR/$1.markers"
	else
		qemu_console "$1" | sed -n 's/^T: //p'
	fi
}

# qemu_field NAME MARKER GEN KEY: the value of KEY= in the first
# "MARKER gen=GEN" line of boot NAME (GEN "-" matches any generation)
qemu_field()
{
	local gen=" gen=$3 "

	[ "$3" = - ] && gen=" "
	qemu_markers "$1" | grep -m1 "^$2$gen" | tr ' ' '\n' | sed -n "s/^$4=//p"
}

# qemu_lines NAME MARKER GEN: the "MARKER gen=GEN" lines, without both
qemu_lines()
{
	qemu_markers "$1" | sed -n "s/^$2 gen=$3 //p"
}

# qemu_bad_lines NAME: kernel lines of boot NAME that no test may see
qemu_bad_lines()
{
	qemu_console "$1" | grep -v '^T: ' |
		grep -E 'BUG:|WARNING:|Call Trace:|Oops|Bad page state|page_poison|Kernel panic' || true
}

qemu_count_markers()
{
	grep -c '^\[ *[0-9.]*\] T: ' "$1" 2>/dev/null || true
}

# qemu_refused LOG: the first console line of LOG where the firmware
# refuses an image under Secure Boot (the boot then never goes on).
# Anchored: a firmware line starts right after perl's timestamp, past
# any colour or screen escapes, where a kernel line starts with the
# kernel's own "[    0.000000] ": no kernel message can match.
qemu_refused()
{
	local line esc=$'\e'

	line=$(grep -a -m1 -E "^\[ *[0-9.]+\] ($esc\[[0-9;=]*[A-Za-z])*(Error loading .*: Access Denied|BdsDxe: failed to load .*Access Denied|([A-Za-z0-9_]+: )?Fallback to insecure legacy linux kernel loader is disabled)" "$1") ||
		return 1
	# without the timestamp, and systemd-boot's colours
	echo "$line" | sed -E 's/^\[ *[0-9.]+\] //; s/\x1b\[[0-9;=]*[A-Za-z]//g'
}

qemu_fail()
{
	local name=$1 why=$2

	echo "# $name: $why; last 30 console lines of $RUN_DIR/$name.log:"
	tail -n 30 "$RUN_DIR/$name.log" | sed 's/^/#   /'
	return 1
}

# The boot in progress: the timeout around QEMU, the perl reading its
# console, QEMU's pidfile, the files to remove after it; empty between
# boots
QEMU_JOB_TIMEOUT=""
QEMU_JOB_PERL=""
QEMU_JOB_PIDFILE=""
QEMU_JOB_TEMP=()
# The swtpm of the boot in progress (QEMU_TPM=1): the timeout around it,
# its pidfile, the directory of its socket when that is not the state
# directory (a socket path is at most 107 bytes)
QEMU_JOB_SWTPM=""
QEMU_JOB_SWTPM_PIDFILE=""
QEMU_JOB_SWTPM_SOCKDIR=""
# A signal that arrives while a job of the boot is started, between its
# fork and the recording of its pid, waits here until the pid is
# recorded (qemu_hold_signals ... qemu_take_signals): qemu_stop would not
# know the job otherwise, and it would run until its own timeout - perl,
# before QEMU opens the fifo, forever
QEMU_SIG_PENDING=""

qemu_hold_signals()
{
	QEMU_SIG_PENDING=""
	trap 'QEMU_SIG_PENDING=${QEMU_SIG_PENDING:-INT}' INT
	trap 'QEMU_SIG_PENDING=${QEMU_SIG_PENDING:-TERM}' TERM
}

qemu_take_signals()
{
	trap 'qemu_trap INT' INT
	trap 'qemu_trap TERM' TERM
	[ -z "$QEMU_SIG_PENDING" ] || qemu_trap "$QEMU_SIG_PENDING"
}

# qemu_swtpm_start NAME: start swtpm for boot NAME, a TPM 2.0 with its
# state in $RUN_DIR/NAME.tpm, under a timeout past QEMU's; sets
# QEMU_TPM_SOCK once the socket is there (at most 5 s), returns 1 if it
# never is
qemu_swtpm_start()
{
	local dir=$RUN_DIR/$1.tpm

	rm -rf "$dir"
	mkdir -p "$dir"
	QEMU_TPM_SOCK=$dir/swtpm.sock
	if [ ${#QEMU_TPM_SOCK} -gt 100 ]; then
		QEMU_JOB_SWTPM_SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/swtpm.XXXXXX")
		QEMU_TPM_SOCK=$QEMU_JOB_SWTPM_SOCKDIR/swtpm.sock
	fi
	QEMU_JOB_SWTPM_PIDFILE=$dir/swtpm.pid
	qemu_hold_signals
	timeout -k "$QEMU_KILL_AFTER" $((QEMU_TIMEOUT + 2 * QEMU_KILL_AFTER)) \
		swtpm socket --tpm2 --tpmstate dir="$dir" \
		--ctrl type=unixio,path="$QEMU_TPM_SOCK" \
		--pid file="$QEMU_JOB_SWTPM_PIDFILE" \
		--log file="$dir/swtpm.log",level=1 </dev/null >"$dir/swtpm.out" 2>&1 &
	QEMU_JOB_SWTPM=$!
	qemu_take_signals
	for _ in $(seq 50); do
		[ -S "$QEMU_TPM_SOCK" ] && return 0
		kill -0 "$QEMU_JOB_SWTPM" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# qemu_swtpm_stop: end the swtpm of the boot, if any, as qemu_stop ends
# QEMU: SIGTERM to it and to its timeout, reaped bounded
qemu_swtpm_stop()
{
	local spid

	[ -n "$QEMU_JOB_SWTPM" ] || return 0
	# swtpm may have ended by itself when QEMU closed the socket
	if kill -0 "$QEMU_JOB_SWTPM" 2>/dev/null; then
		spid=$(cat "$QEMU_JOB_SWTPM_PIDFILE" 2>/dev/null || true)
		[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
		kill "$QEMU_JOB_SWTPM" 2>/dev/null || true
	fi
	wait_pid "$QEMU_JOB_SWTPM" $((QEMU_KILL_AFTER + 1)) || true
	[ -z "$QEMU_JOB_SWTPM_SOCKDIR" ] || rm -rf "$QEMU_JOB_SWTPM_SOCKDIR"
	QEMU_JOB_SWTPM_SOCKDIR=""
	QEMU_JOB_SWTPM=""
}

# qemu_stop: end the boot in progress, if any: SIGTERM to QEMU and to the
# timeout around it (which passes it on, and SIGKILLs QEMU
# QEMU_KILL_AFTER seconds later), reap both bounded, remove its files;
# then its swtpm, if any (qemu_swtpm_stop).
qemu_stop()
{
	local qpid

	if [ -z "$QEMU_JOB_TIMEOUT" ]; then
		qemu_swtpm_stop
		return 0
	fi
	# either may have exited meanwhile: a failed kill is no error
	if kill -0 "$QEMU_JOB_TIMEOUT" 2>/dev/null; then
		qpid=$(cat "$QEMU_JOB_PIDFILE" 2>/dev/null || true)
		[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
		kill "$QEMU_JOB_TIMEOUT" 2>/dev/null || true
	fi
	wait_pid "$QEMU_JOB_TIMEOUT" $((QEMU_KILL_AFTER + 1)) || true
	wait_pid "$QEMU_JOB_PERL" "$QEMU_KILL_AFTER" || true
	rm -f "${QEMU_JOB_TEMP[@]}"
	QEMU_JOB_TIMEOUT=""
	# after QEMU: the TPM may outlive its client, not the reverse
	qemu_swtpm_stop
}

qemu_trap()
{
	local sig=$1

	# a second signal (run-all signals the suite's process group, and
	# its timeout passes the signal on) must not cut qemu_stop short
	trap '' INT TERM
	trap - EXIT
	qemu_stop
	case $sig in
	INT)	exit 130 ;;
	TERM)	exit 143 ;;
	esac
}

qemu_boot()
{
	local name=$1 kernel=$2 initrd=$3 mem=$4 append=$5 last_gen=${6:-}
	local log=$RUN_DIR/$1.log vars=$RUN_DIR/$1.vars.fd fifo=$RUN_DIR/$1.console
	local pidfile=$RUN_DIR/$1.pid
	local start now last markers n qpid done_re why="" rc=1 refused
	local machine=q35 knobs="" bad="" boot=() cmdline=() extra=()

	# here, not at source time: a boot run in a subshell, $(...),
	# needs the trap there
	trap 'qemu_trap EXIT' EXIT
	trap 'qemu_trap INT' INT
	trap 'qemu_trap TERM' TERM
	mkdir -p "$RUN_DIR"
	for n in QEMU_TPM QEMU_VGA QEMU_SB; do
		case ${!n:-} in
		"" | 0)	;;
		1)	knobs="$knobs $n=1" ;;
		*)	bad="$bad $n=${!n}" ;;
		esac
	done
	[ -z "${QEMU_ESP:-}" ] || knobs="$knobs QEMU_ESP=$QEMU_ESP"
	if [ -n "$bad" ]; then
		echo "# $(date -Is) $name: not booted:$bad" >"$log"
		qemu_fail "$name" "${bad# }: QEMU_TPM, QEMU_VGA and QEMU_SB are empty, 0 or 1"
		return 1
	fi
	if [ -n "${QEMU_ESP:-}" ]; then
		echo "# $(date -Is) $name: ESP $QEMU_ESP $mem:$knobs" >"$log"
		if [ -n "$kernel$initrd$append" ]; then
			qemu_fail "$name" "QEMU_ESP is set: KERNEL, INITRD and APPEND must be empty"
			return 1
		fi
		case $QEMU_ESP in
		*,* | *:*)
			qemu_fail "$name" "QEMU_ESP=$QEMU_ESP: no comma or colon in a vvfat path"
			return 1 ;;
		esac
		if [ ! -d "$QEMU_ESP" ]; then
			qemu_fail "$name" "QEMU_ESP=$QEMU_ESP is no directory"
			return 1
		fi
		# read-only: nothing in the boot writes to the ESP, and vvfat's
		# write mode is fragile.  On virtio-blk, since an IDE disk
		# cannot be read-only on QEMU 7.2 ("Block node is read-only"
		# with fat: alone or with readonly=on)
		boot=(-drive "file=fat:$QEMU_ESP,format=raw,if=virtio,readonly=on")
	else
		echo "# $(date -Is) $name: $kernel $initrd $mem: $append${knobs:+ (}${knobs# }${knobs:+)}" >"$log"
		boot=(-kernel "$kernel" -initrd "$initrd")
		cmdline=(-append "panic=-1 $append")
	fi
	if [ "${QEMU_SB:-0}" = 1 ]; then
		machine=q35,smm=on
		extra+=(-global driver=cfi.pflash01,property=secure,value=on)
	fi
	if [ "${QEMU_VGA:-0}" = 1 ]; then
		extra+=(-device VGA)
	fi
	if [ "${QEMU_TPM:-0}" = 1 ]; then
		if ! qemu_swtpm_start "$name"; then
			cat "$RUN_DIR/$name.tpm/swtpm.out" "$RUN_DIR/$name.tpm/swtpm.log" >>"$log" 2>/dev/null || true
			qemu_stop
			qemu_fail "$name" "swtpm did not start"
			return 1
		fi
		extra+=(-chardev "socket,id=chrtpm,path=$QEMU_TPM_SOCK"
			-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-crb,tpmdev=tpm0)
	fi
	cp "$OVMF_VARS" "$vars"
	rm -f "$pidfile" "$fifo"
	mkfifo "$fifo"
	qemu_hold_signals
	# The console through a fifo rather than a pipe, so that both ends
	# are jobs of this shell with a pid to stop and to wait for.
	T0=$(date +%s.%N) perl -MTime::HiRes=time -ne \
		'BEGIN { $| = 1 } s/\r//g; printf "[%8.3f] %s", time - $ENV{T0}, $_' \
		<"$fifo" >>"$log" &
	QEMU_JOB_PERL=$!
	QEMU_JOB_PIDFILE=$pidfile
	QEMU_JOB_TEMP=("$vars" "$fifo" "$pidfile")
	timeout -k "$QEMU_KILL_AFTER" $((QEMU_TIMEOUT + QEMU_KILL_AFTER)) \
		qemu-system-x86_64 -machine "$machine" -m "$mem" -smp "$QEMU_SMP" \
		-nodefaults -no-reboot -display none -pidfile "$pidfile" \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE" \
		-drive if=pflash,format=raw,unit=1,file="$vars" \
		-serial stdio "${boot[@]}" ${QEMU_EXTRA:-} "${cmdline[@]}" "${extra[@]}" \
		</dev/null >"$fifo" 2>&1 &
	QEMU_JOB_TIMEOUT=$!
	qemu_take_signals

	start=$(date +%s)
	last=$start
	markers=0
	for _ in $(seq 50); do
		[ -s "$pidfile" ] && break
		sleep 0.1
	done
	qpid=$(cat "$pidfile" 2>/dev/null || true)
	if [ -z "$qpid" ]; then
		qemu_stop
		qemu_fail "$name" "QEMU did not start"
		return 1
	fi
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s)
		n=$(qemu_count_markers "$log")
		if [ "$n" -gt "$markers" ]; then
			markers=$n
			last=$now
			[ -n "${QEMU_PROGRESS:-}" ] && "$QEMU_PROGRESS" "$log"
		fi
		if [ "${QEMU_SB:-0}" = 1 ] && refused=$(qemu_refused "$log"); then
			why="Secure Boot refused the image: $refused"
			rc=2
		elif [ $((now - start)) -ge "$QEMU_TIMEOUT" ]; then
			why="overall timeout of ${QEMU_TIMEOUT}s"
		elif [ $((now - last)) -ge "$QEMU_NOPROGRESS" ]; then
			why="no new marker for ${QEMU_NOPROGRESS}s"
		fi
		[ -n "$why" ] && break
		sleep 1
	done
	# QEMU has exited, or is stopped here; either way the waits in
	# qemu_stop are bounded
	qemu_stop
	# QEMU may have ended (a firmware that exits, or -no-reboot) before
	# the watcher looked at the refusal; perl is reaped, the log whole
	if [ -z "$why" ] && [ "${QEMU_SB:-0}" = 1 ] && refused=$(qemu_refused "$log"); then
		why="Secure Boot refused the image: $refused"
		rc=2
	fi
	rm -f "$RUN_DIR/$name.markers"
	echo "# $name: QEMU ran $(($(date +%s) - start))s" >>"$log"
	qemu_markers "$name" >"$RUN_DIR/$name.markers.tmp"
	mv "$RUN_DIR/$name.markers.tmp" "$RUN_DIR/$name.markers"
	[ -n "$why" ] && { qemu_fail "$name" "$why"; return "$rc"; }
	# a kexec or kdump that failed in the guest is a failed run, however
	# the guest ended
	why=$(qemu_markers "$name" | grep -m1 '^K[A-Z]*-FAIL ' || true)
	[ -n "$why" ] && { qemu_fail "$name" "the guest reported $why"; return 1; }
	done_re="^DONE gen=${last_gen:-[0-9]*} "
	qemu_markers "$name" | tail -n 1 | grep -q "$done_re" ||
		{ qemu_fail "$name" "the guest stopped without T: DONE${last_gen:+ gen=$last_gen}"; return 1; }
	return 0
}

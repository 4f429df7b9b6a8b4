# tests/lib/wait.sh - bounded waits.  Sourced.
#
# wait_pid PID SECONDS	wait for PID, a child of this shell, at most
#			SECONDS; then SIGKILL it and reap it.  Returns
#			its exit status (137 when it had to be killed).

wait_pid()
{
	local pid=$1 n

	for n in $(seq $(($2 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid" 2>/dev/null || true; }
	# bounded: PID has exited, or has just been sent SIGKILL
	wait "$pid"
}

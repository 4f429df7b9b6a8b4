# usage.sh - usage: print the calling script's header comment, from the
# line after #! to the first line that is not a comment, and exit 2
usage()
{
	sed -n '2,/^[^#]/s/^#\( \|$\)//p' "$0" >&2
	exit 2
}

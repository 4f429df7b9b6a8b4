#!/bin/bash
# docs-figures.sh - every figure the docs quote from the bench is one the
# last bench wrote.  A sentence quotes the bench when it cites a section
# of docs/results.md, outside `code` spans: "(docs/results.md, section
# 2)", "([results.md](results.md), section 2)", "(make bench;
# docs/results.md, section 2)"; every number in it, outside `code` spans,
# hexadecimal and the citation itself, must appear as a number in that
# section of docs/results.md (`make bench` writes it).  A sentence citing
# a section that results.md lacks, or quoting no number, fails too.  One
# test point per citing sentence of README.md, docs/*.md and the cover
# letter.
#
# Usage: tests/docs-figures.sh [-r ROOT] [RUN_DIR IMAGES_DIR]
#   -r  the tree whose docs to check (default: this one)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/usage.sh"

ROOT=$here/..
while getopts "r:" o; do
	case $o in
	r) ROOT=$OPTARG ;;
	*) usage ;;
	esac
done

# For each sentence of FILES citing results.md's sections, one line:
# "ok|FILE:LINE|what" or "fail|FILE:LINE|what".  Sentences are split in
# paragraphs, list items, table rows and headings, at ". ".
check_citations()
{
	perl -e '
		use strict;
		my $num = qr/(?<![\w.])\d+(?:[.,]\d+)*/;
		my $cite = qr/results\.md\)?,\s+section\s+(\d+)/;
		sub numbers {
			my $t = shift;
			$t =~ s/`[^`]*`//g;
			$t =~ s/0x[0-9a-fA-F]+//g;
			$t =~ s/section\s+\d+//g;
			return $t =~ /$num/g;
		}
		my $results = shift;
		open(my $r, "<", $results) or die "$results: $!\n";
		my (%have, $sec);
		while (<$r>) {
			$sec = /^## (\d+)\./ ? $1 : undef if /^## /;
			next unless defined $sec;
			$have{$sec}{$_} = 1 for numbers($_);
		}
		for my $file (@ARGV) {
			open(my $f, "<", $file) or die "$file: $!\n";
			my @chunks;
			my ($text, $at) = ("", 0);
			while (<$f>) {
				chomp;
				if (/^\s*$/ || /^\s*([-*]|\d+\.)\s/ || /^\s*[|#]/) {
					push @chunks, [$at, $text] if $text ne "";
					($text, $at) = ("", $.);
				}
				$at = $. if $text eq "";
				$text .= "$_\n" unless /^\s*$/;
			}
			push @chunks, [$at, $text] if $text ne "";
			for my $c (@chunks) {
				my $line = $c->[0];
				for my $s (split /(?<=[.!?])(?=\s)/, $c->[1]) {
					my $at = $line + ($s =~ /^(\s*)/ && ($1 =~ tr/\n//));
					$line += ($s =~ tr/\n//);
					(my $plain = $s) =~ s/`[^`]*`//g;
					my @secs = $plain =~ /$cite/g or next;
					my @nums = numbers($s);
					my @gone = grep { !$have{$_} } @secs;
					my @missing = grep { my $n = $_; !grep { $have{$_} && $have{$_}{$n} } @secs } @nums;
					my $where = "$file:$at";
					my $in = "section " . join(", ", @secs) . " of docs/results.md";
					if (@gone) {
						print "fail|$where|cites section @gone, which docs/results.md lacks\n";
					} elsif (!@nums) {
						print "fail|$where|cites $in but quotes no figure\n";
					} elsif (@missing) {
						print "fail|$where|@missing not in $in (of @nums)\n";
					} else {
						print "ok|$where|@nums in $in\n";
					}
				}
			}
		}' "$@"
}

cd "$ROOT"
n=0
while IFS='|' read -r verdict where what; do
	n=$((n + 1))
	if [ "$verdict" = ok ]; then
		tap_pass "$where: $what"
	else
		tap_fail "$where: $what"
	fi
done < <(check_citations docs/results.md README.md $(ls docs/*.md | grep -vx docs/results.md) \
	kernel/patches/*/0000-cover-letter.patch)
[ "$n" -gt 0 ] || tap_fail "no sentence in the docs cites docs/results.md"
tap_done

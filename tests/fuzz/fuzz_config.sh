#!/bin/sh
# The configuration parser (ixwatch.yml and prefixes.yml): load, print, load, print.
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_config config -max_len=65536

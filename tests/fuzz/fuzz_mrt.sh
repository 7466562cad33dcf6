#!/bin/sh
# MRT record decoding (bgp/mrt.h), every record type.
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_mrt fuzz_mrt

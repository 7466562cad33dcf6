#!/bin/sh
# Whole BGP messages (bgp/bgp.h), session capabilities chosen by the first byte.
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_bgp_msg fuzz_bgp_msg

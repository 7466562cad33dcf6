#!/bin/sh
# UPDATE and attribute decoding with the canonical blob round trip (bgp/bgp.h).
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_bgp_update fuzz_bgp_update

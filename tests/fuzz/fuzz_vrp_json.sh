#!/bin/sh
# The JSON VRP/ASPA loader (rtr/rtr_json.h).
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_vrp_json fuzz_vrp_json

#!/bin/sh
# The control protocol: request parsing and command dispatch (agent/control.h).
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_control control -max_len=8192

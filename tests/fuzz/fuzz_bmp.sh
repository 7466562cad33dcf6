#!/bin/sh
# The BMP framer fed in chunks, the message decoder and encapsulated UPDATEs (bgp/bmp.h).
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_bmp fuzz_bmp

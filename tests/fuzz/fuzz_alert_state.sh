#!/bin/sh
# Alert state file loader (agent/alert_state.c): load, save, load again.
exec "${top_srcdir:-.}/tests/fuzz/run.sh" fuzz_alert_state fuzz_alert_state

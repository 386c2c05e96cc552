#!/bin/sh
# Size budgets (exact bytes of the shipped .wasm) and import hygiene of the
# built plugins. Usage: tests/size-check.sh BUILD_DIR
B=${1:-build}
pass=0 fail=0
check() { # name, condition-exit-status, detail
    if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1: $3"; fi
}
# ceiling: what the plugin measures today, so any growth fails and must be
# justified by changing the number here. target: the issues' budgets, which
# nd_ws does not meet yet; they are reported, not hidden.
budget() { # plugin, ceiling, target
    n=$(wc -c < "$B/$1.wasm")
    [ "$n" -le "$2" ]; check "$1.wasm is $n bytes, ceiling $2" $? "grew by $((n - $2)) bytes"
    if [ "$n" -le "$3" ]; then echo "     $1.wasm meets its target of $3 bytes"
    else echo "     $1.wasm misses its target of $3 bytes by $((n - $3))"; fi
}
budget minimal 4419 3072
budget all4 5179 4096
budget echo 6638 5120
for p in minimal all4 echo probe client; do
    dump=$(wasm-objdump -x "$B/$p.wasm")
    pages=$(echo "$dump" | sed -n 's/.*pages: initial=\([0-9]*\).*/\1/p')
    [ "$pages" -le 2 ]; check "$p.wasm initial memory $pages page(s) <= 2" $? "too much initial memory"
    ! echo "$dump" | grep -q 'wasi_snapshot\|wasi_unstable'; check "$p.wasm imports nothing from WASI" $? "$(echo "$dump" | grep wasi | head -3)"
    ! echo "$dump" | grep -q 'log_trace\|get_log_level\|http_headers'; check "$p.wasm imports no newer-host-only function" $? "older hosts would refuse it"
    # wasm-ld --trace-symbol says "reference to malloc" once anything uses it.
    ! grep -q 'reference to' "$B/$p.link.log"; check "$p.wasm links neither malloc nor free" $? "$(cat "$B/$p.link.log")"
done
for p in minimal all4 probe; do
    ! wasm-objdump -x "$B/$p.wasm" | grep -q 'extism:host/user'; check "$p.wasm imports no websocket host function" $? "Navidrome would refuse it without the permission"
done
wasm-objdump -x "$B/echo.wasm" | grep -q 'websocket_connect'; check "echo.wasm imports websocket_connect" $? "client import missing"
echo "size: $pass passed, $fail failed"
[ "$fail" = 0 ]

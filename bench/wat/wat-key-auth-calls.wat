;; The host's part of key-auth's allowed path, without an SDK or any logic: on request headers it makes
;; the three calls key-auth must make there — read the route name (proxy_get_property "route_name"),
;; read the key header (x-api-key), and set x-mse-consumer (replace) — each value copied in through
;; malloc as for any module. Compared with the WAT no-op, it shows what these calls cost the host; the
;; rest of key-auth's cost is the SDK's and the plugin's own. Anything unexpected (a host error, an
;; empty value) traps, so a benchmark of this module cannot silently measure less work.
(module
  (import "env" "proxy_get_property"
    (func $get_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_value"
    (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value"
    (func $replace_header (param i32 i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The property path, the key's header name, the consumer header and its value, and two
  ;; out-parameter slots for the host's (pointer, size) answers.
  (data (i32.const 16) "route_name")
  (data (i32.const 32) "x-api-key")
  (data (i32.const 48) "x-mse-consumer")
  (data (i32.const 64) "consumer-3")
  (global $OUT_PTR i32 (i32.const 96))
  (global $OUT_SIZE i32 (i32.const 100))

  ;; An arena: every request-headers callback starts it afresh, so whatever the host copied in for
  ;; the previous request is reused and linear memory stays flat.
  (global $HEAP_BASE i32 (i32.const 1024))
  (global $heap (mut i32) (i32.const 1024))
  (func (export "malloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq
              (memory.grow (i32.shr_u (i32.sub (i32.add (local.get $end) (i32.const 0xffff))
                                               (i32.shl (memory.size) (i32.const 16)))
                                      (i32.const 16)))
              (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  (func (export "proxy_abi_version_0_2_0"))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_context_create") (param i32 i32))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $count i32) (param $eos i32) (result i32)
    (global.set $heap (global.get $HEAP_BASE))
    (if (call $get_property (i32.const 16) (i32.const 10) (global.get $OUT_PTR) (global.get $OUT_SIZE))
      (then unreachable))
    (if (i32.eqz (i32.load (global.get $OUT_SIZE))) (then unreachable))
    ;; map type 0 = request headers
    (if (call $get_header (i32.const 0) (i32.const 32) (i32.const 9) (global.get $OUT_PTR) (global.get $OUT_SIZE))
      (then unreachable))
    (if (i32.eqz (i32.load (global.get $OUT_SIZE))) (then unreachable))
    (if (call $replace_header (i32.const 0) (i32.const 48) (i32.const 14) (i32.const 64) (i32.const 10))
      (then unreachable))
    (i32.const 0))

  (func (export "proxy_on_request_body") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_response_body") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_delete") (param i32))
)

;; The host floor plus the least real work a plugin does: on request headers it fetches the whole
;; header map (proxy_get_header_map_pairs), walks every pair as an SDK would decode it, and adds one
;; header. Anything unexpected (a host error, a count that differs from what on_request_headers was
;; told, a malformed encoding) traps, so a benchmark of this module cannot silently measure less work.
(module
  (import "env" "proxy_get_header_map_pairs"
    (func $get_pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value"
    (func $add_header (param i32 i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The added header, and two out-parameter slots for the host's (pointer, size) answer.
  (data (i32.const 16) "x-bench")
  (data (i32.const 32) "1")
  (global $OUT_PTR i32 (i32.const 48))
  (global $OUT_SIZE i32 (i32.const 52))

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
    (local $buf i32) (local $size i32) (local $end i32)
    (local $i i32) (local $sizes i32) (local $data i32) (local $klen i32) (local $vlen i32)
    (global.set $heap (global.get $HEAP_BASE))
    ;; map type 0 = request headers
    (if (call $get_pairs (i32.const 0) (global.get $OUT_PTR) (global.get $OUT_SIZE))
      (then unreachable))
    (local.set $buf (i32.load (global.get $OUT_PTR)))
    (local.set $size (i32.load (global.get $OUT_SIZE)))
    (local.set $end (i32.add (local.get $buf) (local.get $size)))
    (if (i32.ne (i32.load (local.get $buf)) (local.get $count))
      (then unreachable))
    ;; Layout: u32 count, count x (u32 key size, u32 value size), then "key\0value\0" per pair.
    (local.set $sizes (i32.add (local.get $buf) (i32.const 4)))
    (local.set $data (i32.add (local.get $sizes) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $klen (i32.load (local.get $sizes)))
        (local.set $vlen (i32.load offset=4 (local.get $sizes)))
        (local.set $data (i32.add (local.get $data) (local.get $klen)))
        (if (i32.load8_u (local.get $data)) (then unreachable))
        (local.set $data (i32.add (local.get $data) (i32.add (local.get $vlen) (i32.const 1))))
        (if (i32.load8_u (local.get $data)) (then unreachable))
        (local.set $data (i32.add (local.get $data) (i32.const 1)))
        (local.set $sizes (i32.add (local.get $sizes) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $pair)))
    (if (i32.ne (local.get $data) (local.get $end))
      (then unreachable))
    (if (call $add_header (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 32) (i32.const 1))
      (then unreachable))
    (i32.const 0))

  (func (export "proxy_on_request_body") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_response_body") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "proxy_on_log") (param i32))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_delete") (param i32))
)

#!/usr/bin/env bash
# Writes the hand-made seeds into corpus/<target>/. Re-running overwrites these
# files only; merged inputs and regression seeds (regress-*) are left alone.
# Signed values come from harness/tests/vectors/signing.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

KEY=278d425bdf160c739803
SECRET=7ad3773142a6692b25b8
TS=1353088179
AUTH_PRIV=$KEY:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4
AUTH_PRES=$KEY:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80
AUTH_USER=$KEY:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba
BODY='{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}'
BODY_MD5=ec365a775a4cd0599faeb73354201b6f
SIG_POST=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c
SIG_GET=16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291
HOOK='{"time_ms":1327078148132,"events":[{"name":"channel_occupied","channel":"test_channel"}]}'
NONCE=AAECAwQFBgcICQoLDA0ODxAREhMUFRYX
CIPHER=emN4Q/pCzGXg82cxuBxkfZBakQbsSDKbcS7gu8ute3IzlV/Sx8Rhf6Y=
CDATA='{"user_id":10,"user_info":{"name":"Mr. Channels"}}'

# seed TARGET NAME: stdin becomes corpus/TARGET/NAME
seed() { mkdir -p "$root/corpus/$1"; cat >"$root/corpus/$1/$2"; }
# f TARGET NAME TEXT: one seed from literal text (printf %s: no escapes)
f() { printf '%s' "$3" | seed "$1" "$2"; }
# z TARGET NAME FIELD...: fields joined with NUL bytes
z() { local t=$1 n=$2; shift 2; { printf '%s' "$1"; shift; for x in "$@"; do printf '\0%s' "$x"; done; } | seed "$t" "$n"; }

t=fuzz_frame_parse
f $t conn-established '{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"}'
f $t error-object '{"event":"pusher:error","data":{"message":"Over capacity","code":4100}}'
f $t error-string '{"event":"pusher:error","data":"{\"message\":\"No code\",\"code\":null}"}'
f $t ping-client '{"event":"pusher:ping","data":{}}'
f $t pong-server '{"event":"pusher:pong","data":"{}"}'
f $t subscribe-public '{"event":"pusher:subscribe","data":{"channel":"my-channel"}}'
f $t subscribe-private '{"event":"pusher:subscribe","data":{"auth":"'$AUTH_PRIV'","channel":"private-foobar"}}'
f $t subscribe-presence '{"event":"pusher:subscribe","data":{"auth":"'$AUTH_PRES'","channel":"presence-foobar","channel_data":"{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}"}}'
f $t subscribe-encrypted '{"event":"pusher:subscribe","data":{"auth":"k:00","channel":"private-encrypted-bla"}}'
f $t unsubscribe '{"event":"pusher:unsubscribe","data":{"channel":"presence-cache-x"}}'
f $t sub-succeeded-public '{"event":"pusher_internal:subscription_succeeded","channel":"my-channel","data":"{}"}'
f $t sub-succeeded-presence '{"event":"pusher_internal:subscription_succeeded","channel":"presence-foobar","data":"{\"presence\":{\"ids\":[\"10\",\"11\"],\"hash\":{\"10\":{\"name\":\"a\"},\"11\":null},\"count\":2}}"}'
f $t sub-succeeded-bad-presence '{"event":"pusher_internal:subscription_succeeded","channel":"presence-x","data":"{\"presence\":{\"ids\":[\"1\",\"1\",2],\"hash\":{\"3\":{}},\"count\":5}}"}'
f $t sub-error '{"event":"pusher:subscription_error","channel":"private-x","data":"{\"type\":\"AuthError\",\"error\":\"bad\",\"status\":401}"}'
f $t member-added '{"event":"pusher_internal:member_added","channel":"presence-foobar","data":"{\"user_id\":\"11\",\"user_info\":{\"name\":\"b\"}}"}'
f $t member-removed '{"event":"pusher_internal:member_removed","channel":"presence-foobar","data":"{\"user_id\":11}"}'
f $t cache-miss '{"event":"pusher:cache_miss","channel":"cache-news"}'
f $t signin '{"event":"pusher:signin","data":{"auth":"'$AUTH_USER'","user_data":"{\"id\":\"12345\"}"}}'
f $t signin-success '{"event":"pusher:signin_success","data":"{\"user_data\":\"{\\\"id\\\":\\\"12345\\\"}\"}"}'
f $t watchlist '{"event":"pusher_internal:watchlist_events","data":"{\"events\":[{\"name\":\"online\",\"user_ids\":[\"1\"]}]}"}'
f $t client-event '{"event":"client-typing","channel":"private-chat","data":{"user":"x"}}'
f $t client-event-public '{"event":"client-typing","channel":"chat","data":"x"}'
f $t channel-event-string '{"event":"my-event","channel":"my-channel","data":"{\"message\":\"hello\"}"}'
f $t channel-event-object '{"event":"my-event","channel":"my-channel","data":{"message":"hello","n":[1,-2.5e3,true,null]}}'
f $t channel-event-text '{"event":"my-event","channel":"private-cache-x","data":"not json"}'
f $t channel-event-encrypted '{"event":"secret","channel":"private-encrypted-bla","data":"{\"nonce\":\"'$NONCE'\",\"ciphertext\":\"'$CIPHER'\"}"}'
f $t server-to-user '{"event":"greet","channel":"#server-to-user-12345","data":"{}"}'
f $t escapes '{"event":"caf\u00e9 \ud834\udd1e","data":"\"q\" \\ \/ \b\f\n\r\t \u001f"}'
f $t numbers '{"event":"x","data":{"a":1E400,"b":-0,"c":1e-7,"d":123456789012345678901234567890}}'
f $t duplicate-keys '{"event":"a","event":"b","data":1,"data":"x","channel":5}'
f $t wrong-types '{"event":"pusher:connection_established","data":{"socket_id":"abc","activity_timeout":"120"}}'
f $t truncated '{"event":"pusher:subscribe","data":{"chan'
f $t no-event '{"channel":"x","data":{}}'
f $t not-object '["event","pusher:ping"]'
printf '{"event":"caf\xc3","x":"\xc0\x80"}' | seed $t bad-utf8
# 3- and 4-byte sequences at the edges of their ranges, then one past each
printf '{"event":"client-x","channel":"private-a","data":"\xe0\xa0\x80\xed\x9f\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xe2\x82\xac"}' | seed $t utf8-edges
printf '{"event":"client-x","channel":"private-a","data":"\xed\xa0\x80"}' | seed $t utf8-surrogate
printf '{"event":"client-x","channel":"private-a","data":"\xe0\x9f\xbf"}' | seed $t utf8-overlong-3
printf '{"event":"client-x","channel":"private-a","data":"\xf0\x8f\xbf\xbf"}' | seed $t utf8-overlong-4
printf '{"event":"client-x","channel":"private-a","data":"\xf4\x90\x80\x80"}' | seed $t utf8-over-max
f $t server-to-user-subscribe '{"event":"pusher:subscribe","data":{"channel":"#server-to-user-abc"}}'
f $t server-to-user-empty '{"event":"pusher:subscribe","data":{"channel":"#server-to-user-"}}'
printf '{"event":"x","data":%s1%s}' "$(printf '[%.0s' {1..70})" "$(printf ']%.0s' {1..70})" | seed $t deep-nesting
# first byte % 8 picks the size cap: ' ' is cap = len/2, '\t' is cap = len
f $t cap-half ' {"event":"pusher:ping"}'
printf '\t{"event":"pusher:ping"}' | seed $t cap-exact

t=fuzz_sign_verify
z $t private "$KEY" "$SECRET" 1234.1234 private-foobar "" "" /apps/3/events
z $t presence "$KEY" "$SECRET" 1234.1234 presence-foobar "$CDATA" "$BODY" /apps/3/events
z $t encrypted "$KEY" "$SECRET" 1234.1234 private-encrypted-bla '{"id":"12345"}' '{"message":"hello world"}'
z $t get-params "$KEY" "$SECRET" 1.2 presence-x "" "" /apps/3/channels filter_by_prefix presence- info user_count
z $t webhook "$KEY" "$SECRET" 1.1 test_channel "" "$HOOK" /webhook
z $t escaped-params k s 1.1 c d "a b&c=d" "/apps/3/channels/a b" "Key+%" "v=1&w" "unicode" "é€𝄞"
z $t reserved-param k s 1.1 c d "" /p AUTH_KEY x
z $t user-body-md5 k s 1.1 c d "" /p body_md5 abc
z $t empty-param-key k s 1.1 c d body /p "" v
z $t empty-fields "" "" "" "" "" ""
# secrets of one block (64 bytes) and longer (hashed first, RFC 2104)
z $t secret-64 "$KEY" "$(printf 's%.0s' {1..64})" 1.1 private-a "" "x" /apps/3/events
z $t secret-65 "$KEY" "$(printf 's%.0s' {1..65})" 1.1 presence-a "$CDATA" "x" /apps/3/events
printf '' | seed $t empty

t=fuzz_api_verify
# options byte 0x03: a 512-byte why buffer, everything else as given
api() { local opt=$1 name=$2; shift 2; { printf "$opt"; printf '%s\0%s\0%s\0%s' "$@"; } | seed fuzz_api_verify "$name"; }
Q_POST="auth_key=$KEY&auth_timestamp=$TS&auth_version=1.0&body_md5=$BODY_MD5&auth_signature=$SIG_POST"
Q_GET="auth_key=$KEY&auth_timestamp=$TS&auth_version=1.0&filter_by_prefix=presence-&info=user_count&auth_signature=$SIG_GET"
api '\x03' post-ok POST /apps/3/events "$BODY" "$Q_POST"
api '\x03' get-ok GET /apps/3/channels "" "$Q_GET"
api '\x03' get-reordered GET /apps/3/channels "" "info=user_count&auth_signature=$SIG_GET&Auth_Key=$KEY&AUTH_TIMESTAMP=$TS&auth_version=1.0&filter_by_prefix=presence%2D"
api '\x03' get-lower-escape GET /apps/3/channels "" "auth_key=$KEY&auth_timestamp=$TS&auth_version=1.0&filter_by_prefix=presence%2d&info=user_count&auth_signature=$SIG_GET"
api '\x03' get-plus GET /apps/3/channels "" "auth_key=$KEY&auth_timestamp=$TS&auth_version=1.0&filter_by_prefix=a+b%20c&info=&auth_signature=$SIG_GET"
api '\x03' bad-escape GET /apps/3/channels "" "auth_key=$KEY&filter_by_prefix=%zz&x=%4&y=%"
api '\x03' nul-escape GET /apps/3/channels "" "auth_key=$KEY&a%00b=1"
api '\x03' duplicate GET /apps/3/channels "" "auth_key=$KEY&AUTH_KEY=$KEY&auth_timestamp=$TS"
api '\x03' empty-segments GET /p "" "&&auth_key=$KEY&&=v&flag&"
api '\x03' missing POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=$TS"
api '\x03' bad-version POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=$TS&auth_version=1.1&auth_signature=$SIG_POST"
api '\x03' ts-plus POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=%2B$TS&auth_version=1.0&body_md5=$BODY_MD5&auth_signature=$SIG_POST"
api '\x03' ts-601 POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=1353088780&auth_version=1.0&body_md5=$BODY_MD5&auth_signature=$SIG_POST"
api '\x03' ts-600 POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=1353088779&auth_version=1.0&body_md5=$BODY_MD5&auth_signature=$SIG_POST"
api '\x03' ts-overflow POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=-99999999999999999999&auth_version=1.0&auth_signature=x"
api '\x03' md5-wrong POST /apps/3/events "$BODY x" "$Q_POST"
api '\x03' md5-missing POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=$TS&auth_version=1.0&auth_signature=$SIG_POST"
api '\x03' sig-upper POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=$TS&auth_version=1.0&body_md5=$BODY_MD5&auth_signature=${SIG_POST^^}"
api '\x03' many-params GET /p "" "$(for i in $(seq 0 64); do printf 'p%d=%d&' "$i" "$i"; done)"
api '\x0b' grow-past-limit GET /apps/3/channels "" "$Q_GET"
api '\x0b' grow-to-limit GET /p "" "auth_key=$KEY&a=12"
api '\x0f' grow-params GET /apps/3/channels "" "auth_key=$KEY"
api '\x13' body-null POST /apps/3/events "$BODY" "$Q_POST"
api '\x23' key-null POST /apps/3/events "$BODY" "$Q_POST"
api '\x43' secret-null POST /apps/3/events "$BODY" "$Q_POST"
api '\x80' clock-far POST /apps/3/events "$BODY" "auth_key=$KEY&auth_timestamp=-9223372036854775808&auth_version=1.0&auth_signature=$SIG_POST"
api '\x01' why-one GET /apps/3/channels "" "$Q_GET"

t=fuzz_b64_decrypt
# options byte 0x01: decode into a buffer of len/4*3 bytes
b64() { local opt=$1 name=$2; shift 2; { printf "$opt"; printf '%s\0%s\0%s\0%s' "$@"; } | seed fuzz_b64_decrypt "$name"; }
b64 '\x01' vector "$NONCE" "$CIPHER" private-encrypted-bla "4HRHqv6Ikt1KTpJzRLhKiWR//fYvPT+euH95kmIifJs="
b64 '\x01' wrong-channel "$NONCE" "$CIPHER" private-encrypted-blb "$NONCE"
b64 '\x03' short-cipher "$NONCE" AAAA private-encrypted-x "AA=="
b64 '\x00' nonce-23 AAECAwQFBgcICQoLDA0ODxAREhMUFQ== "$CIPHER" private-encrypted-bla "AAA="
b64 '\x03' nonce-25 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGA== "$CIPHER" private-encrypted-bla "A==="
b64 '\x01' non-canonical "$NONCE" "$CIPHER" c "AB=="
b64 '\x01' url-safe "$NONCE" "emN4Q_pCzGXg82cxuBxkfZBakQbsSDKbcS7gu8ute3IzlV_Sx8Rhf6Y=" private-encrypted-bla "-_-_"
b64 '\x01' whitespace " $NONCE" "$CIPHER " private-encrypted-bla "QUJD
REVG"
b64 '\x02' padding-only "" "" "" "===="
b64 '\x09' tiny-buffer "" "" "" "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
b64 '\x01' unpadded "$NONCE" "emN4Q/pCzGXg82cxuBxkfZBakQbsSDKbcS7gu8ute3IzlV/Sx8Rhf6Y" private-encrypted-bla "QUJDRA"
printf '\x01%s\0%s\0%s\0QU\0JD' "$NONCE" "$CIPHER" c | seed $t nul-in-text
printf '' | seed $t empty

t=fuzz_adapter_lines
# byte 0 picks the line cap (0x04: 4096, 0x05: the 8 MiB default); lines as
# pusher-js.js and pusher-http-node.js print them (ci/adapters/PROTOCOL.md)
lines() { local opt=$1 name=$2; shift 2; { printf "$opt"; printf '%s\n' "$@"; } | seed $t "$name"; }
lines '\x05' client-session \
  '{"type":"hello","sdk":"pusher-js","version":"8.6.0","kind":"client"}' \
  '{"type":"state","previous":"initialized","current":"connecting","socket_id":null}' \
  '{"re":1,"ok":true,"result":null}' \
  '{"type":"state","previous":"connecting","current":"connected","socket_id":"2532576393.6467392259"}' \
  '{"type":"event","channel":"presence-room","event":"pusher:member_added","data":{"id":"ub","info":{"name":"ub"}}}' \
  '{"type":"subscribed","channel":"presence-room","members":{"count":2,"ids":["ua","ub"],"me":{"id":"ua","info":{}},"hash":{"ua":{},"ub":{}}}}' \
  '{"type":"decryption_error","channel":"private-encrypted-a","detail":"Failed to decrypt event with new key. Dropping encrypted event","dropped":true}' \
  '{"re":null,"ok":false,"error":"unparsable line: Unexpected token"}'
lines '\x05' http-session \
  '{"type":"hello","sdk":"pusher-http-node","version":"5.3.4","kind":"http"}' \
  '{"re":2,"ok":true,"result":{"status":200,"body":"{\"ok\":true}"}}' \
  '{"re":3,"ok":true,"result":{"channel_data":"{\"user_id\":\"u1\"}","auth":"key-main:0f3a"}}' \
  '{"re":8,"ok":false,"error":"Unexpected status code 404","status":404,"body":""}'
lines '\x02' overlong-cap-7 '{"type":"hello"}' '{"re":1}' 'x'
lines '\x05' garbage 'this is not JSON' '{"re":1} trailing' '[1,2,3]' '{"a":1,"a":2}' '{"n":1E400,"m":-0,"d":[[[[]]]]}'
printf '\x05{"type":"state"\r\n{"re":1,"ok"' | seed $t partial-line
printf '\x04\n\n\n{}\n' | seed $t empty-lines

t=fuzz_fake_request
# path \0 lws fragments (cut at 0x01) \0 form text \0 body
req() { local name=$1 path=$2 frags=$3 form=$4 body=$5; printf '%s\0%s\0%s\0%s' "$path" "$frags" "$form" "$body" | seed $t "$name"; }
req api-post /apps/3/events "auth_key=$KEY"$'\x01'"auth_timestamp=$TS"$'\x01'"auth_version=1.0"$'\x01'"body_md5=$BODY_MD5"$'\x01'"auth_signature=$SIG_POST" "" "$BODY"
req api-get /apps/3/channels "filter_by_prefix=presence-"$'\x01'"info=user_count,subscription_count"$'\x01'"auth_key=$KEY" "" ""
req channel-auth /auth/key-main/channel "" "socket_id=1234.5678&channel_name=presence-room%40a+b" "socket_id=1234.5678&channel_name=presence-room%40a+b"
req user-auth /auth/key-main/user "user=u1" "socket_id=1234.5678" "socket_id=1234.5678"
req ws-upgrade "/app/key-main?protocol=7&client=js" "protocol=7"$'\x01'"client=js"$'\x01'"version=8.6.0"$'\x01'"flash=false" "" ""
req decoded-specials /apps/x/events "a=A+&b c"$'\x01'"d=e=f"$'\x01'"=nokey"$'\x01'"solo" "a=%41%2B%26b+c&d=e%3Df&=x&&%zz=%4" ""
req no-route /metrics "" "" ""

t=fuzz_http_response
# status (2 bytes), limit selector, then pieces: kind (0 chunk-size line, 1 Content-Length, 2 honest), n, n bytes
printf '\x00\xc8\x05\x00\x05hello' | seed $t plain
printf '\x00\xc8\x04\x00ffffffff;\x10xxxxxxxxxxxxxxxx' | seed $t chunk-ffffffff
printf '\x00\xc8\x04\x00100000005;\x10xxxxxxxxxxxxxxxx' | seed $t chunk-9-digits
printf '\x00\xc8\x02\x01\xff\xff\xff\xff\xff\xff\xff\xff\x20{"ok":true,"pad":"xxxxxxxxxxxx"}' | seed $t length-huge

t=fuzz_ws_upgrade
# status (2 bytes), output size byte, Location bytes
printf '\x01\x2e\x40ws://127.0.0.1:9/app/key' | seed $t redirect-302
printf '\x01\x93\x80http://h/\x1b[2J\xc2\x9b\xe2\x80\xae\xe2\x81\xa6\x7f\xff' | seed $t controls-403
printf '\x01\x2d\x02ws://long/path' | seed $t tiny-out

echo "seeds written under $root/corpus/"

#!/usr/bin/env python3
"""A Pusher server that follows the protocol but for one deviation, for the cascade tests
(issue 20: every fail blames the right rule). Loopback only.

  cascade.py PORT MODE     app id "app", key "key", secret "secret"

It checks channel auth (private, presence, encrypted, cache), signs nothing itself, checks
the HTTP API's signature, timestamp and body_md5, delivers triggers and batches, and answers
GET /channels (occupied channels only) and GET /channels/NAME. MODE is its one deviation:
  auth-event   a refused subscription gets the undocumented event pusher:auth_error
  auth-1011    a refused subscription is closed with 1011 (internal error)
  no-batch     POST /batch_events answers 404
  get-400      every GET answers 400
  close-1007   a text frame of invalid UTF-8, or invalid JSON, is closed with 1007
  crash        the process exits at a subscription to a channel whose name holds "crash"
  http-drop    every POST to the HTTP API is closed unanswered (WebSocket connections work)
  none         no deviation
Prints "listening" once it accepts connections.
"""
import base64, hashlib, hmac, json, os, sys, threading, time, urllib.parse
sys.path.insert(0, os.path.dirname(__file__))
from peer import GUID, ws_frame, read_frame, accept_loop  # noqa: E402

APP, KEY, SECRET = "app", "key", "secret"
MODE = sys.argv[2] if len(sys.argv) > 2 else "none"
subs, lock = {}, threading.Lock()   # channel -> {conn: send function}
seq = [0]


def sign(text):
    return hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()


def refuse(send, close, ch):
    if MODE == "auth-event":
        return send({"event": "pusher:auth_error", "channel": ch, "data": json.dumps({"message": "bad auth"})})
    if MODE == "auth-1011":
        return close(1011)
    send({"event": "pusher:subscription_error", "channel": ch,
          "data": json.dumps({"type": "AuthError", "error": "invalid signature", "status": 401})})


def subscribe(conn, sid, send, close, data):
    ch = data.get("channel") if isinstance(data, dict) else None
    if not isinstance(ch, str):
        return send({"event": "pusher:error", "data": {"code": 4200, "message": "no channel"}})
    if MODE == "crash" and "crash" in ch:
        os._exit(3)
    valid = 0 < len(ch) <= 164 and all(c.isalnum() or c in "_-=@,.;#" for c in ch)
    if not valid:
        return send({"event": "pusher:subscription_error", "channel": ch,
                     "data": json.dumps({"type": "InvalidChannel", "error": "bad name", "status": 400})})
    presence = ch.startswith("presence-")
    cdata = data.get("channel_data")
    if ch.startswith("private-") or presence:
        text = "%s:%s" % (sid, ch) + ((":" + cdata) if presence and isinstance(cdata, str) else "")
        auth = data.get("auth")
        ok = isinstance(auth, str) and hmac.compare_digest(auth, KEY + ":" + sign(text))
        if presence:
            try:
                user = json.loads(cdata) if isinstance(cdata, str) else None
            except ValueError:
                user = None
            ok = ok and isinstance(user, dict) and user.get("user_id") is not None
        if not ok:
            return refuse(send, close, ch)
    with lock:
        subs.setdefault(ch, {})[conn] = (send, json.loads(cdata).get("user_id") if presence else None)
        members = {u: {} for _, u in subs[ch].values() if u is not None}
    body = {"presence": {"ids": [str(u) for u in members], "hash": {str(u): {} for u in members},
                         "count": len(members)}} if presence else {}
    send({"event": "pusher_internal:subscription_succeeded", "channel": ch, "data": json.dumps(body)})


def serve_ws(conn, f, headers):
    accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
    wlock = threading.Lock()

    def send(obj):
        if isinstance(obj.get("data"), dict):
            obj = dict(obj, data=json.dumps(obj["data"]))
        try:
            with wlock:
                conn.sendall(ws_frame(json.dumps(obj)))
        except OSError:
            pass

    def close(code):
        with wlock:
            conn.sendall(bytes([0x88, 2]) + code.to_bytes(2, "big"))
        raise EOFError

    conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
    with lock:
        seq[0] += 1
        sid = "%d.%d" % (1000 + seq[0], os.getpid())
    send({"event": "pusher:connection_established", "data": {"socket_id": sid, "activity_timeout": 120}})
    try:
        while True:
            fr = read_frame(f)
            if fr is None or fr[0] == 8:
                return
            if fr[0] == 9:
                with wlock:
                    conn.sendall(bytes([0x8A, len(fr[1])]) + fr[1])
                continue
            try:
                text = fr[1].decode("utf-8")
            except UnicodeDecodeError:
                if MODE == "close-1007":
                    close(1007)
                send({"event": "pusher:error", "data": {"code": 4200, "message": "invalid UTF-8"}})
                continue
            try:
                ev = json.loads(text)
            except ValueError:
                if MODE == "close-1007":
                    close(1007)   # 1007 where no WebSocket-level fault happened: not RFC 6455's code for this
                send({"event": "pusher:error", "data": {"code": 4200, "message": "invalid JSON"}})
                continue
            if not isinstance(ev, dict) or not isinstance(ev.get("event"), str):
                send({"event": "pusher:error", "data": {"code": 4200, "message": "not an event"}})
            elif ev["event"] == "pusher:ping":
                send({"event": "pusher:pong", "data": "{}"})
            elif ev["event"] == "pusher:subscribe":
                subscribe(conn, sid, send, close, ev.get("data"))
            elif ev["event"] == "pusher:unsubscribe":
                with lock:
                    subs.get((ev.get("data") or {}).get("channel"), {}).pop(conn, None)
    except (EOFError, OSError):
        pass
    finally:
        with lock:
            for members in subs.values():
                members.pop(conn, None)


def answer(conn, status, body):
    text = json.dumps(body)
    conn.sendall(("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                  % (status, len(text.encode()), text)).encode())


def deliver(ch, name, data):
    with lock:
        targets = [s for s, _ in subs.get(ch, {}).values()]
    for s in targets:
        s({"event": name, "channel": ch, "data": data})


def authorized(method, path, query, body):
    q = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    for k in ("auth_key", "auth_timestamp", "auth_version", "auth_signature"):
        if k not in q:
            return 401, "missing " + k
    if q["auth_key"] != KEY:
        return 401, "unknown auth_key"
    if not q["auth_timestamp"].isdigit() or abs(time.time() - int(q["auth_timestamp"])) > 600:
        return 401, "stale timestamp"
    if body and q.get("body_md5") != hashlib.md5(body).hexdigest():
        return 401, "body_md5"
    rest = "&".join("%s=%s" % (k, v) for k, v in sorted((k.lower(), v) for k, v in q.items() if k != "auth_signature"))
    if not hmac.compare_digest(q["auth_signature"], sign("%s\n%s\n%s" % (method, path, rest))):
        return 401, "signature"
    return 200, ""


def trigger(ev):
    chans = ev.get("channels", [ev.get("channel")]) if isinstance(ev, dict) else None
    if not (isinstance(ev, dict) and isinstance(ev.get("name"), str) and isinstance(ev.get("data"), str) and
            isinstance(chans, list) and 0 < len(chans) <= 100 and all(isinstance(c, str) for c in chans)):
        return False
    for ch in chans:
        deliver(ch, ev["name"], ev["data"])
    return True


def serve_http(conn, f):
    method, target, _ = f.readline().decode("latin-1").split(" ", 2)
    headers = {}
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        k, _, v = h.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    if headers.get("upgrade", "").lower() == "websocket":
        return serve_ws(conn, f, headers)
    n = int(headers.get("content-length", "0") or 0)
    body = f.read(n) if n else b""
    if MODE == "http-drop" and method == "POST":
        return
    path, _, query = target.partition("?")
    if method == "GET" and MODE == "get-400":
        return answer(conn, "400 Bad Request", {"error": "GET is not supported"})
    if not path.startswith("/apps/%s/" % APP):
        return answer(conn, "404 Not Found", {"error": "unknown app"})
    status, why = authorized(method, path, query, body)
    if status != 200:
        return answer(conn, "401 Unauthorized", {"error": why})
    rest = path[len("/apps/%s" % APP):]
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        return answer(conn, "400 Bad Request", {"error": "malformed JSON"})
    if method == "POST" and rest == "/events":
        return answer(conn, "200 OK", {}) if trigger(doc) else answer(conn, "400 Bad Request", {"error": "bad trigger"})
    if method == "POST" and rest == "/batch_events":
        if MODE == "no-batch":
            return answer(conn, "404 Not Found", {"error": "no such endpoint"})
        batch = doc.get("batch") if isinstance(doc, dict) else None
        if not isinstance(batch, list) or len(batch) > 10 or not all(isinstance(e, dict) and isinstance(e.get("channel"), str)
                                                                    for e in batch):
            return answer(conn, "400 Bad Request", {"error": "bad batch"})
        for e in batch:
            trigger({"name": e.get("name"), "channel": e["channel"], "data": e.get("data")})
        return answer(conn, "200 OK", {"batch": [{} for _ in batch]})
    if method == "GET" and rest == "/channels":
        q = dict(urllib.parse.parse_qsl(query))
        prefix = q.get("filter_by_prefix", "")
        if "user_count" in q.get("info", "") and not prefix.startswith("presence-"):
            return answer(conn, "400 Bad Request", {"error": "user_count is for presence channels"})
        with lock:
            chans = {ch: {"user_count": len({u for _, u in m.values()})} if "user_count" in q.get("info", "") else {}
                     for ch, m in subs.items() if m and ch.startswith(prefix)}
        return answer(conn, "200 OK", {"channels": chans})
    return answer(conn, "404 Not Found", {"error": "no such endpoint"})


def serve_one(conn, _arg):
    try:
        serve_http(conn, conn.makefile("rb"))
    except (OSError, ValueError):
        pass
    finally:
        conn.close()


if __name__ == "__main__":
    accept_loop(sys.argv[1], serve_one, None)

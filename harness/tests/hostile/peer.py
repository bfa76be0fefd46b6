#!/usr/bin/env python3
"""A hostile peer for pushspec's robustness tests (loopback only).

  peer.py server PORT [SECRET]   a minimal Pusher server (WebSocket + HTTP API);
                                 with SECRET it echoes the secret (raw, JSON-,
                                 URL-escaped) in every error it sends; it exits
                                 on a frame {"event":"test:die"}
  peer.py pusher PORT [DIE_ON]    a minimal working Pusher server: subscriptions,
                                 pings, POST /events delivered (400 for a body
                                 that is not a trigger); with DIE_ON it answers,
                                 then exits, when a request's body is exactly that
  peer.py webhook-flood HOST PORT SECONDS
                                 POSTs 1 MiB webhooks from 8 threads (stops
                                 early once 20 were answered 503)
  peer.py conn-flood HOST PORT SECONDS
                                 opens hundreds of connections, each sending
                                 6 MiB of a request body it never finishes
  peer.py flood PORT tables|big-tables|big|empty|reset|reset-on-frame|silent|oversize
                                 a Pusher server that, after connection_established,
                                 sends endless frames: 4 KB ones that decode into
                                 large tables (big-tables: 16 KB ones), 1 MiB ones (big),
                                 or empty ones; reset: sends
                                 connection_established, then resets the connection
                                 (TCP RST); reset-on-frame: resets it on the first
                                 frame it gets, whatever it is; silent: the WebSocket
                                 handshake, then not a word (it reads what comes);
                                 oversize: a 5 MiB first frame, then not a word
  peer.py http-answer PORT chunk|length|redirect SIZE_OR_LOCATION
                                 the WebSocket of `server`, but every HTTP API call is
                                 answered 200 with one chunk whose size line is SIZE
                                 (hex, e.g. ffffffff) or a Content-Length of SIZE, then
                                 64 KiB of that body and the connection closed;
                                 redirect: every request, the WebSocket upgrade
                                 included, is answered 302 with Location: LOCATION
  peer.py pieces PORT SECRET    a Pusher server that, after connection_established, plants
                                 SECRET around every cut: in 4 MiB+ frames at every offset
                                 across the 120-byte cut of an oversized frame, split across
                                 two frames and across lines at every point, then sends
                                 {"event":"pieces:end"}
  peer.py controls PORT           a Pusher server whose frames carry terminal controls: ESC
                                 sequences, C1 controls (U+009B, and a raw 0x9b byte), DEL and
                                 bidirectional overrides (U+202E, U+2066)
  peer.py adapter-controls       an SDK adapter whose hello's sdk and version carry the same
                                 controls, and whose log lines do too
  peer.py adapter-detached PIDFILE
                                 an SDK adapter that starts a daemon (fork, setsid, fork
                                 again: out of its process group and session) that ignores
                                 SIGTERM; the daemon's pid is added to PIDFILE
  peer.py adapter-wsflood [CONNS] [SECONDS]
                                 an SDK adapter that, told to connect, opens CONNS (70)
                                 WebSockets to the fake server and sends 1 MiB frames on all
                                 of them for SECONDS (12), reading nothing
  peer.py adapter-flood          an SDK adapter that says hello, then 1 s later
                                 prints 30000 lines at once, unasked
  peer.py adapter-stubborn PIDFILE
                                 an SDK adapter that ignores SIGTERM, as does
                                 the child it starts; both pids are added to PIDFILE
Each prints one summary line on stdout when done.
"""
import base64, hashlib, json, os, signal, socket, struct, sys, threading, time, urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_frame(text):
    data = text.encode()
    n = len(data)
    head = bytes([0x81])
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + n.to_bytes(2, "big")
    else:
        head += bytes([127]) + n.to_bytes(8, "big")
    return head + data


def read_frame(f):
    h = f.read(2)
    if len(h) < 2:
        return None
    n = h[1] & 0x7F
    if n == 126:
        n = int.from_bytes(f.read(2), "big")
    elif n == 127:
        n = int.from_bytes(f.read(8), "big")
    mask = f.read(4) if h[1] & 0x80 else b"\0\0\0\0"
    data = bytes(b ^ mask[i % 4] for i, b in enumerate(f.read(n)))
    return h[0] & 0x0F, data


def secret_forms(secret):
    return "raw %s json %s url %s" % (secret, json.dumps(secret)[1:-1], urllib.parse.quote(secret, safe=""))


def serve_ws(conn, f, headers, secret):
    accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
    conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
    sid = "%d.%d" % (os.getpid(), id(conn) % 100000)
    conn.sendall(ws_frame(json.dumps({"event": "pusher:connection_established",
                                      "data": json.dumps({"socket_id": sid, "activity_timeout": 120})})))
    while True:
        fr = read_frame(f)
        if fr is None or fr[0] == 8:
            return
        if fr[0] == 9:
            conn.sendall(bytes([0x8A, 0]))
            continue
        if secret:
            msg = "refused, the app secret is " + secret_forms(secret)
            conn.sendall(ws_frame(json.dumps({"event": "pusher:error", "data": {"code": 4009, "message": msg}})))
        else:
            try:
                ev = json.loads(fr[1])
            except ValueError:
                continue
            if ev.get("event") == "test:die":   # a server a destructive scenario takes down
                os._exit(0)
            if ev.get("event") == "pusher:ping":
                conn.sendall(ws_frame('{"event":"pusher:pong","data":{}}'))
            elif ev.get("event") == "pusher:subscribe":
                ch = ev.get("data", {}).get("channel", "")
                conn.sendall(ws_frame(json.dumps({"event": "pusher_internal:subscription_succeeded",
                                                  "channel": ch, "data": "{}"})))


def flood_one(conn, kind):
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if "sec-websocket-key" not in headers:   # the HTTP API: a plain 200
            n = int(headers.get("content-length", "0") or 0)
            if n:
                f.read(n)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                         b"Connection: close\r\n\r\n{}")
            return
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
        if kind in ("silent", "oversize"):   # oversize: first one 5 MiB frame
            if kind == "oversize":
                conn.sendall(ws_frame('{"event":"pusher:connection_established","data":"' + "x" * (5 << 20) + '"}'))
            while conn.recv(65536):
                pass
            return
        conn.sendall(ws_frame(json.dumps({"event": "pusher:connection_established",
                                          "data": json.dumps({"socket_id": "1.2", "activity_timeout": 120})})))
        if kind in ("reset", "reset-on-frame"):   # SO_LINGER 0: close() sends RST, not FIN
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            if kind == "reset-on-frame":
                read_frame(f)
            return
        if kind in ("tables", "big-tables"):   # ~1300 empty arrays in 4 KB (or 4x), decoded twice
            nested = "[" + ",".join(["[]"] * (650 if kind == "tables" else 2600)) + "]"
            one = ws_frame('{"event":"flood","channel":"c","data":' + json.dumps(nested) + ',"x":' + nested + '}')
        elif kind == "big":   # 1 MiB text frames: an inbox's byte bound before its frame bound
            one = ws_frame('{"event":"flood","channel":"c","data":"' + "x" * (1 << 20) + '"}')
        else:
            one = bytes([0x81, 0])
        burst = one * max(1, 65536 // len(one))
        # FLOOD_BPS caps the rate: a fast machine would otherwise fill an inbox bound first
        bps = int(os.environ.get("FLOOD_BPS", "0") or 0)
        while True:
            conn.sendall(burst)
            if bps:
                time.sleep(len(burst) / bps)
    except OSError:
        pass
    finally:
        conn.close()


def flood(port, kind):
    accept_loop(port, flood_one, kind)


def read_head(f):
    f.readline()
    headers = {}
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            return headers
        k, _, v = h.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()


def serve_one(conn, secret):
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if headers.get("upgrade", "").lower() == "websocket":
            return serve_ws(conn, f, headers, secret)
        n = int(headers.get("content-length", "0") or 0)
        if n:
            f.read(n)
        body = json.dumps({"error": "bad signature for secret " + secret_forms(secret)}) if secret else "{}"
        status = "403 Forbidden" if secret else "200 OK"
        conn.sendall(("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                      "Connection: close\r\n\r\n%s" % (status, len(body.encode()), body)).encode())
    except OSError:
        pass
    finally:
        conn.close()


def http_answer_one(conn, arg):
    how, size = arg
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if how == "redirect":
            conn.sendall(("HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % size).encode())
            time.sleep(0.5)
            return
        if headers.get("upgrade", "").lower() == "websocket":
            return serve_ws(conn, f, headers, None)
        n = int(headers.get("content-length", "0") or 0)
        if n:
            f.read(n)
        framing = "Transfer-Encoding: chunked\r\n\r\n%s\r\n" % size if how == "chunk" \
            else "Content-Length: %s\r\n\r\n" % size
        conn.sendall(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + framing).encode())
        conn.sendall(b"x" * 65536)
    except OSError:
        pass
    finally:
        conn.close()


def http_answer(port, how, size):
    accept_loop(port, http_answer_one, (how, size))


def pieces_one(conn, secret):
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if headers.get("upgrade", "").lower() != "websocket":   # the HTTP API: an empty success
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            return
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
        conn.sendall(ws_frame(json.dumps({"event": "pusher:connection_established",
                                          "data": json.dumps({"socket_id": "1.2", "activity_timeout": 120})})))
        n = len(secret)
        head = '{"event":"big","data":"'
        for at in range(120 - n - 1, 122):   # the secret across the 120-byte cut, at every offset
            tag = "cut%d:" % at
            text = head + tag + "x" * (at - len(head) - len(tag)) + secret
            conn.sendall(ws_frame(text + "y" * ((4 << 20) + 1024 - len(text)) + '"}'))
        for k in range(1, n):   # split across two frames, and across lines, at every point
            conn.sendall(ws_frame('{"event":"a","data":"fa%d:%s"}' % (k, secret[:k])))
            conn.sendall(ws_frame('{"event":"b","data":"%s:fb%d"}' % (secret[k:], k)))
            conn.sendall(ws_frame('{"event":"l","data":"ln%d:%s\\n%s"}' % (k, secret[:k], secret[k:])))
            conn.sendall(ws_frame('{"event":"r","data":"rn%d:%s\n%s"}' % (k, secret[:k], secret[k:])))
        conn.sendall(ws_frame('{"event":"pieces:end"}'))
        while read_frame(f) is not None:
            pass
    except OSError:
        pass
    finally:
        conn.close()


def pieces(port, secret):
    accept_loop(port, pieces_one, secret)


CONTROLS = "\x1b]0;pwned\x07\x1b[2J\u009b31m\x7f\u202eevil\u2066x"


def controls_one(conn, arg):
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if headers.get("upgrade", "").lower() != "websocket":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            return
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
        # not connection_established: an event of controls, raw in the JSON text
        conn.sendall(ws_frame('{"event":"%s","data":"%s"}' % (CONTROLS, CONTROLS)))
        raw = ('{"event":"raw","data":"' + CONTROLS + '"}').encode() + b"\x9b"   # and one byte that is not UTF-8
        conn.sendall(bytes([0x81, len(raw)]) + raw if len(raw) < 126 else b"")
        while read_frame(f) is not None:
            pass
    except OSError:
        pass
    finally:
        conn.close()


def controls(port):
    accept_loop(port, controls_one, None)


def adapter_controls():
    print(json.dumps({"type": "hello", "kind": "client", "sdk": "sdk" + CONTROLS, "version": CONTROLS}), flush=True)
    for line in sys.stdin:
        print(json.dumps({"type": "log", "text": "log" + CONTROLS}), flush=True)


def accept_loop(port, serve, arg):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port)))
    s.listen(128)
    print("listening", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, arg), daemon=True).start()


def server(port, secret=None):
    accept_loop(port, serve_one, secret)


SUBS = {}   # channel -> {socket: its write lock}
SUBS_LOCK = threading.Lock()


def pusher_ws(conn, f, headers):
    accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
    lock, mine = threading.Lock(), set()

    def send(text):
        with lock:
            conn.sendall(ws_frame(text))
    conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
    send(json.dumps({"event": "pusher:connection_established",
                     "data": json.dumps({"socket_id": "%d.%d" % (os.getpid(), id(conn) % 100000), "activity_timeout": 120})}))
    try:
        while True:
            fr = read_frame(f)
            if fr is None or fr[0] == 8:
                return
            try:
                ev = json.loads(fr[1])
            except ValueError:
                continue
            if not isinstance(ev, dict):
                continue
            data = ev.get("data") if isinstance(ev.get("data"), dict) else {}
            if ev.get("event") == "pusher:ping":
                send('{"event":"pusher:pong","data":{}}')
            elif ev.get("event") == "pusher:subscribe" and isinstance(data.get("channel"), str):
                with SUBS_LOCK:
                    SUBS.setdefault(data["channel"], {})[conn] = lock
                mine.add(data["channel"])
                print("subscribe " + data["channel"], flush=True)
                send(json.dumps({"event": "pusher_internal:subscription_succeeded", "channel": data["channel"], "data": "{}"}))
    finally:
        with SUBS_LOCK:
            for ch in mine:
                SUBS.get(ch, {}).pop(conn, None)


def pusher_http(conn, body, die_on):
    try:
        ev = json.loads(body)
    except ValueError:
        ev = None
    chans = ev.get("channels", [ev.get("channel")]) if isinstance(ev, dict) else None
    ok = (isinstance(ev, dict) and isinstance(ev.get("name"), str) and isinstance(ev.get("data"), str)
          and isinstance(chans, list) and all(isinstance(c, str) for c in chans))
    for ch in chans if ok else []:
        with SUBS_LOCK:
            targets = list(SUBS.get(ch, {}).items())
        for sock, lock in targets:
            with lock:
                sock.sendall(ws_frame(json.dumps({"event": ev["name"], "channel": ch, "data": ev["data"]})))
    answer = "{}" if ok else '{"error":"not a trigger"}'
    conn.sendall(("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                  % ("200 OK" if ok else "400 Bad Request", len(answer), answer)).encode())
    if die_on is not None and body == die_on.encode():
        os._exit(3)   # the deviant: this one body takes the whole server down


def serve_pusher(conn, die_on):
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if headers.get("upgrade", "").lower() == "websocket":
            return pusher_ws(conn, f, headers)
        n = int(headers.get("content-length", "0") or 0)
        pusher_http(conn, f.read(n) if n else b"", die_on)
    except OSError:
        pass
    finally:
        conn.close()


def pusher(port, die_on=None):
    accept_loop(port, serve_pusher, die_on)


def webhook_flood(host, port, seconds):
    end = time.time() + float(seconds)
    body = json.dumps({"time_ms": 1, "events": [{"name": "channel_occupied", "channel": "x" * (1 << 20)}]})
    body = body[: (1 << 20) - 16]
    counts, lock = {}, threading.Lock()

    def worker():
        while time.time() < end and counts.get("503", 0) < 20:   # until well past the bound
            try:
                c = socket.create_connection((host, int(port)), timeout=5)
                c.sendall(("POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "X-Pusher-Key: k\r\nX-Pusher-Signature: s\r\nContent-Length: %d\r\n\r\n"
                           % len(body)).encode() + body.encode())
                status = c.recv(64).split(b" ")[1].decode() if True else ""
                c.close()
            except (OSError, IndexError):
                status = "error"
            with lock:
                counts[status] = counts.get(status, 0) + 1

    ts = [threading.Thread(target=worker) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("webhook-flood", json.dumps(counts), flush=True)


def conn_flood(host, port, seconds):
    end = time.time() + float(seconds)
    socks, refused, chunk = [], 0, b"x" * 65536
    for _ in range(300):   # first the connections, then the bytes
        try:
            c = socket.create_connection((host, int(port)), timeout=2)
            c.sendall(b"POST /apps/1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 8388000\r\n\r\n")
            c.setblocking(False)
            socks.append([c, 0])
        except OSError:
            refused += 1
    while time.time() < end:
        for s in socks:
            if s[1] < (6 << 20):
                try:
                    s[1] += s[0].send(chunk)
                except OSError:
                    pass
        time.sleep(0.01)
    print("conn-flood opened %d refused %d sent %d" % (len(socks), refused, sum(s[1] for s in socks)), flush=True)


def adapter_flood():
    print(json.dumps({"type": "hello", "kind": "client", "sdk": "flood", "version": "0"}), flush=True)
    time.sleep(1)
    sys.stdout.write("".join('{"type":"log","text":"line %d"}\n' % i for i in range(30000)))
    sys.stdout.flush()
    for _ in sys.stdin:
        pass


def adapter_stubborn(pidfile):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = os.fork()
    if child == 0:
        os.close(0)
        while True:
            time.sleep(1)
    with open(pidfile, "a") as f:
        f.write("%d %d\n" % (os.getpid(), child))
    print(json.dumps({"type": "hello", "kind": "client", "sdk": "stubborn", "version": "0"}), flush=True)
    for _ in sys.stdin:
        pass
    while True:   # stdin closed: a good adapter exits here; this one stays
        time.sleep(1)


def adapter_detached(pidfile):
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            for fd in range(0, 3):
                os.close(fd)
            os.write(w, b"%d\n" % os.getpid())
            os.close(w)
            while True:
                time.sleep(1)
        os._exit(0)
    os.close(w)
    daemon = os.read(r, 32).decode().strip()
    with open(pidfile, "a") as f:
        f.write(daemon + "\n")
    print(json.dumps({"type": "hello", "kind": "client", "sdk": "detached", "version": "0"}), flush=True)
    for _ in sys.stdin:
        pass


def ws_client_flood(host, port, key, until):
    try:
        s = socket.create_connection((host, int(port)))
        s.sendall(("GET /app/%s?protocol=7&client=flood&version=0 HTTP/1.1\r\nHost: %s:%s\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n" % (key, host, port)).encode())
        s.recv(4096)
        data = b'{"event":"client-flood","channel":"x","data":"' + b"y" * ((1 << 20) - 64) + b'"}'
        # masked with a zero key: the bytes go as they are
        frame = bytes([0x81, 0x80 | 127]) + len(data).to_bytes(8, "big") + b"\0\0\0\0" + data
        while time.time() < until:
            s.sendall(frame)
    except OSError:
        pass


def adapter_wsflood(conns="70", seconds="12"):
    print(json.dumps({"type": "hello", "kind": "client", "sdk": "wsflood", "version": "0"}), flush=True)
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("cmd") == "connect":
            until = time.time() + float(seconds)
            for _ in range(int(conns)):
                threading.Thread(target=ws_client_flood, daemon=True,
                                 args=(msg["ws_host"], msg["ws_port"], msg["key"], until)).start()
        print(json.dumps({"re": msg.get("id"), "ok": True}), flush=True)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"server": server, "pusher": pusher, "webhook-flood": webhook_flood, "conn-flood": conn_flood, "flood": flood,
     "http-answer": http_answer, "pieces": pieces, "controls": controls, "adapter-controls": adapter_controls,
     "adapter-detached": adapter_detached, "adapter-wsflood": adapter_wsflood,
     "adapter-stubborn": adapter_stubborn, "adapter-flood": adapter_flood}[mode](*args)

#!/usr/bin/env python3
"""A Pusher server with a few deviations, for the incidental-finding tests (loopback only).

  deviant.py PORT

It delivers triggered events to the subscribers of their channels, but: every trigger is
answered 202 (HTTP-1 wants 200); presence subscription_succeeded says count 2 while ids has 3
entries (PRES-1); a subscription to a channel whose name holds "refuse" gets
pusher:subscription_error (SUB-1, when public); one whose name holds "close1011" gets a close
frame with code 1011 (CONN-10). Prints "listening" once it accepts connections.
"""
import json, sys, threading
sys.path.insert(0, __import__("os").path.dirname(__file__))
from peer import GUID, ws_frame, read_frame, read_head, accept_loop  # noqa: E402
import base64, hashlib  # noqa: E402

subs, lock = {}, threading.Lock()   # channel -> [socket]


def send(conn, obj):
    try:
        conn.sendall(ws_frame(json.dumps(obj)))
    except OSError:
        pass


def on_subscribe(conn, ch):
    if "close1011" in ch:   # an undocumented close code (CONN-10)
        conn.sendall(bytes([0x88, 2, 0x03, 0xF3]))
        return
    if "refuse" in ch:
        return send(conn, {"event": "pusher:subscription_error", "channel": ch,
                           "data": json.dumps({"type": "Refused", "error": "refused", "status": 403})})
    with lock:
        subs.setdefault(ch, []).append(conn)
    data = "{}"
    if ch.startswith("presence-"):
        ids = ["a", "b", "c"]
        data = json.dumps({"presence": {"ids": ids, "hash": {i: {} for i in ids}, "count": 2}})
    send(conn, {"event": "pusher_internal:subscription_succeeded", "channel": ch, "data": data})


def serve_ws(conn, f, headers):
    accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
    conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
    send(conn, {"event": "pusher:connection_established",
                "data": json.dumps({"socket_id": "%d.1" % (id(conn) % 100000), "activity_timeout": 120})})
    while True:
        fr = read_frame(f)
        if fr is None or fr[0] == 8:
            return
        try:
            ev = json.loads(fr[1])
        except ValueError:
            continue
        if ev.get("event") == "pusher:ping":
            send(conn, {"event": "pusher:pong", "data": "{}"})
        elif ev.get("event") == "pusher:subscribe":
            on_subscribe(conn, (ev.get("data") or {}).get("channel", ""))


def serve_http(conn, f, headers):
    n = int(headers.get("content-length", "0") or 0)
    try:
        body = json.loads(f.read(n) if n else b"{}")
    except ValueError:
        body = {}
    chans = body.get("channels") or ([body["channel"]] if isinstance(body.get("channel"), str) else [])
    for ch in chans:
        with lock:
            targets = list(subs.get(ch, []))
        for c in targets:
            send(c, {"event": body.get("name"), "channel": ch, "data": body.get("data")})
    conn.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                 b"Connection: close\r\n\r\n{}")


def serve_one(conn, _arg):
    try:
        f = conn.makefile("rb")
        headers = read_head(f)
        if headers.get("upgrade", "").lower() == "websocket":
            serve_ws(conn, f, headers)
        else:
            serve_http(conn, f, headers)
    except OSError:
        pass
    finally:
        conn.close()


if __name__ == "__main__":
    accept_loop(sys.argv[1], serve_one, None)

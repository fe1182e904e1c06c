#!/usr/bin/env python3
"""Drill: an upload's price, and what it holds up while its client sends it.

Starts the sandbox and the engine (embedded default) on loopback; times three NDJSON uploads of N
recipients (default 200,000) into sendouts due in two hours; then sends 200 KB of an upload at
about 40 KB/s into another and, a second in, makes a JSON addition of one recipient to the same
sendout, timing it. Prints JSON. Loopback only; every loop ends by itself.
Usage: bench/upload-under-way.py [N]
"""
import datetime, json, socket, sys, threading, time, urllib.request

from benchlib import API, API_PORT, API_KEY, Engine, ReceiptKeys, http

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
LIMITS = {"SENDOUT_API_LIMITS_REQUESTSPERSECOND": "1000000", "SENDOUT_API_LIMITS_RECIPIENTSPERMINUTE": "1000000000"}
body = "".join(json.dumps({"email": f"u{i}@example.com", "variables": {"firstName": f"U{i}", "surveyUrl": f"https://s.example.com/{i}"}}) + "\n" for i in range(N)).encode()
with Engine(ReceiptKeys(), extra_env=LIMITS) as engine:
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)).isoformat()
    out = {}
    for run in range(3):
        sid = Engine.create_sendout(1, send_at=later)["id"]
        t0 = time.time()
        req = urllib.request.Request(f"{API}/v1/sendouts/{sid}/recipients", data=body, method="POST",
                                     headers={"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {API_KEY}"})
        with urllib.request.urlopen(req, timeout=600) as r:
            assert r.status == 202, r.status
        out.setdefault("upload_s", []).append(round(time.time() - t0, 2))
    # A slow upload: 200 KB sent at about 40 KB/s (5 s), while an addition is made after 1 s.
    sid = Engine.create_sendout(1, send_at=later)["id"]
    slow = body[:200_000]; slow = slow[:slow.rindex(b"\n") + 1]
    s = socket.create_connection(("127.0.0.1", API_PORT))
    s.sendall((f"POST /v1/sendouts/{sid}/recipients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\n"
               f"Content-Type: application/x-ndjson\r\nContent-Length: {len(slow)}\r\nConnection: close\r\n\r\n").encode())
    def trickle():
        for i in range(0, len(slow), 8_000):
            s.sendall(slow[i:i + 8_000]); time.sleep(0.2)
    t = threading.Thread(target=trickle); t.start()
    time.sleep(1)
    t0 = time.time()
    st, _ = http("POST", f"{API}/v1/sendouts/{sid}/recipients", {"recipients": [{"email": "mid@example.com", "variables": {"firstName": "M", "surveyUrl": "https://s.example.com/m"}}]})
    out["addition_during_slow_upload_s"] = round(time.time() - t0, 3); out["addition_status"] = st
    t.join()
    out["slow_upload_answer"] = s.recv(200).split(b"\r\n")[0].decode()
    print(json.dumps(out))

#!/usr/bin/env python3
"""Drill: slow clients on a public endpoint while health is polled, against a running engine.

Opens N connections (default 210, more than the api's request threads less those kept for health)
to PATH (default an unsubscribe link nothing answers), each declaring a 4,000-byte body and sending
a byte a second for SECONDS (default 20), and meanwhile asks /actuator/health once a second with a
2 s timeout. Prints JSON: how many health checks were answered, and how the connections ended
(closed by the server, or still open at the end). Loopback only; every loop ends by itself.
Usage: bench/slow-clients.py [--port 8080] [--path /u/x] [--connections 210] [--seconds 20]
"""
import argparse, json, socket, threading, time, urllib.request


def slow_client(port, path, seconds, outcomes, i):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError as e:
        outcomes[i] = "refused: " + type(e).__name__
        return
    s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              f"Content-Length: 4000\r\n\r\n[".encode())
    s.setblocking(False)
    start = time.time()
    while time.time() - start < seconds:
        try:
            if s.recv(4096) == b"":
                outcomes[i] = "closed by the server"
                s.close()
                return
        except BlockingIOError:
            pass
        except OSError:
            outcomes[i] = "closed by the server"
            return
        try:
            s.send(b" ")
        except OSError:
            outcomes[i] = "closed by the server"
            return
        time.sleep(1)
    outcomes[i] = "still open"
    s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--path", default="/u/no-such-token")
    ap.add_argument("--connections", type=int, default=210)
    ap.add_argument("--seconds", type=int, default=20)
    args = ap.parse_args()
    outcomes = {}
    threads = [threading.Thread(target=slow_client, daemon=True,
                                args=(args.port, args.path, args.seconds, outcomes, i))
               for i in range(args.connections)]
    for t in threads:
        t.start()
    time.sleep(3)
    answered = asked = 0
    while asked < max(1, args.seconds - 5):
        asked += 1
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/actuator/health", timeout=2):
                answered += 1
        except Exception:
            pass
        time.sleep(1)
    for t in threads:
        t.join(args.seconds + 10)
    ends = {}
    for outcome in outcomes.values():
        ends[outcome] = ends.get(outcome, 0) + 1
    print(json.dumps({"health_asked": asked, "health_answered": answered,
                      "connections": ends}, indent=2))


if __name__ == "__main__":
    main()

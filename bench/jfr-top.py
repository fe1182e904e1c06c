#!/usr/bin/env python3
"""Summarises a JFR recording on JDK 17, which has no `jfr view`: the hottest methods (top frame of
jdk.ExecutionSample), the hottest of our own frames (the first dev.sendout frame of each sample),
and where threads waited on sockets (jdk.SocketRead, total seconds by the first dev.sendout frame).
Usage: bench/jfr-top.py recording.jfr [N]"""
import collections, json, subprocess, sys


def events(path, name):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", name, path],
                         check=True, capture_output=True, text=True, timeout=600).stdout
    return json.loads(out)["recording"]["events"]


def frame(f):
    m = f["method"]
    return f'{m["type"]["name"].replace("/", ".")}.{m["name"]}'


def ours(frames):
    """The innermost frame of our own code (lambdas skipped), else the innermost frame outside
    the JDK, which names the library or thread pool the time went to."""
    names = [frame(f) for f in frames]
    for name in names:
        if name.startswith("dev.sendout.") and "$$Lambda" not in name:
            return name
    for name in names:
        if not name.startswith(("java.", "jdk.", "sun.", "com.sun.")):
            return "(other) " + name
    return "(jdk only)"


def main():
    path, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
    samples = [e["values"]["stackTrace"]["frames"] for e in events(path, "jdk.ExecutionSample")
               if e["values"].get("stackTrace")]
    total = len(samples)
    print(f"{total} execution samples")
    for title, key in (("top frame", lambda s: frame(s[0])), ("first dev.sendout frame", ours)):
        print(f"\n-- {title}")
        for name, count in collections.Counter(key(s) for s in samples if s).most_common(n):
            print(f"{100 * count / total:5.1f}%  {count:5d}  {name}")
    waits = collections.Counter()
    for e in events(path, "jdk.SocketRead"):
        stack = (e["values"].get("stackTrace") or {}).get("frames") or []
        d = e["values"]["duration"]  # ISO-8601, e.g. PT0.0213S
        seconds = float(d[2:-1]) if d.startswith("PT") and d.endswith("S") else 0.0
        waits[ours(stack)] += seconds
    print("\n-- socket reads (s) by first dev.sendout frame (jdk.SocketRead, >= 20 ms each)")
    for name, seconds in waits.most_common(n):
        print(f"{seconds:8.1f}  {name}")


if __name__ == "__main__":
    main()

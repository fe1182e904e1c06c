#!/usr/bin/env python3
"""Benchmark: one email sendout of a million recipients, uploaded as NDJSON, end to end on the
embedded default with a small heap (issue 20).

Starts the sandbox in its own JVM and the engine (embedded default) with -Xmx512m, sets the sandbox
to report every delivery at once, creates a sendout of one recipient scheduled --lead seconds
ahead, streams the other N-1 recipients to POST /v1/sendouts/{id}/recipients as NDJSON, and
follows the sendout until COMPLETED. Reports the times (from the API's own timestamps), the peak
heap in use, the live set (every --live-every seconds: the total of jcmd's GC.class_histogram,
right after the full GC it forces), the CPU seconds of each process and the growth of the
embedded Postgres's data directory. Loopback only; every wait is bounded.
Usage: bench/million-sendout.py [N] [--xmx 512m] [--lead 120]
"""
import argparse, json, os, subprocess, sys, time
from datetime import datetime, timezone

from benchlib import API, SANDBOX, CpuMeter, Engine, ReceiptKeys, http, live_heap, metric, timestamp, scratch_dir

# The tenant's own rate limit (a million recipients a minute by default) must not be what the run
# meets: the upload alone submits N in well under a minute.
LIMITS = {"SENDOUT_API_LIMITS_RECIPIENTSPERMINUTE": "1000000000"}


def size(path):
    return int(subprocess.run(["du", "-sb", path], check=True, capture_output=True, text=True).stdout.split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipients", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--xmx", default="512m", help="heap limit of the engine's JVM")
    ap.add_argument("--lead", type=int, default=120,
                    help="seconds between the create and the send time: the upload must fit in it")
    ap.add_argument("--live-every", type=int, default=60, help="seconds between live-set samples (0: none)")
    ap.add_argument("--bound", type=int, default=3600, help="seconds to wait for COMPLETED after the send time")
    args = ap.parse_args()
    n = args.recipients

    tmp = scratch_dir("million-sendout")
    path = os.path.join(tmp, "recipients.ndjson")
    with open(path, "w") as f:
        for i in range(1, n):
            f.write(json.dumps(Engine.recipient(i)) + "\n")
    body = open(path, "rb").read()

    with Engine(ReceiptKeys(), xmx=args.xmx, max_recipients=1, extra_env=LIMITS) as engine:
        http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"deliveryDelayMs": 0})
        data = os.path.join(engine.env["SENDOUT_STATE"], "postgres")
        data_before = size(data)
        pid = engine.engine.pid
        cpu = CpuMeter(engine)

        send_at = datetime.fromtimestamp(time.time() + args.lead, timezone.utc)
        created = engine.create_sendout(1, send_at=send_at.isoformat().replace("+00:00", "Z"))
        sendout_id = created["id"]

        peak_heap = peak_live = 0.0

        def sample():
            nonlocal peak_heap
            peak_heap = max(peak_heap, metric("jvm.memory.used", "area:heap"))

        started = time.time()
        status, answer = http("POST", f"{API}/v1/sendouts/{sendout_id}/recipients", body, timeout=900,
                              headers={"Content-Type": "application/x-ndjson"})
        upload_seconds = time.time() - started
        assert status == 202, (status, str(answer)[:500])
        sample()
        if time.time() >= send_at.timestamp():
            sys.exit(f"the upload took {upload_seconds:.0f} s, past the send time: use a longer --lead")

        sendout, last_live = created, 0.0
        deadline = send_at.timestamp() + args.bound
        while sendout["status"] != "COMPLETED" and time.time() < deadline:
            sample()
            if args.live_every and time.time() - last_live >= args.live_every and time.time() > send_at.timestamp():
                peak_live = max(peak_live, live_heap(pid))
                last_live = time.time()
            time.sleep(10)  # each read counts a million messages by status
            sendout = engine.sendout(sendout_id)
        if sendout["status"] != "COMPLETED":
            sys.exit(f"not COMPLETED within {args.bound} s of the send time: {sendout['messages']}")

        cpu_used = cpu.used()
        stats = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        released, sent, completed = (timestamp(sendout, f) for f in ("releasedAt", "sentAt", "completedAt"))
        result = {
            "recipients": n,
            "delivered": sendout["messages"]["DELIVERED"],
            "heap_limit": args.xmx,
            "upload_seconds": round(upload_seconds, 1),
            "upload_recipients_per_second": round((n - 1) / upload_seconds),
            "upload_body_mb": round(len(body) / 2**20, 1),
            "send_at_to_released_seconds": round(released - send_at.timestamp(), 1),
            "release_to_all_accepted_seconds": round(sent - released, 1),
            "messages_per_second_release_to_accepted": round(n / (sent - released)),
            "release_to_completed_seconds": round(completed - released, 1),
            "messages_per_second_release_to_completed": round(n / (completed - released)),
            "peak_heap_used_mb": round(peak_heap / 2**20),
            "peak_live_heap_mb": round(peak_live / 2**20) if args.live_every else None,
            "postgres_data_growth_mb": round((size(data) - data_before) / 2**20),
            "sandbox_requests": stats["requests"],
            "sandbox_duplicates": stats["duplicates"],
            "cpu_seconds": cpu_used,
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

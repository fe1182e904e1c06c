#!/usr/bin/env python3
"""Benchmark: one large email sendout on the embedded default, from POST to every message
DELIVERED by a signed receipt.

Starts the sandbox SendGrid in its own JVM (it keeps a record of every message it accepts, which
must not count as engine heap) and the engine on its embedded default in another, sets the
sandbox to report every delivery at once, creates one sendout of N recipients, polls it until
COMPLETED, samples the engine's heap through the worker's actuator, and prints JSON. Loopback
only; every loop is bounded in time. Usage: bench/email-sendout.py [N] [--xmx 1g] [--live-heap]
"""
import argparse, json, sys, time

from benchlib import API, SANDBOX, Engine, ReceiptKeys, http, live_heap, metric, timestamp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipients", type=int, nargs="?", default=100_000)
    ap.add_argument("--xmx", default="1g", help="heap limit of the engine's JVM")
    ap.add_argument("--live-heap", action="store_true",
                    help="every 3 s while sending, record the live set: the total of jcmd's"
                         " GC.class_histogram, taken right after the full GC it forces. Slows"
                         " sending a little; throughput runs omit it.")
    args = ap.parse_args()
    n = args.recipients

    with Engine(ReceiptKeys(), xmx=args.xmx, max_recipients=n) as engine:
        http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"deliveryDelayMs": 0})
        started = time.time()
        created = engine.create_sendout(n)
        create_seconds = time.time() - started
        sendout_id = created["id"]

        peak_heap = peak_live = 0.0
        last_gc = 0.0
        sendout = created
        deadline = time.time() + 900
        while sendout["status"] != "COMPLETED" and time.time() < deadline:
            if args.live_heap and time.time() - last_gc >= 3:
                peak_live = max(peak_live, live_heap(engine.engine.pid))
                last_gc = time.time()
            peak_heap = max(peak_heap, metric("jvm.memory.used", "area:heap"))
            time.sleep(0.25)
            sendout = engine.sendout(sendout_id)
        if sendout["status"] != "COMPLETED":
            sys.exit(f"sendout did not complete within 15 minutes: {sendout['messages']}")

        send_seconds = timestamp(sendout, "sentAt") - timestamp(sendout, "releasedAt")
        to_delivered = timestamp(sendout, "completedAt") - started
        stats = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        result = {
            "recipients": n,
            "delivered": sendout["messages"]["DELIVERED"],
            "create_request_seconds": round(create_seconds, 2),
            "release_to_all_accepted_seconds": round(send_seconds, 2),
            "messages_per_second_release_to_accepted": round(n / send_seconds),
            "post_to_all_delivered_and_completed_seconds": round(to_delivered, 2),
            "messages_per_second_post_to_delivered": round(n / to_delivered),
            "peak_heap_used_mb": round(peak_heap / 2**20),
            "peak_live_heap_mb": round(peak_live / 2**20) if args.live_heap else None,
            "heap_limit": args.xmx,
            "sandbox_requests": stats["requests"],
            "sandbox_duplicates": stats["duplicates"],
            "receipt_events_posted": stats["receipts"]["eventsPosted"],
            "receipt_post_failures": stats["receipts"]["postFailures"],
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

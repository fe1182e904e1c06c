#!/usr/bin/env python3
"""Benchmark: an SMS sendout paced at Vonage's request limit, from POST to every message
DELIVERED by a signed status.

Starts the sandbox (SendGrid and Vonage) and the engine on its embedded default in separate JVMs,
lets the sandbox enforce Vonage's limit (30 requests/s unless --rate says otherwise, the engine
set to the same), creates one SMS sendout of N recipients, polls it until COMPLETED and prints
JSON: what the sandbox saw (the most requests in one second of the clock and in any sliding
second, 429s), how long sending took against N / rate, and the Temporal history events and actions
per 1,000 messages (bench/HistorySize.java). With --server-error-rate, the sandbox answers that
share of the requests 500 (a partial Vonage outage): the time to COMPLETED is the figure then, and
the requests the sandbox counted. Loopback only; every loop is bounded in time.
Usage: bench/sms-sendout.py [N] [--rate 30] [--server-error-rate 0.5] [--timeout 900]
"""
import argparse, json, sys, time
from datetime import datetime

from benchlib import SANDBOX, Engine, Histories, ReceiptKeys, http, timestamp, scratch_dir


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipients", type=int, nargs="?", default=300)
    ap.add_argument("--rate", type=int, default=30, help="Vonage's limit, requests per second")
    ap.add_argument("--server-error-rate", type=float, default=0.0,
                    help="share of Vonage requests the sandbox answers 500")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds to wait for COMPLETED (default: the larger of 120 and 3 N / rate)")
    args = ap.parse_args()
    n = args.recipients

    engine = Engine(ReceiptKeys(), max_recipients=n)
    # The engine paces at the limit the sandbox enforces.
    engine.env.update(VONAGE_REQUESTS_PER_SECOND=str(args.rate),
                      SANDBOX_VONAGE_RATELIMITPERSECOND=str(args.rate))
    histories = Histories(scratch_dir("sms-sendout"))
    with engine:
        http("PUT", f"{SANDBOX}/sandbox/vonage/statuses", {"delayMs": 200})
        http("DELETE", f"{SANDBOX}/sandbox/vonage/messages")
        http("PUT", f"{SANDBOX}/sandbox/vonage/faults", {"serverErrorRate": args.server_error_rate})
        started = time.time()
        created = engine.create_sms_sendout(n)
        sendout = created
        deadline = time.time() + (args.timeout or max(120, 3 * n / args.rate))
        while sendout["status"] != "COMPLETED" and time.time() < deadline:
            time.sleep(0.25)
            sendout = engine.sendout(created["id"])
        if sendout["status"] != "COMPLETED":
            sys.exit(f"sendout did not complete in {time.time() - started:.0f} s: {sendout['messages']}")
        stats = http("GET", f"{SANDBOX}/sandbox/vonage/stats")[1]
        span = instant(stats["lastRequestAt"]) - instant(stats["firstRequestAt"])
        ideal = n / args.rate
        print(json.dumps({
            "recipients": n,
            "rate_limit_per_second": args.rate,
            "server_error_rate": args.server_error_rate,
            "delivered": sendout["messages"].get("DELIVERED", 0),
            "sandbox_requests": stats["requests"],
            "sandbox_429s": stats["throttled"],
            "sandbox_max_requests_in_one_second": stats["maxRequestsInOneSecond"],
            "sandbox_max_requests_in_any_sliding_second": stats["maxRequestsInAnySlidingSecond"],
            "first_to_last_request_seconds": round(span, 2),
            "ideal_seconds_n_over_rate": round(ideal, 2),
            "deviation_from_ideal_percent": round(100 * (span - ideal) / ideal, 1),
            "release_to_sent_seconds": round(timestamp(sendout, "sentAt") - timestamp(sendout, "releasedAt"), 2),
            "post_to_completed_seconds": round(timestamp(sendout, "completedAt") - started, 2),
            "statuses_posted": stats["statusesPosted"],
            "temporal_per_1000_messages": histories.per_thousand(created["id"], n),
        }, indent=2))


if __name__ == "__main__":
    main()

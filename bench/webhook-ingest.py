#!/usr/bin/env python3
"""Benchmark: ingestion of signed SendGrid Event Webhook batches by the engine's api.

Starts the sandbox SendGrid (with its own receipts switched off) and the engine on its embedded
default, sends one sendout of N recipients and waits until every message is ACCEPTED. Then it
plays SendGrid: for every message a "processed" and a "delivered" event, in batches of 1,000
events, each batch signed (ECDSA P-256 over timestamp + body) and POSTed by C concurrent
connections. It reports events per second, the latency of each batch (p50/p99/max), and how long
the workflows took to notice that every message was delivered. With --duplicates k every batch is
sent k times, as SendGrid's redeliveries would be. Loopback only; every loop is bounded.

Usage: bench/webhook-ingest.py [N] [--concurrency 4] [--duplicates 1]
"""
import argparse, http.client, json, random, sys, threading, time, uuid

from benchlib import API, Engine, ReceiptKeys, timestamp

BATCH = 1000


def events_for(messages):
    now = int(time.time())
    out = []
    for m in messages:
        common = {"email": m["address"], "timestamp": now, "smtp-id": f"<{m['id']}@bench>",
                  "sg_message_id": f"{m['providerMessageId']}.filterdrecv-bench-0.0",
                  "message_id": m["id"], "category": []}
        out.append({**common, "event": "processed", "sg_event_id": uuid.uuid4().hex})
        out.append({**common, "event": "delivered", "sg_event_id": uuid.uuid4().hex, "response": "250 OK"})
    return out


def post_all(bodies, keys, concurrency):
    """POSTs every body, signed just before it is sent; returns per-batch latencies and errors."""
    latencies, errors, lock = [], [], threading.Lock()
    queue = list(bodies)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", 18080, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/json",
                       "X-Twilio-Email-Event-Webhook-Timestamp": ts,
                       "X-Twilio-Email-Event-Webhook-Signature": keys.sign(ts, body)}
            started = time.perf_counter()
            conn.request("POST", "/webhooks/sendgrid/events", body, headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    return latencies, errors


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipients", type=int, nargs="?", default=100_000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--duplicates", type=int, default=1)
    args = ap.parse_args()
    n = args.recipients
    keys = ReceiptKeys()

    with Engine(keys, max_recipients=n, sandbox_sends_receipts=False) as engine:
        sendout_id = engine.create_sendout(n)["id"]
        deadline = time.time() + 900
        while engine.sendout(sendout_id)["status"] != "SENT":
            if time.time() > deadline:
                sys.exit("sendout not sent within 15 minutes")
            time.sleep(0.5)
        events = events_for(engine.messages(sendout_id))
        random.Random(7).shuffle(events)
        bodies = [json.dumps(events[i:i + BATCH]).encode() for i in range(0, len(events), BATCH)]
        bodies = bodies * args.duplicates
        random.Random(11).shuffle(bodies)

        started = time.time()
        latencies, errors = post_all(bodies, keys, args.concurrency)
        wall = time.time() - started
        deadline = time.time() + 600
        sendout = engine.sendout(sendout_id)
        while sendout["status"] != "COMPLETED" and time.time() < deadline:
            time.sleep(0.25)
            sendout = engine.sendout(sendout_id)

        total = sum(len(json.loads(b)) for b in bodies)
        result = {
            "recipients": n,
            "batches": len(bodies),
            "events": total,
            "duplicates_factor": args.duplicates,
            "concurrency": args.concurrency,
            "errors": len(errors),
            "ingest_seconds": round(wall, 2),
            "events_per_second": round(total / wall),
            "batch_latency_ms_p50": round(percentile(latencies, 50) * 1000),
            "batch_latency_ms_p99": round(percentile(latencies, 99) * 1000),
            "batch_latency_ms_max": round(max(latencies) * 1000),
            "delivered": sendout["messages"]["DELIVERED"],
            "status": sendout["status"],
            "first_webhook_to_completed_seconds":
                round(timestamp(sendout, "completedAt") - started, 2) if sendout["completedAt"] else None,
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

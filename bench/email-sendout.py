#!/usr/bin/env python3
"""Benchmark: one large email sendout on the embedded default, from POST to every message
DELIVERED by a signed receipt.

Starts the sandbox SendGrid in its own JVM (it keeps a record of every message it accepts, which
must not count as engine heap) and the engine on its embedded default in another, sets the
sandbox to report every delivery at once, creates one sendout of N recipients, polls it until
COMPLETED, samples the engine's heap through the worker's actuator, counts the Temporal history
events and actions per 1,000 messages (bench/HistorySize.java), and prints JSON. Loopback
only; every loop is bounded in time. Usage: bench/email-sendout.py [N] [--xmx 1g] [--live-heap] [--warm-up N]
"""
import argparse, json, os, subprocess, sys, time, urllib.error, zipfile

from benchlib import (JAR, ROOT, SANDBOX, SANDBOX_PORT, CpuMeter, Engine, Histories, ReceiptKeys, http, live_heap,
                      metric, timestamp, scratch_dir)

LIB = os.path.join(ROOT, "bench", "target", "embedded-lib")


def direct_send(n, concurrency):
    """The baseline: bench/DirectSend.java, the same sendgrid-java calls to the same sandbox, no
    engine, on the jars the engine itself runs with (taken from the embedded jar: no Maven)."""
    with zipfile.ZipFile(JAR) as jar:
        names = [name for name in jar.namelist() if name.startswith("BOOT-INF/lib/") and name.endswith(".jar")]
        for name in names:
            if not os.path.exists(os.path.join(LIB, name)):
                jar.extract(name, LIB)
    classpath = ":".join(os.path.join(LIB, name) for name in names)
    out = subprocess.run(["java", "-cp", classpath, os.path.join(ROOT, "bench", "DirectSend.java"),
                          f"127.0.0.1:{SANDBOX_PORT}", str(n), str(concurrency)],
                         check=True, capture_output=True, text=True, timeout=600).stdout
    return json.loads(out.strip().splitlines()[-1])


def until_completed(engine, sendout_id, seconds, interval, each_poll=lambda: None, each_read=lambda sendout: None):
    """Reads the sendout every interval, calling each_poll before each wait and each_read with each
    read, until it is COMPLETED or seconds have passed; returns the last read and how many reads were
    answered 429 (the api sheds load with 429 + Retry-After, invariant I3: it is asked again)."""
    deadline = time.time() + seconds
    sendout, refused = {"status": None}, 0
    while sendout["status"] != "COMPLETED" and time.time() < deadline:
        each_poll()
        time.sleep(interval)
        try:
            sendout = engine.sendout(sendout_id)
            each_read(sendout)
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            refused += 1
    return sendout, refused


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipients", type=int, nargs="?", default=100_000)
    ap.add_argument("--xmx", default="1g", help="heap limit of the engine's JVM")
    ap.add_argument("--jvm-arg", action="append", default=[], metavar="ARG",
                    help="one more option for the engine's JVM, for instance --jvm-arg=-Xms64m; repeatable")
    ap.add_argument("--live-heap", action="store_true",
                    help="every 3 s while sending, record the live set: the total of jcmd's"
                         " GC.class_histogram, taken right after the full GC it forces. Slows"
                         " sending a little; throughput runs omit it.")
    ap.add_argument("--baseline-concurrency", type=int, default=8,
                    help="requests in flight in the direct-send baseline (the engine's batch window);"
                         " 0 skips the baseline")
    ap.add_argument("--jfr", help="record the engine's JVM with JFR (settings=profile) from the POST"
                                  " until COMPLETED, into this file")
    ap.add_argument("--warm-up", type=int, default=0, metavar="N",
                    help="first send an N-recipient sendout on the same engine, until COMPLETED, so"
                         " that the measured one meets a JVM that has compiled its path (a service"
                         " that has run a while); 0, the default, measures a freshly started engine,"
                         " whose JIT compiles through the run")
    ap.add_argument("--poll-interval", type=float, default=1.0,
                    help="seconds between reads of the sendout; the figures come from the API's own"
                         " timestamps, so this sets only the load the benchmark itself adds (each read"
                         " counts the sendout's messages by status)")
    args = ap.parse_args()
    n = args.recipients

    with Engine(ReceiptKeys(), xmx=args.xmx, max_recipients=n, jvm_args=args.jvm_arg) as engine:
        baseline = None
        if args.baseline_concurrency:
            # The sandbox's receipts are switched off meanwhile: they would go to the engine's
            # webhook for messages it never sent, and the baseline is about sending.
            webhook = http("GET", f"{SANDBOX}/sandbox/sendgrid/receipts")[1]["webhookUrl"]
            http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"webhookUrl": ""})
            baseline = direct_send(n, args.baseline_concurrency)
            http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"webhookUrl": webhook})
        http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"deliveryDelayMs": 0})
        if args.warm_up:
            warm_up = engine.create_sendout(args.warm_up)["id"]
            if until_completed(engine, warm_up, 600, args.poll_interval)[0]["status"] != "COMPLETED":
                sys.exit("the warm-up sendout did not complete within 10 minutes")
        before = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        if args.jfr:
            subprocess.run(["jcmd", str(engine.engine.pid), "JFR.start", "name=bench", "settings=profile"],
                           check=True, capture_output=True, timeout=60)
        cpu = CpuMeter(engine)
        started = time.time()
        created = engine.create_sendout(n)
        create_seconds = time.time() - started
        sendout_id = created["id"]

        peak_heap = peak_live = 0.0
        last_gc = 0.0

        def sample_heap():
            nonlocal peak_heap, peak_live, last_gc
            if args.live_heap and time.time() - last_gc >= 3:
                peak_live = max(peak_live, live_heap(engine.engine.pid))
                last_gc = time.time()
            peak_heap = max(peak_heap, metric("jvm.memory.used", "area:heap"))

        # When a read first showed every message DELIVERED: what is left after it until COMPLETED is
        # the workflows noticing (to within one poll interval).
        all_delivered_seen = None

        def see_delivered(read):
            nonlocal all_delivered_seen
            if all_delivered_seen is None and read["messages"]["DELIVERED"] == n:
                all_delivered_seen = time.time() - started

        sendout, unavailable = until_completed(engine, sendout_id, 900, args.poll_interval, sample_heap,
                                               see_delivered)
        if sendout["status"] != "COMPLETED":
            sys.exit(f"sendout did not complete within 15 minutes: {sendout.get('messages')}")

        cpu_used = cpu.used()
        if args.jfr:
            subprocess.run(["jcmd", str(engine.engine.pid), "JFR.stop", "name=bench",
                            f"filename={os.path.abspath(args.jfr)}"], check=True, capture_output=True, timeout=120)
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
            "post_to_all_delivered_seen_seconds": round(all_delivered_seen, 2) if all_delivered_seen else None,
            "peak_heap_used_mb": round(peak_heap / 2**20),
            "peak_live_heap_mb": round(peak_live / 2**20) if args.live_heap else None,
            "heap_limit": args.xmx,
            "jvm_args": args.jvm_arg,
            "sandbox_requests": stats["requests"] - before["requests"],
            "sandbox_duplicates": stats["duplicates"],
            "receipt_events_posted": stats["receipts"]["eventsPosted"] - before["receipts"]["eventsPosted"],
            "receipt_post_failures": stats["receipts"]["postFailures"],
            "warm_up_recipients": args.warm_up,
            "status_polls_answered_429": unavailable,
            "temporal_per_1000_messages": Histories(scratch_dir("email-sendout")).per_thousand(
                sendout_id, n),
        }
        # CPU seconds from the POST to COMPLETED: the engine's JVM, the processes it started
        # (Postgres, the Temporal server) and the sandbox.
        result["cpu_seconds"] = cpu_used
        if baseline:
            result["baseline_direct_send"] = baseline
            result["ratio_release_to_accepted"] = round(
                result["messages_per_second_release_to_accepted"] / baseline["messages_per_second"], 3)
            result["ratio_post_to_delivered"] = round(
                result["messages_per_second_post_to_delivered"] / baseline["messages_per_second"], 3)
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

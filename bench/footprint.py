#!/usr/bin/env python3
"""Benchmark: what one message costs the stores, the numbers docs/scaling.md extrapolates from.

Starts the sandbox and the engine (embedded default), sends one email sendout of N recipients and
one SMS sendout of M, waits until both are COMPLETED with every message DELIVERED, then measures:
- Temporal: events, bytes and billable actions of each sendout's workflow histories (its sendout
  workflow and every batch workflow), read by bench/HistorySize.java over gRPC;
- Postgres: rows and bytes (tables with their indexes and TOAST) per message, per table.
Loopback only; every wait is bounded. Needs psql. Usage: bench/footprint.py [--email N] [--sms M]
"""
import argparse, json, os, re, subprocess, sys, time

from benchlib import ROOT, TEMPORAL, Engine, ReceiptKeys, scratch_dir

TABLES = ("sendout", "message", "receipt", "finding", "audit_event", "recipient_addition")


def await_completed(engine, sendout_id, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        sendout = engine.sendout(sendout_id)
        if sendout["status"] == "COMPLETED":
            return sendout
        time.sleep(1)
    sys.exit(f"sendout {sendout_id} did not complete within {seconds} s")


def postgres_url():
    """The embedded Postgres the engine printed, as psql takes it."""
    log = open(os.path.join(ROOT, "bench", "engine.log")).read()
    port = re.search(r"jdbc:postgresql://localhost:(\d+)/postgres", log).group(1)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def store_sizes(url, messages):
    sql = " union all ".join(
        f"select '{t}', (select count(*) from {t}), pg_total_relation_size('{t}')" for t in TABLES)
    out = subprocess.run(["psql", url, "-At", "-F", ",", "-c", sql], check=True, capture_output=True, text=True).stdout
    sizes = {}
    for line in out.split():
        table, rows, size = line.split(",")
        sizes[table] = {"rows": int(rows), "bytes": int(size),
                        "rows_per_message": round(int(rows) / messages, 3),
                        "bytes_per_message": round(int(size) / messages)}
    return sizes


def histories(sendout_ids):
    classpath = os.path.join(scratch_dir("footprint"), "cp.txt")
    subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "dependency:build-classpath", "-pl", "workflows",
                    f"-Dmdep.outputFile={classpath}"], cwd=ROOT, check=True)
    out = subprocess.run(["java", "-cp", open(classpath).read().strip(), os.path.join(ROOT, "bench", "HistorySize.java"),
                          TEMPORAL, "default", *sendout_ids], check=True, capture_output=True, text=True).stdout
    # The SDK logs to stdout as well; the results are the lines that are JSON objects.
    return [json.loads(line) for line in out.splitlines() if line.startswith("{\"sendoutId\"")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--email", type=int, default=10_000)
    ap.add_argument("--sms", type=int, default=300)
    args = ap.parse_args()
    with Engine(ReceiptKeys()) as engine:
        email = engine.create_sendout(args.email)["id"]
        sms = engine.create_sms_sendout(args.sms)["id"]
        for sendout_id in (email, sms):
            done = await_completed(engine, sendout_id, 600)
            assert done["messages"]["DELIVERED"] == done["recipientCount"], done["messages"]
        result = {"email_messages": args.email, "sms_messages": args.sms,
                  "postgres": store_sizes(postgres_url(), args.email + args.sms)}
        for name, history, n in zip(("email", "sms"), histories([email, sms]), (args.email, args.sms)):
            events = history["sendout"]["events"] + history["batches"]["events"]
            size = history["sendout"]["bytes"] + history["batches"]["bytes"]
            actions = history["sendout"]["actions"] + history["batches"]["actions"]
            result[f"temporal_{name}"] = {**history, "events_per_message": round(events / n, 2),
                                          "history_bytes_per_message": round(size / n),
                                          "actions_per_message": round(actions / n, 3)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

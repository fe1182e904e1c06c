#!/usr/bin/env python3
"""Drill: recipients added one a call to one-recipient sendouts while they send and complete.

Starts the sandbox and the engine (embedded default) on loopback, then for each of N email sendouts
of one recipient (ten at a time) makes CALLS additions of one recipient, GAP seconds apart, each
under its own Idempotency-Key. An addition that comes once the sendout has completed is refused 409
and stores nothing, as documented. 45 s after the last call, every accepted addition must be
DELIVERED: one left QUEUED waits for the watchdog's release grace (10 min). Prints the answers and
what the engine log says of the additions that met a finishing run: how many runs were reopened
for them after they closed, and how many rounds a finishing run sent before it completed.

Usage: bench/late-additions.py [N=60] [CALLS=40] [GAP=0.03]
"""
import json, os, sys, threading, time, urllib.error

from benchlib import API, ROOT, Engine, ReceiptKeys, http

SENDOUTS, CALLS, GAP = (int(sys.argv[1]) if len(sys.argv) > 1 else 60,
                        int(sys.argv[2]) if len(sys.argv) > 2 else 40,
                        float(sys.argv[3]) if len(sys.argv) > 3 else 0.03)
LIMITS = {"SENDOUT_API_LIMITS_REQUESTSPERSECOND": "1000000",
          "SENDOUT_API_LIMITS_RECIPIENTSPERMINUTE": "1000000000"}


def add(sendout_id, i):
    body = {"recipients": [{"email": f"late{i}@example.com",
                            "variables": {"firstName": "L", "surveyUrl": "https://s.example.com/l"}}]}
    try:
        return http("POST", f"{API}/v1/sendouts/{sendout_id}/recipients", body, timeout=30,
                    headers={"Idempotency-Key": f"{sendout_id}-{i}"})[0]
    except urllib.error.HTTPError as e:
        return e.code


with Engine(ReceiptKeys(), extra_env=LIMITS):
    answers = {}

    def created():
        # Ten creates at once can meet the tenant's share of the writes: 429, retried.
        for _ in range(50):
            try:
                return Engine.create_sendout(1)["id"]
            except urllib.error.HTTPError as e:
                if e.code != 429:
                    raise
                time.sleep(0.2)
        sys.exit("a create was refused 50 times")

    def one():
        sendout_id = created()
        statuses = []
        for i in range(CALLS):
            statuses.append(add(sendout_id, i))
            time.sleep(GAP)
        answers[sendout_id] = statuses

    for start in range(0, SENDOUTS, 10):
        threads = [threading.Thread(target=one) for _ in range(start, min(SENDOUTS, start + 10))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    time.sleep(45)
    accepted = missing = 0
    short = []
    for sendout_id, statuses in answers.items():
        ok = statuses.count(202)
        accepted += ok
        sendout = Engine.sendout(sendout_id)
        delivered = sendout["messages"].get("DELIVERED", 0)
        if delivered != 1 + ok:
            missing += 1 + ok - delivered
            short.append({"id": sendout_id, "status": sendout["status"], "messages": sendout["messages"]})
    with open(os.path.join(ROOT, "bench", "engine.log")) as log:
        text = log.read()
    print(json.dumps({
        "sendouts": len(answers), "calls": sum(len(s) for s in answers.values()), "accepted": accepted,
        "answers": {str(code): sum(s.count(code) for s in answers.values())
                    for code in sorted({c for s in answers.values() for c in s})},
        "not_delivered_after_45s": missing, "short_sendouts": short[:5],
        "runs_reopened_for_additions": text.count("reopened to send them"),
        "rounds_sent_by_a_finishing_run": text.count("recipients added as it finished are sent first"),
    }, indent=1))

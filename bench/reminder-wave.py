#!/usr/bin/env python3
"""Benchmark: a reminder wave over a large email sendout with half its recipients responded
(issue 18), on the embedded default.

Starts the sandbox and the engine in their own JVMs (benchlib.Engine), creates one sendout of N
recipients, each with an externalId, and one reminder `after` a few minutes; waits until every
invitation is DELIVERED; reports half of the recipients (every even one) as responded, in one
NDJSON import; then waits for the wave and follows its reminders until DELIVERED. Reports:

- the response import: lines per second;
- the wave, from the time it was due (the sendout's nextReminderAt): when its reminders were
  created (their queuedAt: the selection, one INSERT ... SELECT), released, all ACCEPTED by the
  sandbox, and all DELIVERED; its reminders per second from due to all ACCEPTED, as a ratio to the
  same sendout's invitations, release to all ACCEPTED, in the same run;
- whether the wave is exactly the recipients who did not respond, each reminded once (the
  sandbox's duplicate sends);
- what the wave cost Temporal: the actions and history events of the sendout and its batches
  (bench/HistorySize.java) after the wave minus before it, the timers among them.

Loopback only; every wait is bounded. Prints one JSON object.
Usage: bench/reminder-wave.py [N] [--after PT4M]
"""
import argparse, json, sys, time

from benchlib import API, SANDBOX, Engine, Histories, ReceiptKeys, http, timestamp, scratch_dir


def wait_for(sendout_id, predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        sendout = Engine.sendout(sendout_id)
        if predicate(sendout):
            return sendout
        time.sleep(2)
    sys.exit(f"gave up waiting {seconds} s for {what}: {json.dumps(sendout)[:2000]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipients", type=int, nargs="?", default=100_000)
    ap.add_argument("--after", default="PT4M",
                    help="the reminder's delay: long enough for every invitation to be delivered first")
    args = ap.parse_args()
    n = args.recipients
    tmp = scratch_dir("reminder-wave")

    with Engine(ReceiptKeys(), max_recipients=n) as engine:
        histories = Histories(tmp)
        http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"deliveryDelayMs": 0})
        recipients = [{"email": f"user{i}@example.com", "externalId": f"r{i}",
                       "variables": {"firstName": f"U{i}", "surveyUrl": f"https://s.example.com/{i}"}}
                      for i in range(n)]
        body = {"channel": "EMAIL", "from": {"email": "surveys@example.com", "name": "Surveys"},
                "subject": "{{firstName}}, how was your visit?",
                "text": "Hello {{firstName}}, tell us: {{surveyUrl}}", "recipients": recipients,
                "reminders": [{"after": args.after, "subject": "{{firstName}}, a reminder"}]}
        status, created = http("POST", f"{API}/v1/sendouts", json.dumps(body).encode(), timeout=300)
        assert status == 202, (status, created)
        sendout_id = created["id"]
        invited = wait_for(sendout_id, lambda s: s["messages"]["DELIVERED"] == n
                           and s.get("reminders", {}).get("nextReminderAt"), 900, "every invitation DELIVERED")

        lines = "".join(json.dumps({"externalId": f"r{i}"}) + "\n" for i in range(0, n, 2)).encode()
        started = time.time()
        status, answer = http("POST", f"{API}/v1/sendouts/{sendout_id}/responses", lines, timeout=600,
                              headers={"Content-Type": "application/x-ndjson"})
        import_seconds = time.time() - started
        assert status == 200, (status, str(answer)[:500])
        responded = answer["totals"]["recorded"]
        due = timestamp(invited["reminders"], "nextReminderAt")
        if time.time() >= due:
            sys.exit("the wave was due before the responses were in: use a longer --after")
        before = Histories.total(histories.read([sendout_id]))
        sandbox_before = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]

        expected = n - responded
        done = wait_for(sendout_id, lambda s: s["status"] == "COMPLETED", due - time.time() + 900,
                        "the wave to be DELIVERED and the sendout COMPLETED")
        after = Histories.total(histories.read([sendout_id]))
        sandbox_after = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        reminders = [m for m in Engine.messages(sendout_id) if m["seq"] >= n]

        def spread(field):
            times = [timestamp(m, field) - due for m in reminders if m.get(field)]
            return {"first_s": round(min(times), 2), "last_s": round(max(times), 2)} if times else None

        # The baseline, in the same run: the same sendout's invitations, release -> all ACCEPTED.
        invitations_per_second = n / (timestamp(invited, "sentAt") - timestamp(invited, "releasedAt"))
        wave_per_second = len(reminders) / max(1e-9, spread("acceptedAt")["last_s"]) if reminders else 0
        actions = after["actions"] - before["actions"]
        print(json.dumps({
            "recipients": n,
            "responded": responded,
            "response_import_seconds": round(import_seconds, 2),
            "response_import_lines_per_second": round(responded / import_seconds),
            "reminders": len(reminders),
            "reminders_expected": expected,
            "reminders_delivered": done["reminders"]["messages"]["DELIVERED"],
            # Recipient i responded when i is even: each reminder's address names its recipient.
            "reminded_responders": sum(1 for m in reminders if int(m["address"][4:].split("@")[0]) % 2 == 0),
            "recipients_reminded_twice": len(reminders) - len({m["address"] for m in reminders}),
            "sandbox_duplicates_during_wave": sandbox_after["duplicates"] - sandbox_before["duplicates"],
            "since_due": {"created": spread("queuedAt"), "released": spread("releasedAt"),
                          "accepted": spread("acceptedAt"), "delivered": spread("finishedAt")},
            "reminders_per_second_due_to_all_accepted": round(wave_per_second),
            "baseline_invitations_per_second_release_to_all_accepted": round(invitations_per_second),
            "ratio_to_baseline": round(wave_per_second / invitations_per_second, 3),
            "temporal_for_the_wave": {
                "actions": actions, "events": after["events"] - before["events"],
                "actions_per_1000_reminders": round(actions * 1000 / max(1, len(reminders)), 2),
                "actions_by_type": {k: v - before["by_type"].get(k, 0) for k, v in after["by_type"].items()
                                    if v - before["by_type"].get(k, 0)}},
            "temporal_whole_sendout": after,
        }, indent=2))


if __name__ == "__main__":
    main()

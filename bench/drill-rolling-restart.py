#!/usr/bin/env python3
"""Drill: restarts under a running sendout on the deployed topology (deploy/local/topology.py).

Starts the topology in a fresh state directory (the real Temporal dev server, Postgres, the
sandbox, the api and two workers, as docker-compose.yml runs them), issues an API key through the
admin API, and for each variant sends one email sendout of N recipients (default 10,000):

- term:     restarts worker-1, then worker-2, each with SIGTERM (as a deploy does), each restart
            waiting until the new process is healthy before the next one starts;
- kill:     the same with SIGKILL (a crashed host: no graceful shutdown);
- temporal: SIGKILLs the Temporal server and starts it again on its SQLite file.

The first restart comes RESTART_AFTER s after the sendout is released. The sandbox SendGrid is
made slow for the drill: each request answers after --latency-ms (under the SendGrid client's 20 s
read timeout, past which a send is in doubt, and the workflow's 45 s send timeout), and receipts
come --delivery-delay-ms after acceptance, so that the restarts happen while batches are being
sent or receipts are still to come. Each restart is reported with the sendout's message counts at
the moment of the signal, to show where it landed.

Checked per variant, from the API and the sandbox's counters (deltas over the variant):
lost = recipients - DELIVERED (the sendout must be COMPLETED), duplicates = message ids the
sandbox accepted more than once, and accepted must equal recipients. Prints one JSON object per
variant and exits 1 if any variant lost or doubled a message. Loopback only; every wait is
bounded; every process it started is stopped on exit (Ctrl-C and SIGTERM included).

Usage: bench/drill-rolling-restart.py [--recipients N] [--variants term,kill,temporal] [--keep]
"""
import argparse, json, os, shutil, signal, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESTART_AFTER = 5
COMPLETE_WITHIN = 1800


def http(method, url, body=None, token=None, timeout=120):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass  # the api restarting, or Temporal down behind it: try again
        time.sleep(1)
    raise SystemExit(f"drill: timed out after {seconds} s waiting for {what}")


class Drill:
    def __init__(self, topology, recipients, latency_ms, delivery_delay_ms):
        self.t = topology
        self.s = topology.settings()
        self.api, self.sandbox = topology.url("api", self.s), topology.url("sandbox", self.s)
        self.n = recipients
        self.latency_ms, self.delivery_delay_ms = latency_ms, delivery_delay_ms
        self.key = http("POST", f"{self.api}/admin/api-keys", {"tenantId": "drill", "name": "rolling restart drill"},
                        token=self.s["SENDOUT_ADMIN_TOKEN"])["key"]

    def sendout(self, sendout_id):
        return http("GET", f"{self.api}/v1/sendouts/{sendout_id}", token=self.key, timeout=30)

    def stats(self):
        return http("GET", f"{self.sandbox}/sandbox/sendgrid/stats", timeout=30)

    def create(self, variant):
        recipients = [{"email": f"{variant}-{i}@example.com", "variables": {"firstName": f"U{i}"}} for i in range(self.n)]
        body = {"channel": "EMAIL", "from": {"email": "surveys@example.com", "name": "Surveys"},
                "subject": "{{firstName}}, how was your visit?", "text": "Hello {{firstName}}", "recipients": recipients}
        return http("POST", f"{self.api}/v1/sendouts", json.dumps(body).encode(), token=self.key, timeout=300)["id"]

    def counts(self, sendout_id):
        s = self.sendout(sendout_id)
        return {"status": s["status"], **{k: v for k, v in s["messages"].items() if v}}

    def message_history(self, sendout_id):
        """The highest attemptCount, and how many messages were UNCONFIRMED (in doubt) on the way."""
        worst, in_doubt, cursor = 0, 0, None
        while True:
            page = http("GET", f"{self.api}/v1/sendouts/{sendout_id}/messages?limit=1000"
                        + (f"&cursor={cursor}" if cursor else ""), token=self.key, timeout=60)
            worst = max([worst] + [m["attemptCount"] for m in page["items"]])
            in_doubt += sum(1 for m in page["items"] if m["unconfirmedAt"])
            cursor = page["nextCursor"]
            if not cursor:
                return worst, in_doubt

    def run(self, variant):
        http("PUT", f"{self.sandbox}/sandbox/sendgrid/faults", {"latencyMs": self.latency_ms})
        http("PUT", f"{self.sandbox}/sandbox/sendgrid/receipts", {"deliveryDelayMs": self.delivery_delay_ms})
        before = self.stats()
        started = time.time()
        sendout_id = self.create(variant)
        print(f"drill[{variant}]: sendout {sendout_id} created in {time.time() - started:.1f} s", file=sys.stderr)
        wait_for(lambda: self.sendout(sendout_id)["releasedAt"], 300, "the release")
        time.sleep(RESTART_AFTER)
        restarts = []
        targets = ["temporal"] if variant == "temporal" else [n for n in self.t.app_services(self.s) if n.startswith("worker-")]
        for target in targets:
            at = self.counts(sendout_id)
            began = time.time()
            if target == "temporal":
                os.kill(self.t.temporal_pid(), signal.SIGKILL)
                wait_for(lambda: not self.t.port_open(self.s["ports"]["temporal"]), 60, "the killed server's port to close")
                if self.t.temporal("start", self.s) != 0:
                    raise SystemExit("drill: the Temporal server did not start again")
            else:
                self.t.restart_app(target, signal.SIGKILL if variant == "kill" else signal.SIGTERM)
            restarts.append({"target": target, "at_seconds": round(began - started, 1),
                             "took_seconds": round(time.time() - began, 1), "sendout_at_signal": at})
            print(f"drill[{variant}]: restarted {target}: {restarts[-1]}", file=sys.stderr)
        done = wait_for(lambda: (lambda s: s if s["status"] == "COMPLETED" else None)(self.sendout(sendout_id)),
                        COMPLETE_WITHIN, f"sendout {sendout_id} to complete")
        completed = time.time()
        after = self.stats()
        messages = done["messages"]
        max_attempts, in_doubt = self.message_history(sendout_id)
        # A finding the watchdog opened on the way (NO_RECEIPT while messages were UNCONFIRMED) is
        # cleared by its next pass that no longer sees it: within one period (1 min).
        seen_stuck = done["stuck"]
        wait_for(lambda: self.sendout(sendout_id)["stuck"] is None, 300, f"sendout {sendout_id} to be no longer stuck")
        result = {
            "variant": variant, "recipients": self.n, "sendout": sendout_id,
            "post_to_completed_seconds": round(time.time() - started, 1),
            "status": done["status"],
            "delivered": messages["DELIVERED"],
            "lost": self.n - messages["DELIVERED"],
            "other_statuses": {k: v for k, v in messages.items() if v and k != "DELIVERED"},
            "sandbox_requests": after["requests"] - before["requests"],
            "sandbox_accepted": after["accepted"] - before["accepted"],
            "sandbox_distinct_messages": after["distinctMessages"] - before["distinctMessages"],
            "duplicates": after["duplicates"] - before["duplicates"],
            "max_attempt_count": max_attempts,
            "unconfirmed_on_the_way": in_doubt,
            "stuck_at_completion": seen_stuck and [r["reason"] for r in seen_stuck["reasons"]],
            "stuck_cleared_after_completion_seconds": round(time.time() - completed, 1),
            "restarts": restarts,
        }
        result["ok"] = (result["lost"] == 0 and result["duplicates"] == 0 and result["sandbox_accepted"] == self.n
                        and not result["other_statuses"])
        return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipients", type=int, default=10_000)
    ap.add_argument("--variants", default="term,kill,temporal")
    ap.add_argument("--latency-ms", type=int, default=12_000,
                    help="sandbox SendGrid answer time per request (under the worker's 20 s read timeout)")
    ap.add_argument("--delivery-delay-ms", type=int, default=60_000, help="sandbox receipt delay after acceptance")
    ap.add_argument("--keep", action="store_true", help="keep the state directory (logs, databases) afterwards")
    args = ap.parse_args()

    state = tempfile.mkdtemp(prefix="sendout-drill-")
    os.environ["TOPOLOGY_STATE"] = state
    sys.path.insert(0, os.path.join(ROOT, "deploy", "local"))
    import topology

    # SIGTERM (a CI timeout, kill) unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("drill: terminated"))
    results, ok = [], False
    try:
        began = time.time()
        topology.start()
        print(f"drill: topology up in {time.time() - began:.0f} s, state {state}", file=sys.stderr)
        drill = Drill(topology, args.recipients, args.latency_ms, args.delivery_delay_ms)
        for variant in args.variants.split(","):
            result = drill.run(variant)
            results.append(result)
            print(json.dumps(result, indent=2), flush=True)
        ok = all(r["ok"] for r in results)
    finally:
        topology.stop()
        if ok and not args.keep:
            shutil.rmtree(state, ignore_errors=True)
        else:
            print(f"drill: logs and databases kept in {state} (remove it when done)", file=sys.stderr)
    print(json.dumps([{k: r[k] for k in ("variant", "post_to_completed_seconds", "lost", "duplicates", "ok")}
                      for r in results]), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: recipients added one at a time, and one-recipient sendouts, on the embedded default
(issue 15), each throughput as a ratio to a do-nothing endpoint measured in the same run.

Starts the sandbox and the engine (api, worker, embedded Postgres, Temporal's test server in one
JVM) on loopback and drives them with bench/LoadGenerator.java:

0. The ceiling: the same generator, the same one-recipient body, POSTed to the sandbox's
   `/sandbox/noop` (a plain Spring Boot endpoint that reads the body and answers 202): 8 closed
   callers, and the open-model rates. Measured at the start and again at the end of the run.
1. Open sendouts: 102 email sendouts of one recipient each, created while the sandbox keeps every
   message silent (no receipt), with a 2 h receipt timeout. Once their one message is ACCEPTED the
   sandbox is switched back to delivering: the anchor stays ACCEPTED, so the sendout stays open,
   while what is added to it is released, sent and DELIVERED.
   The 102nd is the warm-up's: 8 closed callers add to it for --warm-up seconds (180) before
   anything is measured, so that the figures are the warm engine's, not its JIT compiler's (the
   warm-up curve is reported).
2. Additions of 1 recipient into ONE open sendout: 8 closed callers, then an open-model search
   (rates in order until one fails: p99 > 100 ms or < 99 % 2xx).
3. The same spread round-robin over 100 open sendouts.
4. A 3x overload of (2): 3x the best rate of (2) (the higher of the closed throughput and the
   highest passing open rate), open model.
5. Every added message followed until DELIVERED; the sandbox's duplicate sends; accept (202
   arrived at the caller) -> releasedAt, p50/p99; Temporal actions per added message, from the
   histories of the open sendouts (and their batches) after minus before the additions.
6. One-recipient sendouts created at 50/s for 60 s (open model), after as many created for --warm-up
   seconds and followed until they completed: create p99, time from the last
   202 to the last completedAt, history events/actions per sendout (a sample).
7. A 3x overload of (6): 150/s for 60 s, then everything accepted followed until COMPLETED.

`--part outage` runs only this, on the real Temporal dev server (deploy/temporal-dev/temporal-dev.sh,
built from Go modules) behind a loopback proxy: additions of 1 recipient into one open sendout at
200/s for 90 s, the proxy cutting the engine off Temporal from 15 s to 75 s; every addition must
be answered 202, and released and DELIVERED within 30 s after Temporal is back.

The tenant's own limits (100 requests/s) are raised out of the way, as in api-load.py, so the
shared bounds (write bulkhead, backlog, pending workflow work) are what an overload meets. Every
loop and wait is bounded; everything is on loopback. Prints one JSON object; each phase gives its
answers by status and its refusals by problem detail (`refusals`, numbers and ids left out), so
that which bound refused them shows.

`--part overload --rates 1000,2000` runs only this: one open sendout, 8 closed callers adding to it
for 20 s (after --warm-up s of them), then 30 s of additions at each rate given, far past what the
engine takes: only 202 and 429 with `Retry-After` should come back, no timeouts.

`--part spread` runs only step 3's closed callers (and step 5 for what they added), warmed up on
the same 100 sendouts: a few minutes, for trying a change to the spread's path.

Usage: bench/additions-load.py [--quick] [--warm-up 180] [--rates 100,200,400,700,1000,1500] [--part all|additions|small|outage|overload|spread]
"""
import argparse, json, os, statistics, subprocess, sys, threading, time, urllib.parse

from benchlib import (API, ROOT, SANDBOX, API_KEY, Engine, Histories, LoopbackProxy, ReceiptKeys, free_port, http,
                      timestamp, scratch_dir)

LIMITS = {"SENDOUT_API_LIMITS_REQUESTSPERSECOND": "1000000",
          "SENDOUT_API_LIMITS_RECIPIENTSPERMINUTE": "1000000000"}
P99_LIMIT_MS = 100
TMP = scratch_dir("additions")


def log(what, value):
    print(json.dumps({what: value}), file=sys.stderr, flush=True)


class Generator:
    """bench/LoadGenerator.java, compiled once."""

    def __init__(self):
        self.classes = os.path.join(TMP, "loadgen")
        subprocess.run(["javac", "-d", self.classes, os.path.join(ROOT, "bench", "LoadGenerator.java")], check=True)
        self.runs = 0

    def run(self, base, path, body, phases, concurrency=0, targets=None):
        """Returns the phases' reports and the accepted ones: [(ms the 202 arrived, tag)]."""
        self.runs += 1
        out_log = os.path.join(TMP, f"accepted-{self.runs}.txt")
        cmd = ["java", "-cp", self.classes, "LoadGenerator", "--base", base, "--path", path, "--key", API_KEY,
               "--body", body, "--log", out_log, "--timeout-ms", "5000"]
        if concurrency:
            cmd += ["--concurrency", str(concurrency)]
        if targets:
            tfile = os.path.join(TMP, f"targets-{self.runs}.txt")
            open(tfile, "w").write("\n".join(targets))
            cmd += ["--targets", tfile]
        for name, seconds, rate in phases:
            cmd += ["--phase", f"{name}:{seconds}:{rate}"]
        seconds = sum(p[1] for p in phases)
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=seconds + 120).stdout
        accepted = [(int(t), tag) for t, tag in (line.split() for line in open(out_log).read().splitlines())]
        return json.loads(out)["phases"], accepted


def brief(phase):
    c = phase["create"]
    ok = sum(v for k, v in c["statuses"].items() if k.startswith("2"))
    share = ok / c["count"] if c["count"] else 0
    return {"rate": phase["rate"] or None, "accepted_per_s": phase["accepted_per_second"], "count": c["count"],
            "statuses": c["statuses"], "share_2xx": round(share, 4), "p50_ms": c.get("p50_ms"),
            "p99_ms": c.get("p99_ms"), "max_ms": c.get("max_ms"),
            "refusals": c["refusals"], "refusals_without_retry_after": c["refusals_without_retry_after"],
            "passed": share >= 0.99 and (c.get("p99_ms") or 0) <= P99_LIMIT_MS}


def search(gen, base, path, body, rates, seconds, targets=None, pause=3):
    """The open-model rates in order until one fails; returns every step and the accepted."""
    steps, accepted = [], []
    for rate in rates:
        time.sleep(pause)
        phase, acc = gen.run(base, path, body, [("step", seconds, rate)], targets=targets)
        steps.append(brief(phase[0]))
        accepted += acc
        log("step", {"path": path if not targets else f"{len(targets)} sendouts", **steps[-1]})
        if not steps[-1]["passed"]:
            break
    best = max([s["rate"] for s in steps if s["passed"]], default=None)
    return {"steps": steps, "highest_passing_rate": best}, accepted


def closed(gen, base, path, body, seconds, targets=None, name="closed"):
    phase, acc = gen.run(base, path, body, [(name, seconds, 0)], concurrency=8, targets=targets)
    result = brief(phase[0])
    result.pop("rate")
    log(name, {"path": path if not targets else f"{len(targets)} sendouts", **result})
    return result, acc


def warm_up(gen, targets, seconds):
    """Additions by 8 closed callers for `seconds`, in 30 s phases, until the engine's JIT has compiled
    the path: on 2 cores a cold engine takes additions at a third of its warm rate for its first
    minute, so figures measured right after start-up would be the compiler's, not the engine's.
    Returns the accepted rate of each phase, which shows the curve."""
    phases = [(f"warm-up-{i}", min(30, seconds - 30 * i), 0) for i in range((seconds + 29) // 30)]
    reports, _ = gen.run(API, "", "add1", phases, concurrency=8, targets=targets)
    curve = [r["accepted_per_second"] for r in reports]
    log("warm_up_accepted_per_s", curve)
    return {"seconds": seconds, "accepted_per_s_by_30s": curve}


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[max(0, -(-p * len(s) // 100) - 1)]


def create_open_sendout(i):
    body = {"channel": "EMAIL", "from": {"email": "surveys@example.com", "name": "Surveys"},
            "subject": "{{firstName}}, how was your visit?", "text": "Hello {{firstName}}, tell us: {{surveyUrl}}",
            "receiptTimeout": "PT2H",
            "recipients": [{"email": f"anchor{i}@example.com",
                            "variables": {"firstName": "A", "surveyUrl": f"https://s.example.com/a{i}"}}]}
    status, created = http("POST", f"{API}/v1/sendouts", body, timeout=60)
    assert status == 202, status
    return created["id"]


def open_sendouts(n):
    """n sendouts whose one message is ACCEPTED and will never get a receipt (within 2 h)."""
    http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"silenceRate": 1.0}, timeout=10)
    ids = [create_open_sendout(i) for i in range(n)]
    pending, deadline = list(ids), time.time() + 300
    while pending and time.time() < deadline:
        pending = [i for i in pending if http("GET", f"{API}/v1/sendouts/{i}", timeout=30)[1]["messages"].get("ACCEPTED") != 1]
        if pending:
            time.sleep(2)
    http("PUT", f"{SANDBOX}/sandbox/sendgrid/receipts", {"silenceRate": 0.0}, timeout=10)
    if pending:
        sys.exit(f"{len(pending)} open sendouts never had their message accepted")
    return ids


def messages(sendout_id):
    out, cursor = [], None
    for _ in range(10_000):
        page = http("GET", f"{API}/v1/sendouts/{sendout_id}/messages?limit=1000" + (f"&cursor={cursor}" if cursor else ""), timeout=60)[1]
        out.extend(page["items"])
        cursor = page["nextCursor"]
        if not cursor:
            break
    return out


def follow_additions(sendout_ids, accepted, seconds):
    """Waits until every accepted addition is DELIVERED; returns the messages by address."""
    deadline, by_address = time.time() + seconds, {}
    while time.time() < deadline:
        by_address = {m["address"]: m for s in sendout_ids for m in messages(s)}
        if all(by_address.get(a, {}).get("status") == "DELIVERED" for a in accepted):
            break
        time.sleep(3)
    return by_address


def release_report(accepted, by_address):
    """accepted: {address: ms the 202 arrived}."""
    statuses, lat, lat_server, lat_sent = {}, [], [], []
    for address, at in accepted.items():
        m = by_address.get(address)
        status = m["status"] if m else "MISSING"
        statuses[status] = statuses.get(status, 0) + 1
        if m and m.get("releasedAt"):
            lat.append(timestamp(m, "releasedAt") * 1000 - at)
            lat_server.append((timestamp(m, "releasedAt") - timestamp(m, "queuedAt")) * 1000)
        if m and m.get("acceptedAt"):
            lat_sent.append(timestamp(m, "acceptedAt") * 1000 - at)
    return {"added": len(accepted), "statuses": statuses, "all_delivered": statuses.get("DELIVERED", 0) == len(accepted),
            "accept_to_released_ms": {"p50": round(pct(lat, 50) or 0), "p99": round(pct(lat, 99) or 0),
                                      "max": round(max(lat, default=0))},
            "queued_to_released_ms": {"p50": round(pct(lat_server, 50) or 0), "p99": round(pct(lat_server, 99) or 0)},
            # What the recipient sees: the provider took it. A release says the workflow has it.
            "accept_to_provider_ms": {"p50": round(pct(lat_sent, 50) or 0), "p99": round(pct(lat_sent, 99) or 0)},
            "released_within_2s": round(sum(1 for v in lat if v <= 2000) / max(1, len(accepted)), 4)}


def actions_delta(before, after, added):
    by_type = {k: v - before["by_type"].get(k, 0) for k, v in after["by_type"].items() if v - before["by_type"].get(k, 0)}
    actions = after["actions"] - before["actions"]
    every_marker_one = after["actions_every_marker_one"] - before["actions_every_marker_one"]
    return {"added_messages": added, "actions": actions, "events": after["events"] - before["events"],
            "actions_per_added_message": round(actions / max(1, added), 4),
            "actions_per_added_message_every_marker_one": round(every_marker_one / max(1, added), 4),
            "actions_by_type": by_type}


def listed(**params):
    """The bench tenant's sendouts that GET /v1/sendouts lists with these parameters, by id, 200 a
    page, rather than one GET per sendout: thousands of GETs every few seconds cost the engine a
    fifth of its CPU, which a benchmark must not take from it. The listing pages by creation time
    (or finding), so a sendout leaving the filter meanwhile can be missed, one entering it cannot."""
    items, cursor = {}, None
    while True:
        query = urllib.parse.urlencode({**params, "limit": 200, **({"cursor": cursor} if cursor else {})})
        page = http("GET", f"{API}/v1/sendouts?{query}", timeout=30)[1]
        items.update({i.get("id") or i["sendoutId"]: i for i in page["items"]})
        cursor = page["nextCursor"]
        if not cursor:
            return items


def follow_sendouts(ids, created_from, seconds):
    """Waits until every sendout has completed, or every one left has a message whose send is in
    doubt (flagged NO_RECEIPT: it completes only at its receipt deadline, hours on); returns
    {id: completedAt seconds} and those not COMPLETED."""
    deadline, ids = time.time() + seconds, set(ids)
    while time.time() < deadline:
        unfinished = ids & listed(status="SCHEDULED,SENDING,SENT", createdFrom=created_from).keys()
        if not unfinished or unfinished <= listed(stuck="true", reason="NO_RECEIPT").keys():
            break
        time.sleep(3)
    completed = listed(status="COMPLETED", createdFrom=created_from)
    done = {i: timestamp(completed[i], "completedAt") for i in ids if i in completed}
    return done, [i for i in ids if i not in done]


def small_sendouts(gen, hist, rate, seconds, name, follow_seconds):
    created_from = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    phase, acc = gen.run(API, "/v1/sendouts", "create1", [(name, seconds, rate)])
    result = brief(phase[0])
    result["engine_alive"] = None
    ids = [tag for _, tag in acc]
    last_create = max((t for t, _ in acc), default=0) / 1000
    done, pending = follow_sendouts(ids, created_from, follow_seconds)
    last_completed = max(done.values(), default=0)
    if pending:
        # Where the sendouts that did not complete stand: their status and their message's.
        shapes = {}
        for i in pending[:50]:
            s = http("GET", f"{API}/v1/sendouts/{i}", timeout=30)[1]
            messages = ",".join(f"{k}={v}" for k, v in s["messages"].items() if v)
            shape = f'{s["status"]} {messages} stuck={(s.get("stuck") or {}).get("reason")}'
            shapes[shape] = shapes.get(shape, 0) + 1
        result["not_completed_shapes"] = shapes
        result["not_completed_sample"] = pending[:3]
    result.update({"accepted": len(ids), "completed": len(done), "not_completed": len(pending),
                   "last_create_to_last_completed_s": round(last_completed - last_create, 1) if done else None,
                   "completed_within_30s_of_last_create": not pending and last_completed - last_create <= 30})
    sample = ids[:: max(1, len(ids) // 30)][:30]
    if sample:
        t = Histories.total(hist.read(sample))
        result["history_per_sendout"] = {"sample": len(sample), "events": round(t["events"] / len(sample), 1),
                                         "actions": round(t["actions"] / len(sample), 1),
                                         "actions_every_marker_one": round(t["actions_every_marker_one"] / len(sample), 1),
                                         "actions_by_type": {k: round(v / len(sample), 2) for k, v in t["by_type"].items()}}
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a short smoke run (a few seconds per phase)")
    ap.add_argument("--rates", default="100,200,400,700,1000,1500", help="open-model additions/s to try, in order")
    ap.add_argument("--xmx", default="1g")
    ap.add_argument("--warm-up", type=int, default=None,
                    help="seconds of 8 closed callers adding to a sendout of their own before the additions are "
                         "measured (default 180, 10 with --quick)")
    ap.add_argument("--part", choices=("all", "additions", "small", "outage", "overload", "spread"), default="all",
                    help="additions: steps 1-6 only; small: the one-recipient sendouts (7) only; "
                         "spread: step 3's 8 closed callers only, warmed up on the same 100 sendouts; "
                         "outage: additions while Temporal is cut off (on the real dev server); "
                         "overload: additions into one sendout at each of --rates, far past what it takes")
    args = ap.parse_args()
    if args.warm_up is None:
        args.warm_up = 10 if args.quick else 180
    if args.part == "outage":
        print(json.dumps(outage(args), indent=2))
        return
    if args.part == "overload":
        print(json.dumps(overload(args), indent=2))
        return
    if args.part == "spread":
        print(json.dumps(spread(args), indent=2))
        return
    q = args.quick
    rates = [float(r) for r in args.rates.split(",")][: 2 if q else None]
    closed_s, step_s, create_s, create_rate = (5, 5, 10, 10) if q else (30, 15, 60, 50)
    result = {"quick": q, "load_average_at_start": os.getloadavg()}

    with Engine(ReceiptKeys(), xmx=args.xmx, extra_env=LIMITS) as engine:
        gen, hist = Generator(), Histories(TMP)
        # Warm both JVMs and the generator up, and measure the ceiling.
        gen.run(SANDBOX, "/sandbox/noop", "add1", [("warm-up", 5 if q else 15, 0)], concurrency=8)
        ceiling = {"closed_8": closed(gen, SANDBOX, "/sandbox/noop", "add1", closed_s, name="ceiling")[0]}
        ceiling["open"] = search(gen, SANDBOX, "/sandbox/noop", "add1", rates, step_s, pause=1)[0]

        if args.part != "small":
            additions(args, gen, hist, engine, q, rates, closed_s, step_s, result)
        if args.part != "additions":
            # The same JIT warm-up as the additions', on the create path: one-recipient sendouts at
            # the rate for --warm-up seconds, followed until they complete.
            warm = small_sendouts(gen, hist, create_rate, args.warm_up, "one_recipient_warm_up", 600)
            result["one_recipient_warm_up"] = {k: warm.get(k) for k in (
                "accepted_per_s", "p99_ms", "completed", "not_completed", "last_create_to_last_completed_s")}
            time.sleep(5)
            small = small_sendouts(gen, hist, create_rate, create_s, "one_recipient", 300 if q else 600)
            small["engine_alive"] = engine.engine.poll() is None
            log("one_recipient_sendouts", small)
            time.sleep(10)
            small_over = small_sendouts(gen, hist, 3 * create_rate, create_s, "one_recipient_overload", 600 if q else 1200)
            small_over["engine_alive"] = engine.engine.poll() is None
            log("one_recipient_overload", small_over)
            result["one_recipient_sendouts"] = {"at_rate": small, "overload_3x": small_over}

        ceiling["closed_8_end"] = closed(gen, SANDBOX, "/sandbox/noop", "add1", closed_s, name="ceiling_end")[0]
        stats = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        result["sandbox_duplicates_at_end"] = stats["duplicates"]
        result["engine_alive_at_end"] = engine.engine.poll() is None

    top = max(ceiling["closed_8"]["accepted_per_s"], ceiling["closed_8_end"]["accepted_per_s"])
    result["ceiling"] = {**ceiling, "accepted_per_s_used": top}
    def ratio(x):
        return round(x / top, 4) if top else None
    ratios = {"ceiling_open_highest_passing": ratio(ceiling["open"]["highest_passing_rate"] or 0)}
    if "additions" in result:
        a = result["additions"]
        ratios.update({
            "one_sendout_closed_8": ratio(a["one_sendout"]["closed_8"]["accepted_per_s"]),
            "one_sendout_open_highest_passing": ratio(a["one_sendout"]["open_search"]["highest_passing_rate"] or 0),
            "spread_100_closed_8": ratio(a["spread_100"]["closed_8"]["accepted_per_s"]),
            "spread_100_open_highest_passing": ratio(a["spread_100"]["open_search"]["highest_passing_rate"] or 0)})
    if "one_recipient_sendouts" in result:
        o = result["one_recipient_sendouts"]
        ratios["one_recipient_creates_at_rate"] = ratio(o["at_rate"]["accepted_per_s"])
        ratios["one_recipient_creates_overload"] = ratio(o["overload_3x"]["accepted_per_s"])
    result["ratios_to_ceiling"] = ratios
    result["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=2))


def additions(args, gen, hist, engine, q, rates, closed_s, step_s, result):
        anchors = open_sendouts(102)
        one, spread = anchors[:1], anchors[1:101]
        result["warm_up"] = warm_up(gen, anchors[101:], args.warm_up)
        before = {"one": Histories.total(hist.read(one)), "spread": Histories.total(hist.read(spread))}
        added_one, added_spread = {}, {}

        r1, acc = closed(gen, API, "", "add1", closed_s, targets=one, name="one_sendout_closed")
        added_one.update({tag: t for t, tag in acc})
        r1_open, acc = search(gen, API, "", "add1", rates, step_s, targets=one)
        added_one.update({tag: t for t, tag in acc})
        r2, acc = closed(gen, API, "", "add1", closed_s, targets=spread, name="spread_closed")
        added_spread.update({tag: t for t, tag in acc})
        r2_open, acc = search(gen, API, "", "add1", rates, step_s, targets=spread)
        added_spread.update({tag: t for t, tag in acc})

        best = max(r1["accepted_per_s"], r1_open["highest_passing_rate"] or 0)
        time.sleep(3)
        phase, acc = gen.run(API, "", "add1", [("overload", 10 if q else 30, 3 * best)], targets=one)
        overload1 = {"base_rate": best, **brief(phase[0]), "engine_alive": engine.engine.poll() is None}
        added_one.update({tag: t for t, tag in acc})
        log("additions_overload", overload1)

        # Everything added is followed to DELIVERED, then the histories are read again.
        by_address = follow_additions(anchors, {**added_one, **added_spread}, 120 if q else 600)
        time.sleep(10)
        after = {"one": Histories.total(hist.read(one)), "spread": Histories.total(hist.read(spread))}
        result["additions"] = {
            "one_sendout": {"closed_8": r1, "open_search": r1_open, "overload_3x": overload1,
                            "delivery": release_report(added_one, by_address),
                            "temporal": actions_delta(before["one"], after["one"], len(added_one))},
            "spread_100": {"closed_8": r2, "open_search": r2_open,
                           "delivery": release_report(added_spread, by_address),
                           "temporal": actions_delta(before["spread"], after["spread"], len(added_spread))}}
        stats = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        result["additions"]["sandbox_duplicates"] = stats["duplicates"]
        log("additions", result["additions"])


def overload(args):
    """Additions into one open sendout: 8 closed callers for 20 s (after --warm-up s of them),
    then 30 s of an open model at each of --rates; every answer counted, timeouts included."""
    with Engine(ReceiptKeys(), xmx=args.xmx, extra_env=LIMITS) as engine:
        gen = Generator()
        one = open_sendouts(1)
        warm = warm_up(gen, one, args.warm_up)
        time.sleep(5)
        result = {"load_average_at_start": os.getloadavg(), "warm_up": warm,
                  "closed_8": closed(gen, API, "", "add1", 20, targets=one, name="one_sendout_closed")[0]}
        for rate in (float(r) for r in args.rates.split(",")):
            time.sleep(5)
            phase, _ = gen.run(API, "", "add1", [("overload", 30, rate)], targets=one)
            result[f"open_{rate:g}"] = {**brief(phase[0]), "engine_alive": engine.engine.poll() is None}
            log("overload", result[f"open_{rate:g}"])
        time.sleep(60)  # what was accepted is sent meanwhile
        result["messages_after_60s"] = http("GET", f"{API}/v1/sendouts/{one[0]}")[1]["messages"]
        result["sandbox_duplicates"] = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]["duplicates"]
    return result


def spread(args, seconds=30):
    """Additions spread round-robin over 100 open sendouts by 8 closed callers for `seconds`, after
    --warm-up s of the same on the same sendouts; followed until DELIVERED, with the release latency
    and the Temporal actions per added message. Steps 3 and 5 alone, for trying a change quickly."""
    with Engine(ReceiptKeys(), xmx=args.xmx, extra_env=LIMITS) as engine:
        gen, hist = Generator(), Histories(TMP)
        targets = open_sendouts(100)
        warm = warm_up(gen, targets, args.warm_up)
        time.sleep(5)
        before = Histories.total(hist.read(targets))
        result = {"load_average_at_start": os.getloadavg(), "warm_up": warm}
        result["closed_8"], acc = closed(gen, API, "", "add1", seconds, targets=targets, name="spread_closed")
        added = {tag: t for t, tag in acc}
        by_address = follow_additions(targets, added, 600)
        time.sleep(10)
        result["delivery"] = release_report(added, by_address)
        result["temporal"] = actions_delta(before, Histories.total(hist.read(targets)), len(added))
        result["sandbox_duplicates"] = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]["duplicates"]
        result["engine_alive"] = engine.engine.poll() is None
    return result


def outage(args, rate=200, seconds=90, cut_at=15, cut_for=60):
    """Additions into one open sendout while the engine cannot reach Temporal for cut_for seconds."""
    script = os.path.join(ROOT, "deploy", "temporal-dev", "temporal-dev.sh")
    server_env = dict(os.environ, SENDOUT_STATE=scratch_dir("outage-temporal"),
                      TEMPORAL_PORT=str(free_port()), TEMPORAL_UI_PORT=str(free_port()))
    subprocess.run([script, "start"], env=server_env, check=True, stdout=subprocess.DEVNULL)
    proxy = LoopbackProxy(int(server_env["TEMPORAL_PORT"]))
    result = {"rate": rate, "seconds": seconds, "temporal_cut_from_s": cut_at, "temporal_cut_for_s": cut_for,
              "load_average_at_start": os.getloadavg()}
    try:
        with Engine(ReceiptKeys(), xmx=args.xmx, extra_env=LIMITS,
                    temporal_address=f"127.0.0.1:{proxy.port}") as engine:
            gen = Generator()
            anchor = open_sendouts(1)
            gen.run(API, "", "add1", [("warm-up", 10, 0)], concurrency=8, targets=anchor)
            times = {}

            def network():
                time.sleep(cut_at)
                proxy.cut()
                times["cut"] = time.time()
                log("temporal", "cut off")
                time.sleep(cut_for)
                proxy.restore()
                times["restored"] = time.time()
                log("temporal", "reachable again")

            cutter = threading.Thread(target=network)
            cutter.start()
            phase, acc = gen.run(API, "", "add1", [("additions", seconds, rate)], targets=anchor)
            cutter.join()
            result["additions"] = brief(phase[0])
            result["engine_alive"] = engine.engine.poll() is None
            accepted = {tag: t for t, tag in acc}
            during = [t for t, _ in acc if times["cut"] * 1000 <= t <= times["restored"] * 1000]
            result["accepted_while_cut_off"] = len(during)
            by_address = follow_additions(anchor, accepted, 600)
            report = release_report(accepted, by_address)
            back = times["restored"]
            after_back = [(timestamp(m, "releasedAt") - back, timestamp(m, "finishedAt") - back)
                          for a in accepted if (m := by_address.get(a)) and m.get("finishedAt")]
            report["after_temporal_back_s"] = {
                "last_released": round(max((r for r, _ in after_back), default=0), 1),
                "last_delivered": round(max((d for _, d in after_back), default=0), 1)}
            report["all_delivered_within_30s_of_return"] = (
                report["all_delivered"] and report["after_temporal_back_s"]["last_delivered"] <= 30)
            result["delivery"] = report
            result["sandbox_duplicates"] = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]["duplicates"]
    finally:
        proxy.cut()
        subprocess.run([script, "stop"], env=server_env, stdout=subprocess.DEVNULL)
    return result


if __name__ == "__main__":
    main()

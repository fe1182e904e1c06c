#!/usr/bin/env python3
"""Benchmark: one large email sendout on the embedded default, from POST to every message ACCEPTED.

Starts the sandbox SendGrid in its own JVM (it keeps a record of every message it accepts, which
must not count as engine heap) and the engine on its embedded default (embedded Postgres, Temporal
test server, worker and api in one JVM), creates one sendout of N recipients, polls it until SENT,
samples the engine's heap through the worker's actuator, and prints messages per second and peak
heap. Loopback only; every loop is bounded in time. Usage: bench/email-sendout.py [N] [--xmx 1g]
"""
import argparse, json, os, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "embedded", "target", "embedded-0.1.0-SNAPSHOT-exec.jar")
SANDBOX_JAR = os.path.join(ROOT, "sandbox", "target", "sandbox-0.1.0-SNAPSHOT-exec.jar")
API, WORKER, SANDBOX = "http://127.0.0.1:18080", "http://127.0.0.1:18081", "http://127.0.0.1:18025"


def http(method, url, body=None, timeout=120):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read() or b"null")


def metric(name, tag=None):
    url = f"{WORKER}/actuator/metrics/{name}" + (f"?tag={tag}" if tag else "")
    return http("GET", url, timeout=5)[1]["measurements"][0]["value"]


def live_heap(pid):
    """Bytes reachable right after a full GC: the last line of the histogram is its total."""
    out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], check=True, capture_output=True, text=True).stdout
    total = [line for line in out.splitlines() if line.startswith("Total")][-1]
    return float(total.split()[2])


def wait_until(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"timed out waiting for {what}")


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

    if not (os.path.exists(JAR) and os.path.exists(SANDBOX_JAR)):
        subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "-B", "-DskipTests", "package"], cwd=ROOT, check=True)
    env = dict(os.environ, API_PORT="18080", WORKER_PORT="18081", SANDBOX_PORT="18025",
               SENDGRID_BASE_URL=SANDBOX,
               SENDOUT_API_MAXRECIPIENTSPERREQUEST=str(max(n, 10_000)), SENDOUT_API_MAXBODYSIZE="256MB")
    env.pop("DATABASE_URL", None)
    env.pop("TEMPORAL_ADDRESS", None)
    log = open(os.path.join(ROOT, "bench", "engine.log"), "w")
    sandbox = subprocess.Popen(["java", "-Xmx2g", "-jar", SANDBOX_JAR], env=env, stdout=log, stderr=subprocess.STDOUT)
    engine = subprocess.Popen(["java", f"-Xmx{args.xmx}", "-jar", JAR], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: http("GET", f"{SANDBOX}/actuator/health", timeout=2)[0] == 200, 120, "the sandbox to start")
        wait_until(lambda: http("GET", f"{API}/actuator/health", timeout=2)[0] == 200, 180, "the engine to start")
        recipients = [{"email": f"user{i}@example.com", "name": f"User {i}",
                       "variables": {"firstName": f"U{i}", "surveyUrl": f"https://s.example.com/{i}"}} for i in range(n)]
        body = json.dumps({"channel": "EMAIL", "from": {"email": "surveys@example.com", "name": "Surveys"},
                           "subject": "{{firstName}}, how was your visit?",
                           "text": "Hello {{firstName}}, tell us: {{surveyUrl}}", "recipients": recipients}).encode()
        del recipients
        started = time.time()
        status, created = http("POST", f"{API}/v1/sendouts", body, timeout=300)
        create_seconds = time.time() - started
        assert status == 202, status
        sendout_id = created["id"]

        peak_heap = peak_live = 0.0
        last_gc = 0.0
        sendout = created
        deadline = time.time() + 900
        while sendout["status"] != "SENT" and time.time() < deadline:
            if args.live_heap and time.time() - last_gc >= 3:
                peak_live = max(peak_live, live_heap(engine.pid))
                last_gc = time.time()
            peak_heap = max(peak_heap, metric("jvm.memory.used", "area:heap"))
            time.sleep(0.25)
            sendout = http("GET", f"{API}/v1/sendouts/{sendout_id}")[1]
        total_seconds = time.time() - started
        if sendout["status"] != "SENT":
            sys.exit("sendout did not finish within 15 minutes")

        def ts(field):
            from datetime import datetime
            return datetime.fromisoformat(sendout[field].replace("Z", "+00:00")).timestamp()

        send_seconds = ts("completedAt") - ts("releasedAt")
        stats = http("GET", f"{SANDBOX}/sandbox/sendgrid/stats")[1]
        result = {
            "recipients": n,
            "accepted": sendout["messages"]["ACCEPTED"],
            "create_request_seconds": round(create_seconds, 2),
            "release_to_all_accepted_seconds": round(send_seconds, 2),
            "messages_per_second_release_to_accepted": round(n / send_seconds),
            "messages_per_second_post_to_sent": round(n / total_seconds),
            "peak_heap_used_mb_during_send": round(peak_heap / 2**20),
            "peak_live_heap_mb_during_send": round(peak_live / 2**20) if args.live_heap else None,
            "heap_limit": args.xmx,
            "sandbox_requests": stats["requests"],
            "sandbox_duplicates": stats["duplicates"],
        }
        print(json.dumps(result, indent=2))
    finally:
        for process in (engine, sandbox):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()

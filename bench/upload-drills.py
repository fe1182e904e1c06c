"""Two drills of uploads of recipients on the embedded default, each on a fresh engine; prints one
line per measurement. No sandbox process: nothing is sent (every sendout's sendAt is months ahead).

  --part rollback   an upload that stored 20,000 rows and rolled back (a repeat on its last line),
                    then autovacuum; then an upload of 200,000 into a new sendout, timed (bounded
                    at 300 s): before 2026-12-07 its check for repeated addresses used a plan made
                    for the nearly empty table it saw, and read the sendout's earlier rows for each
                    address
  --part slow       two tenants each sending three uploads at about 10 KB/s for 30 s, while a
                    third makes a one-recipient create a second: what the creates were answered

SENDOUT_BENCH_JAR runs another build; SENDOUT_BENCH_PORT_BASE moves the engine's ports
(default 18080..18084). Needs psql (Debian's postgresql-client) for the rollback part."""
import argparse, http.client, json, os, shutil, socket, subprocess, tempfile, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.environ.get("SENDOUT_BENCH_JAR") or os.path.join(ROOT, "embedded", "target", "embedded-0.1.0-SNAPSHOT-exec.jar")
PORT = int(os.environ.get("SENDOUT_BENCH_PORT_BASE") or 18080)
KEY = "sok_drill_" + uuid.uuid4().hex
ADMIN = "admin_" + uuid.uuid4().hex


class Engine:
    def __enter__(self):
        self.state = tempfile.mkdtemp(prefix="sendout-upload-drill")
        env = dict(os.environ, API_PORT=str(PORT), WORKER_PORT=str(PORT + 1), SANDBOX_PORT=str(PORT + 2),
                   TEMPORAL_PORT=str(PORT + 3), TEMPORAL_UI_PORT=str(PORT + 4), SENDOUT_STATE=self.state,
                   SENDOUT_TEMPORAL="test-server", SENDOUT_DEV_API_KEY=KEY, SENDOUT_ADMIN_TOKEN=ADMIN,
                   SENDOUT_API_MAXBODYSIZE="256MB")
        self.log = os.path.join(self.state, "engine.log")
        self.process = subprocess.Popen(["java", "-Xmx1g", "-jar", JAR], env=env,
                                        stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        for _ in range(240):
            try:
                if call("GET", "/actuator/health", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(1)
        self.__exit__()
        raise SystemExit(f"the engine did not start ({self.log})")

    def postgres_port(self):
        line = next(l for l in open(self.log) if "jdbc:postgresql://localhost:" in l)
        return line.split("jdbc:postgresql://localhost:")[1].split("/")[0]

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        # An engine killed while a statement ran (an upload that got no answer) leaves its embedded
        # Postgres behind: found by the environment it inherited, and stopped.
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if f"SENDOUT_STATE={self.state}".encode() in f.read().split(b"\0"):
                        os.kill(int(pid), 9)
            except OSError:
                pass
        shutil.rmtree(self.state, ignore_errors=True)


def call(method, path, body=None, key=KEY, content_type="application/json", headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    connection.request(method, path, body=body, headers={"Authorization": "Bearer " + key,
                                                         "Content-Type": content_type, **(headers or {})})
    response = connection.getresponse()
    return response.status, response.read()


def sendout(key=KEY, recipients=2):
    status, body = call("POST", "/v1/sendouts", json.dumps(
        {"channel": "EMAIL", "from": {"email": "s@example.com"}, "subject": "s", "text": "t",
         "sendAt": "2027-03-01T00:00:00Z", "recipients": [{"email": f"x{i}@example.com"} for i in range(recipients)]}), key)
    assert status == 202, (status, body)
    return json.loads(body)["id"]


def ndjson(count, prefix):
    return b"".join(b'{"email":"%s%d@example.com"}\n' % (prefix.encode(), i) for i in range(count))


def upload(sendout_id, body, timeout=300):
    started = time.time()
    try:
        status, _ = call("POST", f"/v1/sendouts/{sendout_id}/recipients", body, content_type="application/x-ndjson",
                         headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=timeout)
    except OSError:
        status = "no answer"
    return status, round(time.time() - started, 2)


def rollback():
    with Engine() as engine:
        first = sendout()
        print("an upload refused for its repeat on line 20,001 (stored, rolled back):",
              upload(first, ndjson(20000, "r") + b'{"email":"r0@example.com"}\n'), flush=True)
        psql = ["psql", "-h", "localhost", "-p", engine.postgres_port(), "-U", "postgres", "-Atc"]
        for waited in range(150):
            vacuumed = subprocess.run(psql + ["select last_autovacuum is not null from pg_stat_user_tables"
                                              " where relname = 'message'"], capture_output=True, text=True).stdout
            if vacuumed.strip() == "t":
                break
            time.sleep(1)
        print(f"autovacuum after {waited} s;", subprocess.run(psql + [
            "select string_agg(relname || ' ' || relpages || ' pages', ', ') from pg_class where relname in"
            " ('message', 'message_seq_unique', 'message_sendout_address_idx')"], capture_output=True, text=True).stdout.strip(),
            flush=True)
        print("an upload of 200,000 into a new sendout (answer, seconds):", upload(sendout(), ndjson(200000, "bulk")), flush=True)


def slow():
    with Engine():
        keys = [json.loads(call("POST", "/admin/api-keys", json.dumps({"tenantId": t, "name": "drill"}), key=ADMIN)[1])["key"]
                for t in ("acme", "beta")]
        targets = {key: sendout(key, 1) for key in keys}
        uploads = []
        for key in [keys[0]] * 3 + [keys[1]] * 3:
            s = socket.create_connection(("127.0.0.1", PORT))
            s.settimeout(60)
            s.sendall(f"POST /v1/sendouts/{targets[key]}/recipients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
                      "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
            uploads.append(s)
        started, sent, answers, slowest = time.time(), 0, [], 0
        while time.time() - started < 30:
            for n, s in enumerate(uploads):
                lines = b"".join(b'{"email":"s%d-%d@example.com"}\n' % (n, sent + j) for j in range(330))
                s.sendall(b"%x\r\n" % len(lines) + lines + b"\r\n")
            sent += 330
            before = time.time()
            answers.append(call("POST", "/v1/sendouts", json.dumps(
                {"channel": "EMAIL", "from": {"email": "s@example.com"}, "subject": "s", "text": "t",
                 "sendAt": "2027-03-01T00:00:00Z", "recipients": [{"email": "x@example.com"}]}))[0])
            slowest = max(slowest, time.time() - before)
            time.sleep(max(0, 1 - (time.time() - started) % 1))
        ends = []
        for s in uploads:
            s.sendall(b"0\r\n\r\n")
            ends.append(s.makefile("rb").readline().decode().strip())
        print("the third tenant's creates while the six uploads were sent:",
              {a: answers.count(a) for a in set(answers)}, f"slowest {slowest * 1000:.0f} ms;",
              "the uploads:", {e: ends.count(e) for e in set(ends)}, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["rollback", "slow"], required=True)
    {"rollback": rollback, "slow": slow}[parser.parse_args().part]()

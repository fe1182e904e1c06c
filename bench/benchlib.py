"""Shared pieces of the benchmarks: start the sandbox and the engine as separate JVMs on loopback,
talk HTTP to them, and make the key pair that signs SendGrid receipts. Every wait is bounded."""
import atexit, base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, threading, time, urllib.request, zipfile
from datetime import datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# SENDOUT_BENCH_JAR runs another build of the engine (an A/B comparison in one session).
JAR = os.environ.get("SENDOUT_BENCH_JAR") or os.path.join(ROOT, "embedded", "target", "embedded-0.1.0-SNAPSHOT-exec.jar")
SANDBOX_JAR = os.path.join(ROOT, "sandbox", "target", "sandbox-0.1.0-SNAPSHOT-exec.jar")
# SENDOUT_BENCH_PORT_BASE=P moves every port the run opens to P..P+4 (api, worker, sandbox, Temporal,
# Temporal's UI), so that a run can share the machine with another engine; unset, the api, worker
# and sandbox keep 18080/18081/18025 and Temporal its defaults.
PORT_BASE = int(os.environ.get("SENDOUT_BENCH_PORT_BASE") or 0)
API_PORT, WORKER_PORT, SANDBOX_PORT = (PORT_BASE, PORT_BASE + 1, PORT_BASE + 2) if PORT_BASE else (18080, 18081, 18025)
API, WORKER, SANDBOX = (f"http://127.0.0.1:{port}" for port in (API_PORT, WORKER_PORT, SANDBOX_PORT))
TEMPORAL = f"127.0.0.1:{PORT_BASE + 3 if PORT_BASE else 7233}"
WEBHOOK = f"{API}/webhooks/sendgrid/events"
VONAGE_WEBHOOK = f"{API}/webhooks/vonage/status"
VONAGE_SECRET = base64.b16encode(os.urandom(32)).decode().lower()
# The embedded engine registers this as the development tenant's API key (SENDOUT_DEV_API_KEY).
API_KEY = "sok_bench_" + base64.b16encode(os.urandom(16)).decode().lower()


def http(method, url, body=None, timeout=120, headers=None):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    auth = {"Authorization": f"Bearer {API_KEY}"} if url.startswith(f"{API}/v1") else {}
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **auth, **(headers or {})})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read() or b"null")


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


def alive(process, what):
    """True while the process runs; a process that exited ends the wait at once."""
    if process.poll() is not None:
        sys.exit(f"the {what} exited with {process.returncode} (bench/engine.log)")
    return True


def metric(name, tag=None):
    url = f"{WORKER}/actuator/metrics/{name}" + (f"?tag={tag}" if tag else "")
    return http("GET", url, timeout=5)[1]["measurements"][0]["value"]


def live_heap(pid):
    """Bytes reachable right after a full GC: the last line of the histogram is its total."""
    out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], check=True, capture_output=True, text=True).stdout
    total = [line for line in out.splitlines() if line.startswith("Total")][-1]
    return float(total.split()[2])


def cpu_seconds(pid):
    """CPU seconds used so far by a process and everything it started (Postgres, the Temporal
    server), by command name: each live process's own time plus what its exited children used."""
    ticks = os.sysconf("SC_CLK_TCK")
    children, stats = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        stats[int(entry)] = (comm, sum(int(x) for x in fields[11:15]) / ticks)
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = {}, [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            comm, seconds = stats[current]
            name = "postgres" if comm.startswith("postgres") else comm
            out[name] = out.get(name, 0.0) + seconds
        todo.extend(children.get(current, []))
    return out


def postmaster(state_dir):
    """The pid of the embedded Postgres that keeps its data under state_dir (it runs detached from
    the engine's JVM), or None."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    args = f.read().split(b"\0")
            except OSError:
                continue
            if args and args[0].endswith(b"/postgres") and os.path.join(state_dir, "postgres").encode() in args:
                return int(entry)
    return None


def timestamp(sendout, field):
    return datetime.fromisoformat(sendout[field].replace("Z", "+00:00")).timestamp()


class CpuMeter:
    """CPU seconds used since it was made: by the engine's JVM and the processes it started (by
    command name), by the sandbox, and by the embedded Postgres (found by its data directory under
    SENDOUT_STATE, since it runs detached from the engine; with the Java test server it is not)."""

    def __init__(self, engine):
        self.engine, self.sandbox = engine.engine.pid, engine.sandbox.pid
        self.database = postmaster(engine.env["SENDOUT_STATE"])
        self.start = self._now()

    def _now(self):
        now = cpu_seconds(self.engine)
        now["sandbox"] = sum(cpu_seconds(self.sandbox).values())
        if self.database:
            now["postgres"] = sum(cpu_seconds(self.database).values())
        return now

    def used(self):
        """{name: seconds since the start}: every process of the engine that used 0.1 s or more,
        the sandbox and Postgres always."""
        return {name: round(seconds - self.start.get(name, 0.0), 1) for name, seconds in sorted(self._now().items())
                if name in ("sandbox", "postgres") or seconds - self.start.get(name, 0.0) >= 0.1}


class ReceiptKeys:
    """An ECDSA P-256 key pair, as SendGrid's Signed Event Webhook uses, made for this run."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.public_b64 = base64.b64encode(self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
        self.private_b64 = base64.b64encode(self.private.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())).decode()

    def sign(self, timestamp, body):
        signature = self.private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(signature).decode()


class Engine:
    """The sandbox (SendGrid and Vonage) and the engine (embedded default: embedded Postgres,
    Temporal test server, worker and api in one JVM), each in its own process, on fixed loopback
    ports. The worker authenticates to the sandbox Vonage with its default key and secret."""

    def __init__(self, keys, xmx="1g", max_recipients=10_000, sandbox_sends_receipts=True,
                 extra_env=None, sandbox_only=False, jvm_args=(), temporal_address=None):
        if not (os.path.exists(JAR) and os.path.exists(SANDBOX_JAR)):
            subprocess.run([os.path.join(ROOT, "mvnw"), "-q", "-B", "-DskipTests", "package"], cwd=ROOT, check=True)
        self.env = dict(os.environ, API_PORT=str(API_PORT), WORKER_PORT=str(WORKER_PORT), SANDBOX_PORT=str(SANDBOX_PORT),
                        SENDGRID_BASE_URL=SANDBOX, SENDGRID_WEBHOOK_PUBLIC_KEY=keys.public_b64,
                        SANDBOX_SENDGRID_WEBHOOK_PRIVATE_KEY=keys.private_b64,
                        SANDBOX_SENDGRID_WEBHOOK_PUBLIC_KEY=keys.public_b64,
                        SANDBOX_SENDGRID_WEBHOOK_URL=WEBHOOK if sandbox_sends_receipts else "",
                        VONAGE_BASE_URL=SANDBOX, VONAGE_SIGNATURE_SECRET=VONAGE_SECRET,
                        SANDBOX_VONAGE_SIGNATURE_SECRET=VONAGE_SECRET,
                        SANDBOX_VONAGE_STATUS_WEBHOOK_URL=VONAGE_WEBHOOK if sandbox_sends_receipts else "",
                        SENDOUT_DEV_API_KEY=API_KEY,
                        SENDOUT_API_MAXRECIPIENTSPERREQUEST=str(max(max_recipients, 10_000)),
                        SENDOUT_API_MAXBODYSIZE="256MB")
        # A fresh state directory per run: the embedded default's Postgres and, when it is built,
        # the real Temporal dev server start empty, so no earlier run's sendouts weigh on this one.
        if PORT_BASE:
            self.env.update(TEMPORAL_PORT=str(PORT_BASE + 3), TEMPORAL_UI_PORT=str(PORT_BASE + 4))
        self.env["SENDOUT_STATE"] = tempfile.mkdtemp(prefix="sendout-bench-state")
        self.env.update(extra_env or {})
        for name in ("DATABASE_URL", "TEMPORAL_ADDRESS"):
            self.env.pop(name, None)
        # An outside Postgres, for instance one started with pg_stat_statements to see which
        # statements the run spent its time in (docs/benchmarks.md).
        if os.environ.get("SENDOUT_BENCH_DATABASE_URL"):
            self.env["DATABASE_URL"] = os.environ["SENDOUT_BENCH_DATABASE_URL"]
        # A Temporal server the run started itself, for instance behind a proxy that cuts it off.
        if temporal_address:
            self.env["TEMPORAL_ADDRESS"] = temporal_address
        self.xmx = xmx
        self.jvm_args = list(jvm_args)
        self.sandbox_only = sandbox_only

    def __enter__(self):
        log = open(os.path.join(ROOT, "bench", "engine.log"), "w")
        self.sandbox = subprocess.Popen(["java", "-Xmx2g", "-jar", SANDBOX_JAR], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes = [self.sandbox]
        if not self.sandbox_only:
            self.engine = subprocess.Popen(["java", f"-Xmx{self.xmx}", *self.jvm_args, "-jar", JAR], env=self.env, stdout=log, stderr=subprocess.STDOUT)
            self.processes.insert(0, self.engine)
        try:
            wait_until(lambda: alive(self.sandbox, "sandbox") and
                       http("GET", f"{SANDBOX}/actuator/health", timeout=2)[0] == 200, 180, "the sandbox to start")
            if not self.sandbox_only:
                wait_until(lambda: alive(self.engine, "engine") and
                           http("GET", f"{API}/actuator/health", timeout=2)[0] == 200, 420, "the engine to start")
        except BaseException:
            # A failed start must not leave its JVMs behind: the next run would talk to them.
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # The state directory (the engine's Postgres, and the Temporal server's when it is built)
        # goes with the engine: a script may start several in turn.
        shutil.rmtree(self.env["SENDOUT_STATE"], ignore_errors=True)

    @staticmethod
    def recipient(i):
        return {"email": f"user{i}@example.com", "name": f"User {i}",
                "variables": {"firstName": f"U{i}", "surveyUrl": f"https://s.example.com/{i}"}}

    @staticmethod
    def create_sendout(n, send_at=None):
        """An email sendout of recipients user0... user{n-1}; send_at an RFC 3339 instant or now."""
        body = {"channel": "EMAIL", "from": {"email": "surveys@example.com", "name": "Surveys"},
                "subject": "{{firstName}}, how was your visit?",
                "text": "Hello {{firstName}}, tell us: {{surveyUrl}}",
                "recipients": [Engine.recipient(i) for i in range(n)], **({"sendAt": send_at} if send_at else {})}
        body = json.dumps(body).encode()
        status, created = http("POST", f"{API}/v1/sendouts", body, timeout=300)
        assert status == 202, status
        return created

    @staticmethod
    def create_sms_sendout(n):
        recipients = [{"phone": f"+4477{i:08d}",
                       "variables": {"firstName": f"U{i}", "surveyUrl": f"https://s.example.com/{i}"}} for i in range(n)]
        body = json.dumps({"channel": "SMS", "from": {"senderId": "Surveys"},
                           "text": "Hi {{firstName}}, how was your visit? {{surveyUrl}}",
                           "recipients": recipients}).encode()
        status, created = http("POST", f"{API}/v1/sendouts", body, timeout=300)
        assert status == 202, status
        return created

    @staticmethod
    def sendout(sendout_id):
        return http("GET", f"{API}/v1/sendouts/{sendout_id}")[1]

    @staticmethod
    def messages(sendout_id):
        out, cursor = [], None
        while True:
            page = http("GET", f"{API}/v1/sendouts/{sendout_id}/messages?limit=1000" + (f"&cursor={cursor}" if cursor else ""))[1]
            out.extend(page["items"])
            cursor = page["nextCursor"]
            if not cursor:
                return out


def scratch_dir(prefix):
    """A temporary directory removed when the script exits. Runs leave large ones (an engine's
    state holds its Postgres, 1-3 GB after 100,000 recipients; the histories reader unpacks the
    engine's jars), and repeated runs filled a 90 GB disk before they were removed."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, True)
    return path


def free_port():
    """A loopback port nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackProxy:
    """A TCP proxy on loopback that can cut the network: cut() resets every connection and refuses
    new ones, as when a server's host goes away; restore() accepts again. The server behind it
    keeps running and keeps its state (embedded/.../LoopbackProxy.java does the same in the tests)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets = []
        self.listener = None
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        # shutdown, not only close: a thread blocked in accept() keeps a closed socket listening.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                try:  # a reset, not an orderly close
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.close()
                except OSError:
                    pass
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
                server = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                return  # cut
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass


class Histories:
    """bench/HistorySize.java against the embedded engine's test server, with the SDK jars taken
    from the embedded jar itself (no Maven needed)."""

    def __init__(self, tmp):
        lib = os.path.join(tmp, "lib")
        with zipfile.ZipFile(JAR) as jar:
            names = [n for n in jar.namelist() if n.startswith("BOOT-INF/lib/") and n.endswith(".jar")]
            for n in names:
                jar.extract(n, lib)
        self.cp = ":".join(os.path.join(lib, n) for n in names)
        self.classes = os.path.join(tmp, "history")
        subprocess.run(["javac", "-cp", self.cp, "-d", self.classes, os.path.join(ROOT, "bench", "HistorySize.java")], check=True)

    def read(self, sendout_ids):
        run = subprocess.run(["java", "-cp", f"{self.classes}:{self.cp}", "HistorySize", TEMPORAL, "default",
                              *sendout_ids], capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            # Reported, not fatal: a run's other figures must not be lost to one unreadable history.
            print(json.dumps({"history_size_failed": (run.stderr.strip().splitlines() or ["no output"])[-1][:500]}),
                  file=sys.stderr, flush=True)
        return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{\"sendoutId\"")]

    def per_thousand(self, sendout_id, messages):
        """Events and actions of one sendout (its workflow and every batch workflow) per 1,000 of
        its messages, the actions by event type."""
        t = Histories.total(self.read([sendout_id]))
        k = 1000 / messages
        return {"events": round(t["events"] * k, 1), "actions": round(t["actions"] * k, 1),
                "actions_every_marker_one": round(t["actions_every_marker_one"] * k, 1),
                "actions_by_type": {name: round(v * k, 1) for name, v in sorted(t["by_type"].items())}}

    @staticmethod
    def total(histories):
        t = {"events": 0, "actions": 0, "actions_every_marker_one": 0, "by_type": {}}
        for h in histories:
            for part in (h["sendout"], h["batches"]):
                t["events"] += part["events"]
                t["actions"] += part["actions"]
                t["actions_every_marker_one"] += part["actionsEveryMarkerOne"]
                for k, v in part["actionsByType"].items():
                    t["by_type"][k] = t["by_type"].get(k, 0) + v
        return t

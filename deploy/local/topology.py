#!/usr/bin/env python3
"""The docker-compose.yml stack as local processes, for machines without Docker.

    deploy/local/topology.py start              # postgres, temporal, sandbox, api, worker-1, worker-2
    deploy/local/topology.py status             # each service: running or not, pid, port
    deploy/local/topology.py env                # the settings (ports, URLs, admin token) as shell lines
    deploy/local/topology.py restart worker-1   # SIGTERM (SIGKILL after 40 s), start, wait until healthy
    deploy/local/topology.py restart worker-1 --signal KILL
    deploy/local/topology.py stop               # everything, apps first

What runs, and how it maps to docker-compose.yml (docs/operations.md has the table):
- postgres: Debian's PostgreSQL 15 (initdb/pg_ctl), a cluster of its own in the state directory on
  a free loopback port, initialised by deploy/postgres/init-databases.sh like the container;
- temporal: the real dev server of deploy/temporal-dev/temporal-dev.sh (SQLite in the state
  directory, not Postgres), with the namespace "sendout" and the search attributes it registers;
- sandbox-keys: the sandbox jar's SandboxKeys writes the signing keys file once, which the sandbox,
  the api and the workers import with SPRING_CONFIG_IMPORT, as in the compose file;
- sandbox, api, worker-1, worker-2: the apps' exec jars with the compose file's environment.

Everything listens on 127.0.0.1 on free ports chosen at the first start and kept in
<state>/topology.json (mode 600) with generated throwaway secrets (database passwords, the admin
token); nothing secret is in the repository. The state directory is TOPOLOGY_STATE (default
~/.sendout-topology); delete it (after `stop`) to start from nothing.

Other settings: TOPOLOGY_JARS (a directory with the api, worker and sandbox exec jars; unset, each
module's target/), TOPOLOGY_WORKERS (2), TOPOLOGY_JAVA_OPTS (-Xmx1g -XX:+ExitOnOutOfMemoryError),
TOPOLOGY_POSTGRES_OPTS (extra `-c name=value` server settings), TOPOLOGY_START_TIMEOUT (300 s per wait),
TOPOLOGY_PORT_BASE (the first of consecutive ports to take at the first start, each of which must be free; unset, free ones). Variables the compose file passes on (SENDOUT_PROVIDERS,
SENDGRID_API_KEY, ...) are passed on from this environment as well. Every wait is bounded.
"""
import json, os, secrets, shutil, signal, socket, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.abspath(os.path.expanduser(os.environ.get("TOPOLOGY_STATE", "~/.sendout-topology")))
SETTINGS = os.path.join(STATE, "topology.json")
KEYS = os.path.join(STATE, "sandbox-keys.properties")
PGDATA = os.path.join(STATE, "postgres")
TEMPORAL_DEV = os.path.join(ROOT, "deploy", "temporal-dev", "temporal-dev.sh")
# Where the apps' exec jars are: each module's target/ (after `./mvnw package`), or TOPOLOGY_JARS, a
# directory holding the three, built elsewhere.
JARS = {app: os.path.join(os.environ.get("TOPOLOGY_JARS") or os.path.join(ROOT, app, "target"),
                          f"{app}-0.1.0-SNAPSHOT-exec.jar")
        for app in ("api", "worker", "sandbox")}
WORKERS = int(os.environ.get("TOPOLOGY_WORKERS", "2"))
# The first port of the range the topology takes (Postgres, Temporal, its UI, the sandbox, the api,
# the workers, in that order); unset, each port is a free one the kernel picks.
PORT_BASE = int(os.environ.get("TOPOLOGY_PORT_BASE") or 0)
JAVA_OPTS = os.environ.get("TOPOLOGY_JAVA_OPTS", "-Xmx1g -XX:+ExitOnOutOfMemoryError").split()
# Extra server settings, e.g. "-c log_min_duration_statement=1000" to see slow statements.
POSTGRES_OPTS = os.environ.get("TOPOLOGY_POSTGRES_OPTS", "")
START_TIMEOUT = float(os.environ.get("TOPOLOGY_START_TIMEOUT", "300"))
STOP_GRACE = 40  # docker-compose.yml's stop_grace_period of the api and the worker
NAMESPACE = "sendout"  # docker-compose.yml's TEMPORAL_NAMESPACE
# Ports that other jobs on the shared machines use, never chosen here.
RESERVED = {7233, 8233, 8080, 8081, 8025, 18080, 18081, 18025, 17733, 17734}


def log(message):
    print(f"topology: {message}", file=sys.stderr, flush=True)


def free_port(taken):
    if PORT_BASE:
        # The next port of the range from the base: a machine shared with other jobs gives each
        # its own range, so a port in it that is busy or reserved is refused, not stepped over.
        port = PORT_BASE + len(taken)
        if port > 65535 or port in RESERVED or port_open(port):
            sys.exit(f"topology: port {port} (TOPOLOGY_PORT_BASE={PORT_BASE} + {len(taken)}) is "
                     f"{'out of range' if port > 65535 else 'reserved' if port in RESERVED else 'in use'}: "
                     "choose another base")
        return port
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in RESERVED and port not in taken:
            return port


def port_open(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def settings():
    """Ports and secrets: made at the first start, then read back, so that a restart keeps them."""
    if os.path.exists(SETTINGS):
        with open(SETTINGS) as f:
            return json.load(f)
    os.makedirs(STATE, exist_ok=True)
    taken, ports = set(), {}
    for name in ["postgres", "temporal", "temporal_ui", "sandbox", "api"] + [f"worker-{i}" for i in range(1, WORKERS + 1)]:
        ports[name] = free_port(taken)
        taken.add(ports[name])
    s = {"ports": ports,
         # docker-compose.yml takes these from the environment with local defaults; here they are
         # made for this state directory unless set.
         "POSTGRES_PASSWORD": os.environ.get("POSTGRES_PASSWORD") or secrets.token_hex(16),
         "TEMPORAL_DB_PASSWORD": os.environ.get("TEMPORAL_DB_PASSWORD") or secrets.token_hex(16),
         "SENDOUT_DB_PASSWORD": os.environ.get("SENDOUT_DB_PASSWORD") or secrets.token_hex(16),
         "SENDOUT_ADMIN_TOKEN": os.environ.get("SENDOUT_ADMIN_TOKEN") or secrets.token_hex(24)}
    fd = os.open(SETTINGS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(s, f, indent=2)
    return s


def url(name, s=None):
    return f"http://127.0.0.1:{(s or settings())['ports'][name]}"


# ---- Postgres: Debian's binaries, a cluster of our own. initdb and the server refuse to run as
# root, so as root they run as the user "postgres" (which the Debian package creates).

def as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def pg_bin(name):
    found = shutil.which(name)
    if not found:
        for version in ("15", "16", "17"):
            candidate = f"/usr/lib/postgresql/{version}/bin/{name}"
            if os.path.exists(candidate):
                return candidate
        sys.exit(f"topology: {name} not found; install Debian's postgresql package (apt-get install -y postgresql)")
    return found


def postgres_running():
    return subprocess.run(as_postgres([pg_bin("pg_ctl"), "status", "-D", PGDATA]),
                          capture_output=True).returncode == 0


def start_postgres(s):
    port = s["ports"]["postgres"]
    fresh = not os.path.exists(os.path.join(PGDATA, "PG_VERSION"))
    if fresh:
        os.makedirs(PGDATA, mode=0o700, exist_ok=True)
        pwfile = os.path.join(STATE, "postgres.pw")  # read by initdb, removed at once
        with os.fdopen(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(s["POSTGRES_PASSWORD"])
        if os.geteuid() == 0:
            os.chmod(STATE, 0o711)  # the postgres user must reach its data directory
            if subprocess.run(as_postgres(["test", "-x", STATE])).returncode != 0:
                sys.exit(f"topology: the user postgres cannot reach {STATE} (a parent directory is"
                         " closed to it); as root, set TOPOLOGY_STATE to a directory under /tmp")
            shutil.chown(PGDATA, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        subprocess.run(as_postgres([pg_bin("initdb"), "-D", PGDATA, "-U", "postgres", "--pwfile", pwfile,
                                    "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8"]),
                       check=True, stdout=subprocess.DEVNULL)
        os.remove(pwfile)
    if postgres_running():
        log("postgres already running")
    else:
        # TCP on loopback only; the socket in the data directory, not in /var/run/postgresql.
        subprocess.run(as_postgres([pg_bin("pg_ctl"), "start", "-D", PGDATA, "-w", "-t", "120",
                                    "-l", os.path.join(PGDATA, "server.log"),
                                    "-o", f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={PGDATA}"
                                          f" -c max_connections=200 {POSTGRES_OPTS}"]),
                       check=True, stdout=subprocess.DEVNULL)
        log(f"postgres on 127.0.0.1:{port}")
    if fresh:
        # The container's init script, as the image runs it: roles and databases of docker-compose.yml.
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGPASSWORD=s["POSTGRES_PASSWORD"],
                   POSTGRES_USER="postgres", TEMPORAL_DB_PASSWORD=s["TEMPORAL_DB_PASSWORD"],
                   SENDOUT_DB_PASSWORD=s["SENDOUT_DB_PASSWORD"])
        subprocess.run(["sh", os.path.join(ROOT, "deploy", "postgres", "init-databases.sh")], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        log("created the roles and databases of deploy/postgres/init-databases.sh")


def stop_postgres():
    if os.path.exists(os.path.join(PGDATA, "PG_VERSION")) and postgres_running():
        subprocess.run(as_postgres([pg_bin("pg_ctl"), "stop", "-D", PGDATA, "-m", "fast", "-w", "-t", "60"]),
                       stdout=subprocess.DEVNULL)
        log("postgres stopped")


# ---- Temporal: deploy/temporal-dev/temporal-dev.sh, with its state in ours.

def temporal_env(s):
    return dict(os.environ, SENDOUT_STATE=STATE, TEMPORAL_IP="127.0.0.1", TEMPORAL_PORT=str(s["ports"]["temporal"]),
                TEMPORAL_UI_PORT=str(s["ports"]["temporal_ui"]), TEMPORAL_NAMESPACES=NAMESPACE)


def temporal(command, s):
    return subprocess.run([TEMPORAL_DEV, command], env=temporal_env(s), stdout=subprocess.DEVNULL).returncode


def temporal_pid():
    try:
        with open(os.path.join(STATE, "temporal.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


# ---- The apps: one JVM each, in a session of its own so that it outlives this script.

def app_services(s):
    return ["sandbox", "api"] + sorted(n for n in s["ports"] if n.startswith("worker-"))


def app_env(name, s):
    p = s["ports"]
    env = dict(os.environ)
    for leftover in ("SENDOUT_STATE", "TEMPORAL_PORT", "TEMPORAL_UI_PORT"):
        env.pop(leftover, None)
    # x-sandbox-keys-import
    env["SPRING_CONFIG_IMPORT"] = f"file:{KEYS}"
    if name == "sandbox":
        env.update(SANDBOX_PORT=str(p["sandbox"]),
                   SANDBOX_SENDGRID_WEBHOOK_URL=f"{url('api', s)}/webhooks/sendgrid/events",
                   SANDBOX_VONAGE_STATUS_WEBHOOK_URL=f"{url('api', s)}/webhooks/vonage/status",
                   SANDBOX_VONAGE_INBOUND_WEBHOOK_URL=f"{url('api', s)}/webhooks/vonage/inbound")
        return env
    # x-temporal-client and x-engine-database
    env.update(TEMPORAL_ADDRESS=f"127.0.0.1:{p['temporal']}", TEMPORAL_NAMESPACE=NAMESPACE,
               DATABASE_URL=f"jdbc:postgresql://127.0.0.1:{p['postgres']}/sendout", DATABASE_USERNAME="sendout",
               DATABASE_PASSWORD=s["SENDOUT_DB_PASSWORD"], DATABASE_POOL_SIZE=env.get("DATABASE_POOL_SIZE", "10"))
    if name == "api":
        env.update(API_PORT=str(p["api"]), SENDOUT_ADMIN_TOKEN=s["SENDOUT_ADMIN_TOKEN"])
    else:
        # Each worker paces its own requests under this limit: its share of the key's, or the
        # workers together send twice Vonage's limit and draw 429s (one in twelve, measured).
        workers = len([n for n in p if n.startswith("worker-")])
        share = max(1, int(env.get("VONAGE_REQUESTS_PER_SECOND", "30")) // workers)
        env.update(WORKER_PORT=str(p[name]), SENDOUT_SANDBOX_URL=url("sandbox", s),
                   SENDOUT_PUBLIC_URL=env.get("SENDOUT_PUBLIC_URL", url("api", s)),
                   VONAGE_REQUESTS_PER_SECOND=str(share))
    return env


def pid_file(name):
    return os.path.join(STATE, f"{name}.pid")


def app_pid(name):
    """The pid in the service's pid file, if that process still runs our jar (pids are reused)."""
    try:
        with open(pid_file(name)) as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().decode(errors="replace")
    except (OSError, ValueError, IndexError):
        return None
    if state in ("Z", "X"):
        return None  # killed, not yet reaped
    # Empty for a moment right after the fork, before java's own command line is in place.
    return pid if not cmdline or JARS[name.split("-")[0]] in cmdline else None


def start_app(name, s):
    if app_pid(name):
        log(f"{name} already running (pid {app_pid(name)})")
        return
    jar = JARS[name.split("-")[0]]
    out = open(os.path.join(STATE, f"{name}.log"), "a")
    out.write(f"\n==== {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} start\n")
    out.flush()
    process = subprocess.Popen(["java", *JAVA_OPTS, "-jar", jar], env=app_env(name, s), stdin=subprocess.DEVNULL,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=STATE)
    with open(pid_file(name), "w") as f:
        f.write(f"{process.pid}\n")
    log(f"{name} starting (pid {process.pid}) on {url(name, s)}")


def healthy(name, s):
    try:
        with urllib.request.urlopen(f"{url(name, s)}/actuator/health", timeout=3) as r:
            return r.status == 200
    except OSError:
        return False


def wait_healthy(names, s):
    deadline = time.time() + START_TIMEOUT
    waiting = list(names)
    while waiting:
        for name in list(waiting):
            if healthy(name, s):
                waiting.remove(name)
                log(f"{name} healthy")
            elif not app_pid(name):
                sys.exit(f"topology: {name} exited while starting; see {STATE}/{name}.log")
        if waiting and time.time() > deadline:
            sys.exit(f"topology: not healthy within {START_TIMEOUT:.0f} s: {', '.join(waiting)}; see their logs in {STATE}")
        time.sleep(1)


def stop_app(name, sig=signal.SIGTERM, grace=STOP_GRACE):
    """Sends sig, waits until the process is gone (SIGKILL after grace s); returns seconds taken."""
    pid = app_pid(name)
    started = time.time()
    if pid:
        os.kill(pid, sig)
        while app_pid(name):
            try:
                os.waitpid(pid, os.WNOHANG)  # reaps it when this process started it (the drill)
            except ChildProcessError:
                pass
            if time.time() - started > grace:
                log(f"{name} still running after {grace} s: SIGKILL")
                os.kill(pid, signal.SIGKILL)
                grace = float("inf")
            time.sleep(0.2)
        try:
            os.waitpid(pid, os.WNOHANG)  # a zombie's cmdline is empty: reap it too
        except ChildProcessError:
            pass
        log(f"{name} stopped ({signal.Signals(sig).name}, {time.time() - started:.1f} s)")
    try:
        os.remove(pid_file(name))
    except FileNotFoundError:
        pass
    return time.time() - started


def restart_app(name, sig=signal.SIGTERM):
    s = settings()
    stop_app(name, sig)
    start_app(name, s)
    wait_healthy([name], s)


# ---- The commands.

def start():
    for name, jar in JARS.items():
        if not os.path.exists(jar):
            sys.exit(f"topology: {jar} is missing; build the jars first: ./mvnw -o -q -DskipTests package")
    s = settings()
    start_postgres(s)
    if temporal("start", s) != 0:
        sys.exit(f"topology: the Temporal server did not start; see {STATE}/temporal.log")
    log(f"temporal on 127.0.0.1:{s['ports']['temporal']}, UI {url('temporal_ui', s)}/namespaces/{NAMESPACE}/workflows")
    if not os.path.exists(KEYS):
        # docker-compose.yml's sandbox-keys: the sandbox jar's key writer, through Spring Boot's
        # PropertiesLauncher (the exec jar keeps its classes under BOOT-INF).
        subprocess.run(["java", "-cp", JARS["sandbox"], "-Dloader.main=dev.sendout.sandbox.SandboxKeys",
                        "org.springframework.boot.loader.launch.PropertiesLauncher", KEYS],
                       check=True, stdout=subprocess.DEVNULL)
        log(f"wrote the sandbox signing keys to {KEYS}")
    apps = app_services(s)
    for name in apps:
        start_app(name, s)
    wait_healthy(apps, s)
    print_env(s)


def stop():
    if not os.path.exists(SETTINGS):
        log(f"nothing to stop in {STATE}")
        return
    s = settings()
    for name in reversed(app_services(s)):
        stop_app(name)
    temporal("stop", s)
    stop_postgres()


def status():
    s = settings()
    running = True
    print(f"postgres   {'running' if postgres_running() else 'not running'}  127.0.0.1:{s['ports']['postgres']}")
    rc = subprocess.run([TEMPORAL_DEV, "status"], env=temporal_env(s), capture_output=True, text=True)
    print(f"temporal   {rc.stdout.strip()}")
    running &= rc.returncode == 0
    for name in app_services(s):
        pid = app_pid(name)
        state = ("healthy" if healthy(name, s) else "running, not healthy") if pid else "not running"
        running &= pid is not None
        print(f"{name:10} {state}{f' (pid {pid})' if pid else ''}  {url(name, s)}")
    return 0 if running else 3


def print_env(s=None):
    s = s or settings()
    print(f"export TOPOLOGY_STATE={STATE}")
    print(f"export API={url('api', s)}")
    print(f"export SANDBOX={url('sandbox', s)}")
    for name in app_services(s):
        if name.startswith("worker-"):
            print(f"export {name.upper().replace('-', '_')}={url(name, s)}")
    print(f"export TEMPORAL_ADDRESS=127.0.0.1:{s['ports']['temporal']}")
    print(f"export TEMPORAL_NAMESPACE={NAMESPACE}")
    print(f"export TEMPORAL_UI={url('temporal_ui', s)}/namespaces/{NAMESPACE}/workflows")
    # As the apps read it (a JDBC URL): libpq's form here failed an app started from this shell.
    print(f"export DATABASE_URL=jdbc:postgresql://127.0.0.1:{s['ports']['postgres']}/sendout")
    print(f"export SENDOUT_ADMIN_TOKEN={s['SENDOUT_ADMIN_TOKEN']}")


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command in ("status", "env", "restart") and not os.path.exists(SETTINGS):
        print(f"topology: not started in {STATE} (TOPOLOGY_STATE); run: {argv[0]} start", file=sys.stderr)
        return 3
    if command == "start":
        start()
    elif command == "stop":
        stop()
    elif command == "status":
        return status()
    elif command == "env":
        print_env()
    elif command == "restart" and len(argv) >= 3:
        if argv[2] not in app_services(settings()):
            print(f"topology: restart takes one of {', '.join(app_services(settings()))}", file=sys.stderr)
            return 2
        sig = signal.SIGKILL if argv[3:] == ["--signal", "KILL"] else signal.SIGTERM
        restart_app(argv[2], sig)
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

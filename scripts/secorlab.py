"""What the load, fault and fuzz scripts share: a release build, a throw-away PostgreSQL
cluster, a server process in a temp folder, API sign-in, page sign-in and wrk runs.
Only the Python standard library, so the scripts run on a fresh clone."""
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = os.environ.get("SECOR_DEMO_PASSWORD") or "lab-password-1234"


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def apt_install(*packages):
    """Installs Debian packages that are missing (the README's set-up machine has apt)."""
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)


def release_binary():
    """Builds `secor` in release mode once and returns its path."""
    log("Building secor (release)...")
    subprocess.run(["swift", "build", "-c", "release", "--product", "secor"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return str(ROOT / ".build" / "release" / "secor")


def debug_binary():
    """Builds `secor` in debug mode (what CI has built already) and returns its path."""
    log("Building secor (debug)...")
    subprocess.run(["swift", "build", "--product", "secor"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return str(ROOT / ".build" / "debug" / "secor")


class Postgres:
    """A PostgreSQL cluster of its own in a temp folder on a loopback port, with the
    server's default durability (fsync and synchronous commit on)."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            apt_install("postgresql")
            bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        self.bin = bins[-1].parent
        self.root = tempfile.mkdtemp(prefix="secor-pg.")
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
        self._as_pg(f"{self.bin}/initdb -D {self.root}/data -A trust -U postgres >/dev/null")
        self._as_pg(f"{self.bin}/pg_ctl -D {self.root}/data -l {self.root}/log -w "
                    f"-o '-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200' start >/dev/null")

    def _as_pg(self, command):
        if os.getuid() == 0:
            subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True)
        else:
            subprocess.run(["sh", "-c", command], check=True)

    def create(self, name):
        self._as_pg(f"{self.bin}/createdb -h 127.0.0.1 -p {self.port} -U postgres {name}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def version(self):
        return subprocess.run([f"{self.bin}/postgres", "--version"], capture_output=True, text=True).stdout.strip()

    def size(self, name):
        out = subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc",
                              f"SELECT pg_database_size('{name}')", name], capture_output=True, text=True)
        return int(out.stdout.strip() or 0)

    def stop(self):
        self._as_pg(f"{self.bin}/pg_ctl -D {self.root}/data -m fast stop >/dev/null 2>&1 || true")
        shutil.rmtree(self.root, ignore_errors=True)


class Database:
    """Where one run keeps its data: SQLite in a temp folder, or a fresh PostgreSQL database."""

    def __init__(self, kind, postgres=None, name="secor"):
        self.kind = kind
        self.data_dir = tempfile.mkdtemp(prefix=f"secor-{kind}.")
        self.env = {"SECOR_DATA_DIR": self.data_dir, "SECOR_DEMO_PASSWORD": PASSWORD}
        self.postgres = postgres
        self.name = name
        if kind == "postgres":
            self.env["DATABASE_URL"] = postgres.create(name)

    def size(self):
        if self.kind == "postgres":
            return self.postgres.size(self.name)
        return sum(p.stat().st_size for p in Path(self.data_dir).glob("secor.sqlite*"))

    def remove(self):
        shutil.rmtree(self.data_dir, ignore_errors=True)


def run_secor(binary, db, *args, extra_env=None, check=True):
    env = {**os.environ, **db.env, "SECOR_LOG_REQUESTS": "0", **(extra_env or {})}
    return subprocess.run([binary, *args], env=env, check=check, capture_output=True, text=True)


class Server:
    """`secor serve` on a free port; `started_in` is the seconds from exec to the first
    answer of /health."""

    def __init__(self, binary, db, extra_env=None, port=None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Load, fuzz and fault runs sign in far more often from one address than people do:
        # the per-address budgets (RateLimit) are raised for them, not switched off.
        env = {**os.environ, **db.env, "SECOR_LOG_REQUESTS": "0", "SECOR_SECURE_COOKIES": "0",
               "SECOR_RATE_LIMIT_MULTIPLIER": "1000", **(extra_env or {})}
        self.log_path = os.path.join(db.data_dir, f"server-{self.port}.log")
        self.log_file = open(self.log_path, "ab")
        began = time.monotonic()
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port)], env=env,
                                        stdout=self.log_file, stderr=subprocess.STDOUT)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() - began > 120:
                raise RuntimeError(f"the server did not answer in 120 s; see {self.log_path}")
            time.sleep(0.01)
        self.started_in = time.monotonic() - began

    def rss_kb(self, field="VmHWM"):
        """Peak (VmHWM) or current (VmRSS) resident memory in KiB."""
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def kill(self):
        self.process.kill()
        self.process.wait()
        self.log_file.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


def api(base, method, path, token=None, body=None, timeout=30):
    """One API call; returns (status, decoded JSON or raw bytes)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            raw, status, kind = r.read(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raw, status, kind = e.read(), e.code, e.headers.get("Content-Type", "")
    return status, json.loads(raw) if "json" in kind and raw else raw


def sign_in(base, email, password=PASSWORD):
    status, answer = api(base, "POST", "/api/v1/sessions", body={"email": email, "password": password})
    if status != 201 and status != 200:
        raise RuntimeError(f"sign-in of {email} answered {status}: {answer}")
    return answer["token"]


class Browser:
    """Signs in through the sign-in form like a person and keeps the session cookie."""

    def __init__(self, base, email, password=PASSWORD):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/sign-in")[1].decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"_csrf": token, "email": email, "password": password, "next": "/home"}).encode()
        with self.opener.open(base + "/sign-in", data=form, timeout=30) as r:
            if "/sign-in" in r.url:
                raise RuntimeError(f"page sign-in of {email} failed")

    def get(self, path):
        """(status, body bytes, content type) of a GET."""
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers.get("Content-Type", "")


WRK_SCRIPT = r"""
-- Generated by scripts/secorlab.py: cycles through REQUESTS; "__KEY__" in a body becomes a
-- key unique to this run, thread and request (idempotency keys).
local requests = %(requests)s
local run = "%(run)s"
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function request()
  counter = counter + 1
  local r = requests[(counter + tid * 7919) %% #requests + 1]
  local body = r.body
  if body then body = body:gsub("__KEY__", run .. "-" .. tid .. "-" .. counter) end
  return wrk.format(r.method, r.path, r.headers, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\nWRKJSON {"requests":%%d,"duration_us":%%d,"status_errors":%%d,"socket_errors":%%d,' ..
    '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d}\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def wrk(base, requests, connections=32, seconds=10, threads=2):
    """Runs wrk over `requests` (dicts of method, path, headers, body) and returns its
    figures: requests/s, p50/p90/p99/max in ms, errors (HTTP >= 400 and socket)."""
    items = []
    for r in requests:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.get("headers", {}).items())
        body = lua_string(r["body"]) if r.get("body") is not None else "nil"
        items.append(f'{{method = {lua_string(r.get("method", "GET"))}, path = {lua_string(r["path"])}, '
                     f'headers = {{{headers}}}, body = {body}}}')
    script = WRK_SCRIPT % {"requests": "{\n" + ",\n".join(items) + "\n}", "run": os.urandom(4).hex()}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s",
                              "--timeout", "10s", "-s", f.name, base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    figures = json.loads(re.search(r"WRKJSON (\{.*\})", out).group(1))
    seconds_run = figures["duration_us"] / 1e6
    return {"rps": figures["requests"] / seconds_run, "requests": figures["requests"],
            "p50": figures["p50_us"] / 1000, "p90": figures["p90_us"] / 1000, "p99": figures["p99_us"] / 1000,
            "max": figures["max_us"] / 1000, "errors": figures["status_errors"] + figures["socket_errors"]}


def flha_body(person_ids=None, key=True, day="2026-11-20"):
    """A typical phone FLHA as JSON text, with an idempotency key placeholder for wrk."""
    body = {"kind": "flha", "occurredOn": day, "occurredTime": "07:30",
            "flha": {"site": "Pad 7-22 near Drayton Valley", "location": "Wellhead", "task": "Change out choke valve",
                     "hazards": [{"hazard": "Trapped pressure", "control": "Bleed down, double block and bleed"},
                                 {"hazard": "H2S release", "control": "Personal monitors and a buddy"}],
                     "ppe": ["FR coveralls", "hard hat", "H2S monitor"],
                     "workers": [{"name": "Crew member", "signed": True}]}}
    if key:
        body["idempotencyKey"] = "__KEY__"
    return json.dumps(body)


def machine():
    """One line per fact about this machine, for the reports."""
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    sqlite = subprocess.run(["python3", "-c", "import sqlite3; print(sqlite3.sqlite_version)"], capture_output=True, text=True).stdout.strip()
    return {"cpu": f"{os.cpu_count()} cores, {cpu}", "memory": f"{mem / 1024 / 1024:.0f} GiB",
            "kernel": os.uname().release, "swift": swift[0] if swift else "swift", "python_sqlite": sqlite}

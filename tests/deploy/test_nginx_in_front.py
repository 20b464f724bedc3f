"""Debian's nginx in front of gunicorn, as deploy/ describes: the real site file
(deploy/nginx/siso.conf) and gunicorn configuration (deploy/gunicorn.conf.py), production
settings, on loopback.

The site file is used as shipped, with its @PLACEHOLDERS@ filled in as deploy/README.md tells an
administrator to, and three changes for a test machine, made textually and checked: the
`listen` ports 80 and 443 become free loopback ports, the IPv6 `listen` lines go, and the logs
are written under the test's directory instead of /var/log/nginx/. nginx runs as a foreground
master of its own (`-p`, `-c`), never touching a system nginx Debian may have started.

The application's database is a throw-away SQLite file, migrated once and kept in
`$SISO_VAR_DIR/deploy-test/` under a name made of the migrations' content (a migration takes
about 40 s, like the suite's --reuse-db); everything else is made afresh in a temporary folder:
collectstatic, the TLS certificate, uploads planted where no URL must reach them.

Needs `nginx` (Debian's nginx-light, which .ci/run installs) and `openssl`; without them the
tests are skipped, except where SISO_REQUIRE_NGINX is set (CI), where they fail. The cache is
Redis at 127.0.0.1:6379, as in production; without it only /readyz's own verdict is not checked.
"""

import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# One nginx and gunicorn for the module: its tests stay in one process (pytest-xdist).
pytestmark = pytest.mark.xdist_group("nginx")

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUNICORN = Path(sys.executable).parent / "gunicorn"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
)
HOST = "siso.test"
# The site file's general body limit and the import upload's (deploy/nginx/siso.conf).
GENERAL_LIMIT_MB, IMPORT_LIMIT_MB = 25, 210
IMPORT_UPLOAD = "/admin/imports/runs/new/"
# A Redis database of its own for the cache, so the test never reads another's keys.
CACHE_URL = "redis://127.0.0.1:6379/14"
MIGRATED_PACKAGES = ("siso_platform", "home", "forms", "workflows", "api")
SECRET = "PRIVATE-UPLOAD-MUST-NOT-LEAVE"
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_build() -> str:
    return subprocess.run([NGINX, "-V"], capture_output=True, text=True).stderr


class Stack:
    """What the fixture started: ports, paths and the processes to stop."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.static_root = directory / "static"
        self.media_root = directory / "media"
        self.private_root = directory / "private"
        self.logs = directory / "logs"
        self.cert, self.key = directory / "tls" / "cert.pem", directory / "tls" / "key.pem"
        self.app_port, self.http_port, self.https_port = free_port(), free_port(), free_port()
        self.processes: list[subprocess.Popen] = []
        self.redis = redis_answers()

    def start(self, command, log_name, **kwargs) -> subprocess.Popen:
        log = open(self.logs / log_name, "w")  # noqa: SIM115 (closed with the folder)
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.logs / name
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    # ---------------------------------------------------------------- requests

    def https(self, method, path, *, headers=None, body=None) -> "Answer":
        context = ssl.create_default_context(cafile=str(self.cert))
        connection = _LoopbackHTTPS(HOST, self.https_port, context=context, timeout=30)
        return _ask(connection, method, path, headers, body)

    def http(self, method, path, *, headers=None) -> "Answer":
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        return _ask(connection, method, path, {"Host": HOST, **(headers or {})}, None)

    def https_declaring(self, path, size) -> "Answer":
        """A POST that announces a body of `size` bytes and sends none: nginx judges the
        announced length before reading anything."""
        context = ssl.create_default_context(cafile=str(self.cert))
        connection = _LoopbackHTTPS(HOST, self.https_port, context=context, timeout=30)
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(size))
        connection.endheaders()
        return _answer(connection)


class _LoopbackHTTPS(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1, with the site's name as SNI, Host and the name checked."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Answer:
    def __init__(self, response: http.client.HTTPResponse, body: bytes):
        self.status, self.headers, self.body = response.status, response.headers, body


def _answer(connection) -> Answer:
    try:
        response = connection.getresponse()
        return Answer(response, response.read())
    finally:
        connection.close()


def _ask(connection, method, path, headers, body) -> Answer:
    connection.request(method, path, body=body, headers=headers or {})
    return _answer(connection)


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# ---------------------------------------------------------------- setting up


def app_environment(stack: Stack, database: Path) -> dict[str, str]:
    """Production settings, every value given here: nothing of the suite's own environment
    (its DATABASE_URL on PostgreSQL in CI, its SISO_VAR_DIR) reaches the server."""
    kept = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ
    }
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "siso_platform.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{database}",
        "TASKS_BACKEND": "database",
        "CACHE_URL": CACHE_URL,
        "STATIC_ROOT": str(stack.static_root),
        "MEDIA_ROOT": str(stack.media_root),
        "SISO_PRIVATE_ROOT": str(stack.private_root),
        "SISO_VAR_DIR": str(stack.dir / "var"),
        "GUNICORN_WORKERS": "2",
    }


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def migrated_database_cache() -> Path:
    """Where a database migrated with today's migrations is kept between runs."""
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes())
    for package in MIGRATED_PACKAGES:
        for path in sorted((ROOT / package).glob("**/migrations/*.py")):
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    var = Path(os.environ.get("SISO_VAR_DIR") or ROOT / "var")
    return var / "deploy-test" / f"migrated-{digest.hexdigest()[:16]}.sqlite3"


def copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def render_site(stack: Stack) -> str:
    """deploy/nginx/siso.conf with its placeholders filled in and this machine's ports."""
    site = (DEPLOY / "nginx" / "siso.conf").read_text()
    placeholders = {
        "@SERVER_NAME@": HOST,
        "@UPSTREAM@": f"127.0.0.1:{stack.app_port}",
        "@TLS_CERT@": str(stack.cert),
        "@TLS_KEY@": str(stack.key),
        "@STATIC_ROOT@": str(stack.static_root),
        "@MEDIA_ROOT@": str(stack.media_root),
    }
    for placeholder, value in placeholders.items():
        assert placeholder in site, placeholder
        site = site.replace(placeholder, value)
    assert not re.search(r"@[A-Z_]+@", site), "a placeholder the test does not know"

    def change(pattern, replacement, count):
        nonlocal site
        site, made = re.subn(pattern, replacement, site, flags=re.MULTILINE)
        assert made == count, (pattern, made)

    change(r"^\s*listen \[::\]:\d+.*\n", "", 2)
    change(r"^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{stack.http_port};", 1)
    change(r"^(\s*)listen 443 ", rf"\g<1>listen 127.0.0.1:{stack.https_port} ", 1)
    change(r"/var/log/nginx/", f"{stack.logs}/", 3)
    return site


def nginx_main_conf(stack: Stack, site: Path) -> str:
    """The part Debian's /etc/nginx/nginx.conf plays: events, mime types, temporary paths."""
    build = nginx_build()
    conf_path = re.search(r"--conf-path=(\S+)", build)
    mime_types = Path(conf_path.group(1)).parent / "mime.types" if conf_path else None
    temp_paths = "".join(
        f"    {kind}_temp_path {stack.dir / 'nginx-temp' / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        if kind == "client_body" or f"--http-{kind}-temp-path" in build
    )
    return (
        "daemon off;\n"
        "worker_processes 1;\n"
        f"pid {stack.dir / 'nginx.pid'};\n"
        f"error_log {stack.logs / 'nginx-main.error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        + (f"    include {mime_types};\n" if mime_types and mime_types.exists() else "")
        + "    default_type application/octet-stream;\n"
        + temp_paths
        + f"    include {site};\n"
        "}\n"
    )


def wait_for(process, check, seconds, what, stack: Stack, log_name: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not start:\n{stack.log(log_name)}")


@pytest.fixture(scope="module")
def stack():
    if not NGINX or not shutil.which("openssl"):
        if os.environ.get("SISO_REQUIRE_NGINX"):  # CI: a skipped deployment test is a failure
            pytest.fail("nginx (Debian's nginx-light) or openssl is not installed")
        pytest.skip("nginx (Debian's nginx-light) or openssl is not installed")

    # Not pytest's tmp_path: its parents are private to this user, and nginx's workers run as
    # another one when the test runs as root.
    directory = Path(tempfile.mkdtemp(prefix="siso-deploy-"))
    directory.chmod(0o755)
    stack = Stack(directory)
    try:
        for folder in (stack.logs, stack.cert.parent, stack.dir / "var", stack.dir / "nginx-temp"):
            folder.mkdir()
        yield from _started(stack)
    finally:
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)


def _started(stack: Stack):
    database = stack.dir / "siso.sqlite3"
    env = app_environment(stack, database)

    # collectstatic, and (the first time) migrate, side by side.
    collect = stack.start(manage("collectstatic", "--noinput", "-v0"), "collectstatic.log", env=env)
    cached = migrated_database_cache()
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        for stale in cached.parent.glob("migrated-*.sqlite3"):
            stale.unlink()
        building = cached.with_suffix(f".{os.getpid()}.tmp")
        migrate_env = {**env, "DATABASE_URL": f"sqlite:///{building}"}
        migrate = stack.start(manage("migrate", "--noinput", "-v0"), "migrate.log", env=migrate_env)
        assert migrate.wait(300) == 0, stack.log("migrate.log")
        copy_database(building, database)
        # Kept only if no migration changed while it ran (a branch being edited meanwhile).
        if migrated_database_cache() == cached:
            copy_database(building, cached)
        for leftover in cached.parent.glob(f"{building.name}*"):
            leftover.unlink()
    else:
        copy_database(cached, database)
    assert collect.wait(300) == 0, stack.log("collectstatic.log")

    # What must never be served: an upload in the private root, and a file in MEDIA_ROOT
    # outside images/. Readable by anyone, so that only the configuration keeps them in.
    for secret in (
        stack.private_root / "imports" / "registry.csv",
        stack.media_root / "imports" / "registry.csv",
    ):
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(f"tax_code,name\n{SECRET},x\n")
    (stack.media_root / "images").mkdir(parents=True, exist_ok=True)
    (stack.media_root / "images" / "charter.fill-10x10.png").write_bytes(PNG)
    for path in stack.dir.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)

    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
            "-keyout", str(stack.key), "-out", str(stack.cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip

    gunicorn = stack.start(
        [
            str(GUNICORN), "-c", str(DEPLOY / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{stack.app_port}", "--chdir", str(ROOT),
            "siso_platform.wsgi:application",
        ],
        "gunicorn.log",
        env=env,
        cwd=ROOT,
    )  # fmt: skip

    def app_answers():
        connection = http.client.HTTPConnection("127.0.0.1", stack.app_port, timeout=5)
        return _ask(connection, "GET", "/healthz", {"Host": HOST}, None).status == 200

    wait_for(gunicorn, app_answers, 60, "gunicorn", stack, "gunicorn.log")

    site = stack.dir / "siso.conf"
    site.write_text(render_site(stack))
    main = stack.dir / "nginx.conf"
    main.write_text(nginx_main_conf(stack, site))
    nginx = stack.start(
        [
            NGINX,
            "-e",
            str(stack.logs / "nginx-main.error.log"),
            "-p",
            str(stack.dir),
            "-c",
            str(main),
        ],
        "nginx.log",
    )

    def nginx_answers():
        with socket.create_connection(("127.0.0.1", stack.https_port), timeout=1):
            return True

    wait_for(nginx, nginx_answers, 15, "nginx", stack, "nginx-main.error.log")
    yield stack


# ---------------------------------------------------------------- plain HTTP


def test_plain_http_redirects_to_https_keeping_the_path(stack):
    answer = stack.http("GET", "/casework/?page=2")
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{HOST}/casework/?page=2"


def test_probes_answer_over_plain_http(stack):
    answer = stack.http("GET", "/healthz")
    assert (answer.status, answer.body) == (200, b"ok")


# ---------------------------------------------------------------- the application over TLS


def test_home_page_over_https_with_security_headers(stack):
    answer = stack.https("GET", "/")
    # 200, not a redirect to itself: X-Forwarded-Proto tells Django the request was HTTPS.
    assert answer.status == 200, (answer.status, answer.headers.get("Location"))
    assert "max-age=31536000" in answer.headers["Strict-Transport-Security"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Content-Security-Policy"]
    assert answer.headers["Server"] == "nginx"  # server_tokens off: no version


def test_readiness_probe_through_nginx(stack):
    answer = stack.https("GET", "/readyz")
    checks = json.loads(answer.body)["checks"]
    assert checks["database"] == checks["migrations"] == checks["tasks"] == "ok"
    if stack.redis:
        assert answer.status == 200, checks
        assert checks["cache"] == "ok"


def test_request_id_is_nginx_own_and_in_its_log(stack):
    answer = stack.https("GET", "/healthz", headers={"X-Request-ID": "chosen-by-the-client"})
    request_id = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, not the client's
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = (stack.logs / "siso.access.log").read_text().splitlines()
        logged = [json.loads(line) for line in lines if request_id in line]
        if logged:
            break
        time.sleep(0.1)
    assert [(line["path"], line["status"]) for line in logged] == [("/healthz", 200)]


def test_query_strings_stay_out_of_the_access_log(stack):
    stack.https("GET", f"/api/v1/persons/?search={SECRET}")
    time.sleep(0.2)
    log = (stack.logs / "siso.access.log").read_text()
    assert "/api/v1/persons/" in log
    assert SECRET not in log


# ---------------------------------------------------------------- static files


def test_static_file_with_a_hashed_name_is_cached_for_a_year(stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())["paths"]
    name, hashed = next(
        (name, hashed) for name, hashed in manifest.items() if name.endswith(".css")
    )
    answer = stack.https("GET", f"/static/{hashed}")
    assert answer.status == 200
    assert answer.body == (stack.static_root / hashed).read_bytes()
    assert "max-age=31536000" in answer.headers["Cache-Control"]
    assert "immutable" in answer.headers["Cache-Control"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Server"] == "nginx"
    assert "X-Request-ID" not in answer.headers  # nginx's, not the application's

    unhashed = stack.https("GET", f"/static/{name}")
    assert unhashed.status == 200
    assert unhashed.headers["Cache-Control"] == "max-age=3600"


def test_missing_static_file_is_a_404_without_version(stack):
    answer = stack.https("GET", "/static/no-such-file.css")
    assert answer.status == 404
    assert b"nginx/" not in answer.body


# ---------------------------------------------------------------- media and private files


def test_image_renditions_are_served(stack):
    answer = stack.https("GET", "/media/images/charter.fill-10x10.png")
    assert answer.status == 200
    assert answer.body == PNG
    assert answer.headers["Content-Type"] == "image/png"


def test_nothing_else_under_media_is_served(stack):
    answer = stack.https("GET", "/media/imports/registry.csv")
    assert answer.status == 404
    assert SECRET.encode() not in answer.body


@pytest.mark.parametrize(
    "path",
    [
        "/private/imports/registry.csv",
        "/media/../private/imports/registry.csv",
        "/media/images/../../private/imports/registry.csv",
        "/media/images/..%2f..%2fprivate/imports/registry.csv",
        "/media/images../private/imports/registry.csv",
        "/static/../private/imports/registry.csv",
        "/static../private/imports/registry.csv",
        "/static/..%2fprivate/imports/registry.csv",
        "/imports/registry.csv",
    ],
)
def test_private_uploads_are_reachable_by_no_url(stack, path):
    answer = stack.https("GET", path)
    assert answer.status in (400, 404), answer.status
    assert SECRET.encode() not in answer.body


# ---------------------------------------------------------------- request bodies


def test_a_body_above_the_general_limit_is_refused_by_nginx(stack):
    answer = stack.https_declaring("/api/v1/auth/login/", (GENERAL_LIMIT_MB + 1) * 2**20)
    assert answer.status == 413
    assert "X-Request-ID" not in answer.headers  # refused before the application


def test_the_import_upload_takes_more_than_the_general_limit(stack):
    body = b"0" * ((GENERAL_LIMIT_MB + 1) * 2**20)
    # Several times: gunicorn closing on an unread body made nginx answer 502 now and then
    # (deploy/gunicorn.conf.py's post_request drains it).
    for _ in range(5):
        answer = stack.https(
            "POST", IMPORT_UPLOAD, headers={"Content-Type": "application/octet-stream"}, body=body
        )
        # Django's answer to an anonymous POST (the form's token is missing), not nginx's.
        assert answer.status == 403
        assert "X-Request-ID" in answer.headers


def test_the_import_upload_has_its_own_limit(stack):
    answer = stack.https_declaring(IMPORT_UPLOAD, (IMPORT_LIMIT_MB + 1) * 2**20)
    assert answer.status == 413

"""gunicorn for SISO behind nginx (deploy/nginx/siso.conf); used by siso-web.service.

    gunicorn -c deploy/gunicorn.conf.py siso_platform.wsgi:application

Options given on the command line win over this file (the test in tests/deploy/ binds a free
port that way). GUNICORN_WORKERS in the environment file overrides the number of workers.
"""

import multiprocessing
import os

# Loopback only: nginx is the one way in. The application trusts the last X-Forwarded-For
# entry (SISO_TRUSTED_PROXY_COUNT=1); anyone reaching this port directly could forge it.
bind = "127.0.0.1:8000"

# Sync workers, one request each. Requests spend much of their time waiting on PostgreSQL,
# hence two per core and one more. Each worker holds a database connection while it serves
# (and keeps it for DATABASE_CONN_MAX_AGE seconds): workers + task workers must stay below
# PostgreSQL's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"

# A worker silent for this long is stopped and its request answered 502 by nginx. Nothing
# here should take that long: nginx has buffered an upload before gunicorn sees it (a 200 MB
# import file arrives over loopback in about a second; the view stores it and queues the
# import, which runs in a task worker), and a report export is written in a few seconds.
# nginx waits a little longer (proxy_read_timeout 130s) so that this limit is the one that acts.
timeout = 120
# On restart or HUP, requests under way get this long to finish.
graceful_timeout = 30

# nginx sets X-Forwarded-Proto; gunicorn believes it from nginx only (Django reads it through
# SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "127.0.0.1"

# nginx logs every request with its request id; gunicorn's own access log would repeat it.
# Errors and the application's logs go to stderr, which systemd sends to the journal.
accesslog = None
errorlog = "-"

# A worker starts afresh after this many requests (with jitter, so they do not all restart at
# once): memory a long-lived process gathers is given back.
max_requests = 2000
max_requests_jitter = 200


def post_request(worker, req, environ, resp):
    """Read what the application left unread of the request body before the connection closes.

    Closing a socket with unread data resets it, and nginx, still passing on the buffered body,
    then answers 502 instead of the application's own answer: an upload refused because the
    session expired or the form's token is missing would show "Bad Gateway". Django's runserver
    drains the same way; nginx has already capped the body's size.
    """
    while req.body.read(2**20):
        pass

# gunicorn settings for trytond.application:app.
# Threaded workers: trytond's failed-login throttling sleeps inside the
# request, so one blocked thread must not stall a whole worker.
import multiprocessing
import os
import sys

bind = os.environ.get('KZ_BIND', '0.0.0.0:8000')
# More processes with fewer threads: a heavy call's Python holds the GIL of
# its own worker only (bench/README.md, "Heavy storm": 2 x 8 threads gave a
# p95 of 210-260 ms under the storm, 4 x 4 threads 100-115 ms).
workers = int(os.environ.get('KZ_WORKERS', 2 * multiprocessing.cpu_count()))
worker_class = 'gthread'
# Fair service (kz_base/service.py, [kz] heavy_calls_*): a process runs at
# most heavy_calls_per_process exports, reports or unbounded searches at
# once, so that the other threads always serve simple reads.  Each thread
# holds at most one database connection of trytond's pool ([database]
# maxconn, 64 by default, per process): keep threads + a few below it.
threads = int(os.environ.get('KZ_THREADS', 4))
timeout = 120
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
# A worker restarts after max_requests requests (a guard against leaks).
# Under a storm of refused heavy calls 2000 came every few minutes: the
# restarting worker stops accepting while its heavy call ends and the new
# one loads the pool, and simple reads waited seconds.
max_requests = 20000
max_requests_jitter = 2000
accesslog = '-'

# A heavy call runs Python in its worker without releasing the GIL for
# long: with CPython's default switch interval (5 ms) every simple read in
# the same worker waits up to 5 ms each time it comes back from the
# database or the network.  0.5 ms took the p95 of a simple read under a
# storm of heavy calls from about 1 s to about 0.1 s (bench/heavy_storm.py,
# bench/README.md); it costs the heavy calls a few per cent.
switch_interval = float(os.environ.get('KZ_SWITCH_INTERVAL', 0.0005))


def post_fork(server, worker):
    sys.setswitchinterval(switch_interval)

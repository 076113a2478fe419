#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Fair service under a storm of heavy calls: p95 of a simple read alone,
then while 200 threads of several users send exports, Excel reports and
searches without a limit for 60 s.

Start the platform production-style and fill it first (./platform serve,
tests/load/generate.py: the load.* users and their data), then:

    .venv/bin/python bench/heavy_storm.py --url http://127.0.0.1:8000 \\
        --database kz

The simple read is model.kz.region.read of one id by --login (not one of
the storm users).  Each storm thread sends one heavy call after the other;
a refused one (kz_base's heavy-call caps) is sent again after
--refused-pause seconds, like a user clicking again after the message.
The target is storm p95 ≤ 3 × idle p95; the exit code is 1 when it is
missed.  Traffic goes to 127.0.0.1 only; the storm stops by itself after
--seconds and the script waits at most --grace seconds for the calls in
flight."""
import collections
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc import (  # noqa: E402
    Client, RPCError, percentile, server_arguments)

DEFAULT_STORM = ([f'load.akimat.{i:02d}' for i in range(20)]
    + [f'load.authorized.{i:02d}' for i in range(5)])


class KeepAlive:
    """JSON-RPC over one kept-alive HTTP connection, as a browser (sao)
    sends its calls"""

    def __init__(self, client, timeout):
        parts = urllib.parse.urlsplit(client.url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = parts.path
        self.headers = {'Content-Type': 'application/json',
            'Authorization': client.auth}
        self.timeout = timeout
        self.connection = None

    def post(self, body):
        "Return the HTTP status and the body of the reply"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request('POST', self.path, body, self.headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected,
                    http.client.CannotSendRequest, ConnectionResetError,
                    BrokenPipeError):
                # The server closed the idle connection (keepalive): again
                self.close()
                if attempt:
                    raise
            except BaseException:
                self.close()
                raise

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def reader(client, region_id, timeout):
    "Return a function doing the simple read"
    connection = KeepAlive(client, timeout)
    body = json.dumps({'id': 1, 'method': 'model.kz.region.read',
            'params': [[region_id], ['name', 'code'], {}]}).encode()

    def read():
        status, data = connection.post(body)
        if status != 200 or 'result' not in json.loads(data):
            raise RPCError(f"HTTP {status}: {data[:200]!r}")
    return read


def read_latencies(read, count, pause):
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        read()
        latencies.append(time.perf_counter() - start)
        time.sleep(pause)
    return latencies


def read_until(read, pause, stop, failures):
    """Read until stop; a read that fails or times out counts with the
    time it took (the p95 is then a lower bound)"""
    latencies = []
    while not stop.is_set():
        start = time.perf_counter()
        try:
            read()
        except (RPCError, OSError) as error:
            failures.append(repr(error)[:200])
        latencies.append(time.perf_counter() - start)
        time.sleep(pause)
    return latencies


class StormUser:
    "A storm user's session and the heavy calls it sends"

    def __init__(self, args, login):
        self.client = Client(args.url, args.database, timeout=args.grace)
        self.client.login(login, args.storm_password)
        # Pages of 1000 like sao: a larger limit would be a heavy call
        self.project_ids = []
        while len(self.project_ids) < args.export_rows:
            page = self.client.call('model.ncip.project.search', [],
                len(self.project_ids),
                min(1000, args.export_rows - len(self.project_ids)),
                [('id', 'ASC')], {})
            self.project_ids += page
            if not page:
                break
        view = self.client.call('model.ncip.project.fields_view_get', None,
            'tree', {})
        self.columns = sorted(view['fields'])

    def calls(self):
        "The heavy calls: (name, method, params)"
        return [
            ('export projects', 'model.ncip.project.export_data',
                [self.project_ids, self.columns, {}]),
            ('xlsx projects', 'report.kz.list.xlsx.execute',
                [self.project_ids, {'model': 'ncip.project'}, {}]),
            ('tasks without limit', 'model.ncip.roadmap.task.search_read',
                [[], 0, None, None, ['name', 'deadline', 'state', 'project'],
                    {}]),
            ('count tasks', 'model.ncip.roadmap.task.search_count',
                [[('name', 'ilike', '%a%')], 0, None, {}]),
            ('projects without limit', 'model.ncip.project.search_read',
                [[], 0, None, None, self.columns, {}]),
            ]


def outcome(error):
    "Classify a failed heavy call by kz_base's messages (in English)"
    text = repr(error)
    if 'large requests' in text or 'HTTP 429' in text:
        return 'refused'
    if 'took longer than' in text:
        return 'statement timeout'
    if 'asks for more than' in text or 'too_many_records' in text:
        return 'too many records'
    return 'error'


def storm_thread(args, user, stop, counts, lock, rng):
    # The storm is load, not the system under test: it yields the CPU to
    # the server and to the measured reads (a thread's nice value)
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
            args.storm_nice)
    except (AttributeError, OSError):
        pass
    # The parameters are encoded once and the (large) results not decoded:
    # the load generator shares the machine with the server
    bodies = [(name, json.dumps({'id': 1, 'method': method,
                    'params': params}).encode())
        for name, method, params in user.calls()]
    connection = KeepAlive(user.client, args.grace)
    while not stop.is_set():
        name, body = rng.choice(bodies)
        try:
            status, data = connection.post(body)
            if status != 200:
                error = f'HTTP {status}'
            elif b'"error"' in data[:64]:
                error = json.loads(data)['error']
            else:
                error = None
            result = 'served' if error is None else outcome(error)
            if result == 'error':
                with lock:
                    counts['first errors'].setdefault(name, str(error)[:200])
        except OSError:
            result = 'client timeout or connection error'
        with lock:
            counts[result] += 1
            counts[f'{name}: {result}'] += 1
        if result == 'refused':
            stop.wait(args.refused_pause)


def main():
    parser = server_arguments(__doc__)
    parser.add_argument('--storm-logins', nargs='*', default=DEFAULT_STORM)
    parser.add_argument('--storm-password', default='kz-demo-2026')
    parser.add_argument('--threads', type=int, default=200)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--idle-calls', type=int, default=300)
    parser.add_argument('--pause', type=float, default=0.05,
        help="seconds between two simple reads")
    parser.add_argument('--refused-pause', type=float, default=5.0,
        help="seconds before a storm thread sends again after a refusal")
    parser.add_argument('--storm-nice', type=int, default=10,
        help="nice value of the storm threads (Linux)")
    parser.add_argument('--export-rows', type=int, default=2000,
        help="projects per export and Excel report")
    parser.add_argument('--grace', type=float, default=120,
        help="client timeout of a call; the storm's calls in flight are "
        "awaited at most this long")
    args = parser.parse_args()
    threads_count = min(args.threads, 500)
    seconds = min(args.seconds, 600)

    client = Client(args.url, args.database, timeout=args.grace)
    client.login(args.login, args.password)
    region_id, = client.call('model.kz.region.search', [], 0, 1, None, {})
    read = reader(client, region_id, args.grace)
    read_latencies(read, 20, args.pause)  # warm up
    idle = read_latencies(read, args.idle_calls, args.pause)

    users = [StormUser(args, login) for login in args.storm_logins]
    stop = threading.Event()
    lock = threading.Lock()
    counts = collections.Counter()
    counts['first errors'] = {}
    threads = [threading.Thread(target=storm_thread,
            args=(args, users[i % len(users)], stop, counts, lock,
                random.Random(i)), daemon=True)
        for i in range(threads_count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    # The storm builds up before the reads are measured
    time.sleep(min(5, seconds / 4))
    measuring = threading.Event()
    read_failures = []
    timer = threading.Timer(
        max(seconds - (time.monotonic() - started), 0), measuring.set)
    timer.start()
    try:
        stormy = read_until(read, args.pause, measuring, read_failures)
    finally:
        stop.set()
        timer.cancel()
    storm_seconds = time.monotonic() - started
    deadline = time.monotonic() + args.grace
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    in_flight = sum(thread.is_alive() for thread in threads)

    idle_p95 = percentile(idle, 0.95)
    storm_p95 = percentile(stormy, 0.95)
    print(f"idle: {len(idle)} reads, p50 {percentile(idle, 0.5) * 1000:.1f} "
        f"ms, p95 {idle_p95 * 1000:.1f} ms")
    print(f"storm ({threads_count} threads of {len(users)} users, "
        f"{storm_seconds:.0f} s): {len(stormy)} reads, p50 "
        f"{percentile(stormy, 0.5) * 1000:.1f} ms, p95 "
        f"{storm_p95 * 1000:.1f} ms, max {max(stormy) * 1000:.0f} ms"
        + (f", {len(read_failures)} failed ({read_failures[0]})"
            if read_failures else ''))
    errors = counts.pop('first errors')
    print("heavy calls: " + ', '.join(f"{counts[k]} {k}" for k in (
                'served', 'refused', 'statement timeout', 'too many records',
                'error',
                'client timeout or connection error') if counts[k])
        + (f"; {in_flight} still running at the end" if in_flight else ''))
    for key in sorted(k for k in counts if ': ' in k):
        print(f"  {key}: {counts[key]}")
    for name, error in errors.items():
        print(f"  first error of {name}: {error}")
    ratio = storm_p95 / idle_p95
    print(f"p95 ratio: {ratio:.2f} (target ≤ 3.00)")
    return 0 if ratio <= 3 else 1


if __name__ == '__main__':
    sys.exit(main())

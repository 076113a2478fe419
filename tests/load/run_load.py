#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Load test: simulated staff users log in over JSON-RPC and list, search,
read and write projects, initiatives and Damu contracts.

Start the platform (./platform serve), fill it with tests/load/generate.py,
then:

    .venv/bin/python tests/load/run_load.py --users 50 --seconds 60

It prints p50/p95/p99 latency per operation, throughput and errors, and
the number of SQL statements one read call costs (pg_stat_statements, when
--pg-port is given and the extension is available).  Traffic goes to
127.0.0.1 only; the run stops by itself after --seconds.
"""
import argparse
import collections
import os
import random
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
        'bench'))
from rpc import Client, RPCError, percentile  # noqa: E402

# (login, models the role works on)
STAFF = [
    ('akimat.astana', ['ncip.project', 'ncip.initiative']),
    ('akimat.shymkent', ['ncip.project', 'ncip.initiative']),
    ('kazinvest', ['ncip.project', 'ncip.initiative']),
    ('authorized', ['ncip.project', 'ncip.initiative']),
    ('embassy', ['ncip.initiative']),
    ('damu.officer', ['damu.contract']),
    ('damu.manager', ['damu.contract']),
    ('admin', ['ncip.project', 'ncip.initiative', 'damu.contract']),
    ]
WRITABLE = {
    'ncip.project': 'description',
    'ncip.initiative': 'description',
    'damu.contract': 'activity_code',
    }


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.errors = collections.Counter()

    def add(self, name, seconds):
        with self.lock:
            self.latencies[name].append(seconds)

    def error(self, name, error):
        with self.lock:
            self.errors[f'{name}: {str(error)[:80]}'] += 1


def existing_models(client):
    names = [m for _, models in STAFF for m in models]
    found = client.call('model.ir.model.search_read',
        [('name', 'in', sorted(set(names)))], 0, None, None, ['name'], {})
    return {m['name'] for m in found}


def user_loop(index, args, password, available, stats, stop):
    login, models = STAFF[index % len(STAFF)]
    models = [m for m in models if m in available]
    client = Client(args.url, args.database)
    try:
        start = time.perf_counter()
        client.login(login, args.admin_password if login == 'admin'
            else password)
        stats.add('login', time.perf_counter() - start)
    except (RPCError, OSError) as error:
        stats.error('login', error)
        return
    rng = random.Random(index)
    while models and not stop.is_set():
        model = rng.choice(models)
        try:
            start = time.perf_counter()
            ids = client.call(f'model.{model}.search', [], rng.randint(0, 500),
                80, None, {})
            stats.add(f'{model} search', time.perf_counter() - start)
            start = time.perf_counter()
            client.call(f'model.{model}.search_count', [], 0, None, {})
            stats.add(f'{model} count', time.perf_counter() - start)
            if not ids:
                continue
            start = time.perf_counter()
            client.call(f'model.{model}.read', ids[:20], ['rec_name'], {})
            stats.add(f'{model} read', time.perf_counter() - start)
            if rng.random() < 0.2 and model in WRITABLE:
                start = time.perf_counter()
                client.call(f'model.{model}.write', [rng.choice(ids)],
                    {WRITABLE[model]: f'load test {time.time()}'}, {})
                stats.add(f'{model} write', time.perf_counter() - start)
        except (RPCError, OSError) as error:
            stats.error(model, error)


def queries_per_read(args, password):
    "SQL statements of one read call, from pg_stat_statements"
    psql = ['psql', '-h', '127.0.0.1', '-p', str(args.pg_port), '-U',
        'postgres', '-d', args.database, '-Atqc']
    try:
        subprocess.run(psql + ['CREATE EXTENSION IF NOT EXISTS '
                'pg_stat_statements'], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    client = Client(args.url, args.database)
    client.login('admin', args.admin_password)
    result = {}
    for model in ['ncip.project', 'damu.contract', 'kz.region']:
        try:
            ids = client.call(f'model.{model}.search', [], 0, 20, None, {})
        except RPCError:
            continue
        if not ids:
            continue
        subprocess.run(psql + ['SELECT pg_stat_statements_reset()'],
            check=True, capture_output=True)
        calls = 10
        for _ in range(calls):
            client.call(f'model.{model}.read', ids, ['rec_name'], {})
        total = subprocess.run(psql + [
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                "WHERE query NOT ILIKE '%pg_stat_statements%'"],
            check=True, capture_output=True, text=True).stdout.strip()
        result[model] = float(total) / calls
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--url', default='http://127.0.0.1:8000')
    parser.add_argument('--database', default='kz')
    parser.add_argument('--users', type=int, default=50)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--admin-password', default='kz-admin-2026')
    parser.add_argument('--password', default='kz-demo-2026')
    parser.add_argument('--pg-port', type=int,
        help="port of the PostgreSQL cluster, to count SQL statements")
    args = parser.parse_args()

    admin = Client(args.url, args.database)
    admin.login('admin', args.admin_password)
    available = existing_models(admin)
    stats = Stats()
    stop = threading.Event()
    threads = [threading.Thread(target=user_loop, daemon=True,
            args=(i, args, args.password, available, stats, stop))
        for i in range(args.users)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - start

    total = sum(len(v) for v in stats.latencies.values())
    print(f"{args.users} users, {elapsed:.0f} s, {total} calls, "
        f"{total / elapsed:.1f} calls/s, {sum(stats.errors.values())} errors")
    print(f"{'operation':32} {'calls':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}")
    for name in sorted(stats.latencies):
        values = stats.latencies[name]
        print(f"{name:32} {len(values):7d} "
            f"{percentile(values, .5) * 1000:8.1f} "
            f"{percentile(values, .95) * 1000:8.1f} "
            f"{percentile(values, .99) * 1000:8.1f}")
    for error, count in stats.errors.most_common(10):
        print(f"error x{count}: {error}")
    if args.pg_port:
        queries = queries_per_read(args, args.password)
        if queries is None:
            print("SQL statements per read: pg_stat_statements unavailable "
                "(start PostgreSQL with shared_preload_libraries="
                "pg_stat_statements)")
        else:
            for model, count in queries.items():
                print(f"SQL statements per read of 20 {model}: {count:.1f}")
    return 1 if stats.errors else 0


if __name__ == '__main__':
    sys.exit(main())

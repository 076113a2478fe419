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

Against several server processes of the same database (README.md, "How to
scale out"), give --url once per server: the users are spread over them in
turn (user 1 on the first, user 2 on the second, ...), each keeping its
server, and the figures are printed per server as well:

    .venv/bin/python tests/load/run_load.py --users 50 --seconds 60 \
        --url http://127.0.0.1:8000 --url http://127.0.0.1:8001
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

# The models each role works on, by the prefix of the load users of
# generate.py (load.<role>.<n>) or by the login of a demo user
MODELS = {
    'akimat': ['ncip.project', 'ncip.initiative'],
    'kazinvest': ['ncip.project', 'ncip.initiative'],
    'authorized': ['ncip.project', 'ncip.initiative'],
    'embassy': ['ncip.initiative'],
    'damu': ['damu.contract'],
    'damumanager': ['damu.contract'],
    }
# Without generated users: the demo users, several sessions each
DEMO_STAFF = ['akimat.astana', 'akimat.shymkent', 'kazinvest', 'authorized',
    'embassy', 'damu.officer', 'damu.manager']
DEMO_ROLES = {'akimat.astana': 'akimat', 'akimat.shymkent': 'akimat',
    'damu.officer': 'damu', 'damu.manager': 'damumanager'}
# What each role edits in its lists: (model, field)
WRITES = {
    'akimat': [('ncip.project', 'description')],
    'kazinvest': [('ncip.project', 'description')],
    'damu': [('damu.contract', 'activity_code')],
    'damumanager': [('damu.contract', 'activity_code')],
    }
# The states in which the field may be edited (read-only after them: the
# server refuses the write as the screen would)
WRITABLE_STATES = {
    'ncip.project': {'passport', 'roadmap'},
    }
# The filters a person types in the search bar of each list
FILTERS = {
    'ncip.project': [
        [('state', 'in', ['roadmap', 'approval', 'with_roadmap'])],
        [('pool', '=', 'national')],
        [('name', 'ilike', '%1%')],
        [('deadline_state', '=', 'overdue')],
        ],
    'ncip.initiative': [
        [('state', 'in', ['handed', 'assigned'])],
        [('name', 'ilike', '%2%')],
        [],
        ],
    'damu.contract': [
        [('kind', '=', 'guarantee')],
        [('state', '=', 'active'), ('purpose', '=', 'investment')],
        [('entrepreneur', 'ilike', '%3%')],
        ],
    }


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.servers = collections.defaultdict(list)
        self.errors = collections.Counter()

    def add(self, name, seconds, server=None):
        with self.lock:
            self.latencies[name].append(seconds)
            if server:
                self.servers[server].append(seconds)

    def error(self, name, error):
        with self.lock:
            self.errors[f'{name}: {str(error)[:80]}'] += 1


def existing_models(client):
    names = {m for models in MODELS.values() for m in models}
    found = client.call('model.ir.model.search_read',
        [('name', 'in', sorted(names))], 0, None, None, ['name'], {})
    return {m['name'] for m in found}


def staff(client, count):
    "Return [(login, role)] of count users, the load users first"
    users = client.call('model.res.user.search_read',
        [('login', 'like', 'load.%')], 0, count, [('login', 'ASC')],
        ['login'], {})
    logins = [(u['login'], u['login'].split('.')[1]) for u in users]
    logins = [(l, r) for l, r in logins if r in MODELS]
    if not logins:
        logins = [(l, DEMO_ROLES.get(l, l)) for l in DEMO_STAFF]
    return [logins[i % len(logins)] for i in range(count)]


def list_fields(client, model):
    "The fields of the model's list view, as sao reads them"
    view = client.call(f'model.{model}.fields_view_get', None, 'tree', {})
    return sorted(view['fields'])


def timed_call(stats, name, client, method, *params):
    start = time.perf_counter()
    result = client.call(method, *params)
    stats.add(name, time.perf_counter() - start, client.url)
    return result


def user_loop(index, args, login, role, available, stats, stop):
    models = [m for m in MODELS[role] if m in available]
    # Round robin of the users over the servers
    url = args.url[index % len(args.url)]
    client = Client(url, args.database)
    try:
        start = time.perf_counter()
        client.login(login, args.password)
        stats.add('login', time.perf_counter() - start)
        columns = {m: list_fields(client, m) for m in models}
    except (RPCError, OSError) as error:
        stats.error('login', error)
        return
    rng = random.Random(index)
    while models and not stop.is_set():
        if args.think:
            # A person reads the page before the next action
            stop.wait(rng.uniform(0.5, 1.5) * args.think)
        model = rng.choice(models)
        domain = rng.choice(FILTERS[model])
        try:
            # A list: the page of ids, their columns, the count
            ids = timed_call(stats, f'{model} search', client,
                f'model.{model}.search', domain, rng.choice([0, 0, 80, 160]),
                80, None, {})
            timed_call(stats, f'{model} count', client,
                f'model.{model}.search_count', domain, 0, None, {})
            if not ids:
                continue
            rows = timed_call(stats, f'{model} read list', client,
                f'model.{model}.read', ids, columns[model], {})
            # A form: every field of one record
            record = rng.choice(ids)
            timed_call(stats, f'{model} read form', client,
                f'model.{model}.read', [record], [], {})
            writes = dict(WRITES.get(role, []))
            if model in WRITABLE_STATES:
                writable = [r['id'] for r in rows
                    if r.get('state') in WRITABLE_STATES[model]]
                record = rng.choice(writable) if writable else None
            if rng.random() < 0.2 and model in writes and record:
                timed_call(stats, f'{model} write', client,
                    f'model.{model}.write', [record],
                    {writes[model]: f'load test {time.time()}'}, {})
        except (RPCError, OSError) as error:
            stats.error(model, error)


def queries_per_read(args, login, role):
    """SQL statements of one read call of a list page, as a staff user
    (record rules apply), from pg_stat_statements of this database"""
    psql = ['psql', '-h', '127.0.0.1', '-p', str(args.pg_port), '-U',
        'postgres', '-d', args.database, '-Atqc']
    try:
        subprocess.run(psql + ['CREATE EXTENSION IF NOT EXISTS '
                'pg_stat_statements'], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    client = Client(args.url[0], args.database)
    client.login(login, args.password)
    result = {}
    for model in MODELS[role]:
        try:
            ids = client.call(f'model.{model}.search', [], 0, 20, None, {})
            columns = list_fields(client, model)
        except RPCError:
            continue
        if not ids:
            continue
        subprocess.run(psql + ['SELECT pg_stat_statements_reset()'],
            check=True, capture_output=True)
        calls = 10
        for _ in range(calls):
            client.call(f'model.{model}.read', ids, columns, {})
        total = subprocess.run(psql + [
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                "WHERE dbid = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()) "
                "AND query NOT ILIKE '%pg_stat_statements%'"],
            check=True, capture_output=True, text=True).stdout.strip()
        result[f'{model} as {login}'] = (len(ids), float(total) / calls)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--url', action='append',
        help="a server of the database (default http://127.0.0.1:8000); "
        "once per server to spread the users over several")
    parser.add_argument('--database', default='kz')
    parser.add_argument('--users', type=int, default=50)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--think', type=float, default=0,
        help="mean pause of a user between two pages, in seconds (0: "
        "back to back, a stress test)")
    parser.add_argument('--admin-password', default=os.environ.get('KZ_ADMIN_PASSWORD', 'kz-admin-2026'))
    parser.add_argument('--password', default='kz-demo-2026',
        help="password of the staff users (generate.py's and the demo's)")
    parser.add_argument('--pg-port', type=int,
        help="port of the PostgreSQL cluster, to count SQL statements")
    args = parser.parse_args()
    args.url = args.url or ['http://127.0.0.1:8000']

    admin = Client(args.url[0], args.database)
    admin.login('admin', args.admin_password)
    available = existing_models(admin)
    users = staff(admin, args.users)
    print(f"{len(set(users))} distinct logins for {args.users} users on "
        f"{len(args.url)} server(s): {', '.join(args.url)}")
    stats = Stats()
    stop = threading.Event()
    threads = [threading.Thread(target=user_loop, daemon=True,
            args=(i, args, login, role, available, stats, stop))
        for i, (login, role) in enumerate(users)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - start

    total = sum(len(v) for v in stats.latencies.values())
    print(f"{args.users} users (think {args.think:g} s), {elapsed:.0f} s, "
        f"{total} calls, "
        f"{total / elapsed:.1f} calls/s, {sum(stats.errors.values())} errors")
    print(f"{'operation':32} {'calls':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}")
    for name in sorted(stats.latencies):
        values = stats.latencies[name]
        print(f"{name:32} {len(values):7d} "
            f"{percentile(values, .5) * 1000:8.1f} "
            f"{percentile(values, .95) * 1000:8.1f} "
            f"{percentile(values, .99) * 1000:8.1f}")
    if len(args.url) > 1:
        for server in sorted(stats.servers):
            values = stats.servers[server]
            print(f"server {server}: {len(values)} calls, "
                f"{len(values) / elapsed:.1f} calls/s, "
                f"p50 {percentile(values, .5) * 1000:.1f} ms, "
                f"p95 {percentile(values, .95) * 1000:.1f} ms")
    for error, count in stats.errors.most_common(10):
        print(f"error x{count}: {error}")
    if args.pg_port:
        measured = {}
        for login, role in users:
            measured.setdefault(role, login)
        for role in ['akimat', 'damu']:
            if role not in measured:
                continue
            queries = queries_per_read(args, measured[role], role)
            if queries is None:
                print("SQL statements per read: pg_stat_statements "
                    "unavailable (start PostgreSQL with "
                    "shared_preload_libraries=pg_stat_statements)")
                break
            for name, (records, count) in queries.items():
                print(f"SQL statements per read of {records} {name} "
                    f"(list columns): {count:.1f}")
    return 1 if stats.errors else 0


if __name__ == '__main__':
    sys.exit(main())

# This file is part of the KZ Investment Platform.
"""Fair service under load (kz_base/service.py) over JSON-RPC, on a server
with a 3-second statement timeout, one heavy call per user, two per
process and two per database:

- a search that runs longer than the statement timeout is cancelled and
  the user gets the translated message, no traceback;
- a user over the heavy-call cap is refused at once while another user's
  heavy call and the same user's simple reads are served, within one
  process and across processes (a slot held by another connection);
- when the process or the database runs its heavy calls, a third user's
  is refused while simple reads are served;
- heavy reads and exports over client_max_records, and Excel exports over
  xlsx_max_rows, are refused with a message asking to filter;
- a heavy call runs at a lower CPU priority, its server thread and its
  PostgreSQL backend, both put back after it."""
import configparser
import json
import os
import threading
import time
import unittest
from unittest import mock

from bench import rpc
from tests import support

DATABASE = 'test_integration_fair_service'
TIMEOUT = 3
HEAVY_LOCK = 0x4B5A4856
HEAVY_LOCK_DATABASE = 0x4B5A4844
MAX_RECORDS = 200
MAX_SLOTS = 64
# 30,000 parties with long names, and a search whose every clause scans
# all of them: about 20 s of PostgreSQL without a statement timeout (not
# thousands of clauses: the planner does not check for cancellation, the
# executor does)
PARTIES = 30000
EXPENSIVE = ['OR'] + [('name', 'ilike', f'%zq{i}xj%') for i in range(200)]


class Client(rpc.Client):
    "A JSON-RPC session of one user"

    def __init__(self, url, login, password):
        super().__init__(url, DATABASE, timeout=120)
        self.login(login, password)

    def call(self, method, *params):
        reply = self.reply(method, *params)
        if reply.get('error'):
            raise AssertionError(f"{method}: {reply['error']}")
        return reply['result']


def server_config(path):
    "Write the test configuration with the fair service settings of here"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(support.config_file())
    if not parser.has_section('kz'):
        parser.add_section('kz')
    parser.set('kz', 'client_statement_timeout', str(TIMEOUT))
    parser.set('kz', 'heavy_calls_per_user', '1')
    parser.set('kz', 'heavy_calls_per_process', '2')
    parser.set('kz', 'heavy_calls_per_database', '2')
    parser.set('kz', 'heavy_call_limit', '1000')
    parser.set('kz', 'client_max_records', str(MAX_RECORDS))
    parser.set('kz', 'xlsx_max_rows', '5')
    with open(path, 'w') as fp:
        parser.write(fp)
    return path


class FairServiceTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        support.create_database(DATABASE, modules=['kz_base'])
        with cls.connect() as conn:
            conn.execute('INSERT INTO party_party '
                '(name, code, active, create_uid, create_date) '
                "SELECT repeat('Fair service load party ', 16) || g, "
                "'FAIR-' || g, true, 0, now() "
                'FROM generate_series(1, %s) AS g', (PARTIES,))
            conn.execute('ANALYZE party_party')
        os.makedirs(support.ARTIFACTS, exist_ok=True)
        config = server_config(
            os.path.join(support.ARTIFACTS, 'trytond-fair-service.conf'))
        # running_server serves a copy of the configuration it is given
        with mock.patch.dict(os.environ, {'KZ_TEST_CONFIG': config}):
            cls.server = support.running_server(DATABASE)
            cls.url = cls.server.__enter__()
        cls.admin = Client(cls.url, 'admin', support.ADMIN_PASSWORD)
        cls.embassy = Client(cls.url, 'embassy', support.DEMO_PASSWORD)
        cls.kazinvest = Client(cls.url, 'kazinvest', support.DEMO_PASSWORD)
        cls.region_ids = cls.admin.call(
            'model.kz.region.search', [], 0, 10, None, {})

    @staticmethod
    def connect():
        import psycopg
        return psycopg.connect(host='127.0.0.1',
            port=os.environ['KZ_PG_PORT'], user='postgres', dbname=DATABASE,
            autocommit=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        support.drop_database(DATABASE)
        super().tearDownClass()

    def simple_read(self, client):
        return client.call('model.kz.region.read', self.region_ids[:1],
            ['name', 'code'], {})

    def export(self, client):
        "A heavy call that is quick here: an export of the regions"
        return client.reply('model.kz.region.export_data',
            self.region_ids, ['name', 'code'], {})

    def expensive(self, client):
        return client.reply('model.party.party.search',
            EXPENSIVE, 0, None, None, {})

    def assertUserError(self, reply, text):
        self.assertIn('error', reply)
        error = reply['error']
        self.assertEqual(error[0], 'UserError', msg=error)
        self.assertIn(text, error[1][0])
        dumped = json.dumps(error)
        self.assertNotIn('Traceback', dumped)
        self.assertNotIn('File "', dumped)

    def in_background(self, func, *args):
        "Run func(*args) in a thread; return the thread and its reply"
        reply = {}

        def run():
            reply.update(func(*args))
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, reply

    def wait_running(self, count):
        "Wait until count heavy calls of the test hold their advisory lock"
        deadline = time.monotonic() + 10
        with self.connect() as conn:
            while time.monotonic() < deadline:
                held, = conn.execute('SELECT count(*) FROM pg_locks '
                    "WHERE locktype = 'advisory' AND classid = %s "
                    'AND objsubid = 2 AND granted', (HEAVY_LOCK,)).fetchone()
                if held >= count:
                    return
                time.sleep(0.05)
        self.fail(f"{count} heavy calls did not start")

    def test_statement_timeout(self):
        "A search over the statement timeout gets a clear error, no traceback"
        self.simple_read(self.admin)
        start = time.monotonic()
        reply = self.expensive(self.admin)
        elapsed = time.monotonic() - start
        self.assertUserError(reply, f'longer than {TIMEOUT} seconds')
        self.assertLess(elapsed, TIMEOUT + 8)
        # The connection and the session are fine afterwards
        self.assertEqual(len(self.simple_read(self.admin)), 1)

    def test_heavy_calls_per_user(self):
        "A user over his cap is refused at once; others are served"
        thread, first = self.in_background(self.expensive, self.admin)
        try:
            self.wait_running(1)
            start = time.monotonic()
            refused = self.export(self.admin)
            self.assertLess(time.monotonic() - start, 1.5)
            self.assertUserError(refused, 'large requests')
            # The same user's simple read and another user's heavy call
            self.assertEqual(len(self.simple_read(self.admin)), 1)
            served = self.export(self.embassy)
            self.assertNotIn('error', served, msg=served)
            self.assertEqual(len(served['result']), len(self.region_ids))
        finally:
            thread.join(60)
        self.assertUserError(first, 'longer than')
        # The slot is free again once the call ended
        self.assertNotIn('error', self.export(self.admin))

    def test_heavy_calls_per_user_across_processes(self):
        "A slot held by another process counts against the user"
        base = (self.embassy.user_id % (2 ** 31 // MAX_SLOTS)) * MAX_SLOTS
        with self.connect() as conn:
            conn.execute('SELECT pg_advisory_lock(%s, %s)',
                (HEAVY_LOCK, base))
            try:
                self.assertUserError(
                    self.export(self.embassy), 'large requests')
                self.assertEqual(len(self.simple_read(self.embassy)), 1)
                self.assertNotIn('error', self.export(self.kazinvest))
            finally:
                conn.execute('SELECT pg_advisory_unlock(%s, %s)',
                    (HEAVY_LOCK, base))
        self.assertNotIn('error', self.export(self.embassy))

    def test_heavy_calls_per_process(self):
        "A busy process refuses one more heavy call, not simple reads"
        threads = [self.in_background(self.expensive, client)
            for client in [self.admin, self.embassy]]
        try:
            self.wait_running(2)
            self.assertUserError(self.export(self.kazinvest), 'server is busy')
            self.assertEqual(len(self.simple_read(self.kazinvest)), 1)
            # A count runs only SQL: the user's cap only
            reply = self.kazinvest.reply('model.party.party.search_count',
                [], 0, None, {})
            self.assertNotIn('error', reply, msg=reply)
            self.assertGreaterEqual(reply['result'], PARTIES)
        finally:
            for thread, _ in threads:
                thread.join(60)
        for _, reply in threads:
            self.assertUserError(reply, 'longer than')
        self.assertNotIn('error', self.export(self.kazinvest))

    def test_heavy_calls_per_database(self):
        "When the database runs its heavy calls, one more is refused"
        with self.connect() as conn:
            for slot in range(2):
                conn.execute('SELECT pg_advisory_lock(%s, %s)',
                    (HEAVY_LOCK_DATABASE, slot))
            try:
                self.assertUserError(
                    self.export(self.kazinvest), 'server is busy')
                self.assertEqual(len(self.simple_read(self.kazinvest)), 1)
            finally:
                conn.execute('SELECT pg_advisory_unlock_all()')
        self.assertNotIn('error', self.export(self.kazinvest))

    def test_too_many_records(self):
        "A heavy call over client_max_records is refused before it reads"
        reply = self.admin.reply('model.party.party.search_read',
            [], 0, None, None, ['name'], {})
        self.assertUserError(reply, f'more than {MAX_RECORDS} records')
        reply = self.admin.reply('model.party.party.export_data_domain',
            [], ['name'], 0, None, None, False, {})
        self.assertUserError(reply, f'more than {MAX_RECORDS} records')
        with self.connect() as conn:
            ids = [i for i, in conn.execute('SELECT id FROM party_party '
                    'ORDER BY id LIMIT %s', (MAX_RECORDS + 1,))]
        reply = self.admin.reply('model.party.party.export_data',
            ids[:MAX_RECORDS + 1], ['name'], {})
        self.assertUserError(reply, f'more than {MAX_RECORDS} records')
        # Within the bound
        reply = self.admin.reply('model.party.party.export_data',
            ids[:MAX_RECORDS], ['name'], {})
        self.assertNotIn('error', reply, msg=str(reply)[:300])
        self.assertEqual(len(reply['result']), MAX_RECORDS)

    def test_xlsx_rows(self):
        "The Excel export of a list refuses more rows than xlsx_max_rows"
        reply = self.admin.reply('report.kz.list.xlsx.execute',
            self.region_ids, {'model': 'kz.region'}, {})
        self.assertUserError(reply, 'at most 5 rows')
        reply = self.admin.reply('report.kz.list.xlsx.execute',
            self.region_ids[:5], {'model': 'kz.region'}, {})
        self.assertNotIn('error', reply, msg=str(reply)[:300])
        self.assertEqual(reply['result'][0], 'xlsx')

    def test_search_limits(self):
        "Searches within the heavy-call limit are not capped"
        thread, first = self.in_background(self.expensive, self.admin)
        try:
            self.wait_running(1)
            # sao's list search (limit 1000) and tab counters are light
            reply = self.admin.reply('model.party.party.search',
                [], 0, 1000, None, {})
            self.assertNotIn('error', reply, msg=reply)
            reply = self.admin.reply('model.party.party.search_count',
                [], 0, 1000, {})
            self.assertNotIn('error', reply, msg=reply)
            # A search without a limit over a table of thousands is heavy
            reply = self.admin.reply('model.party.party.search',
                [], 0, None, None, {})
            self.assertUserError(reply, 'large requests')
            # A small table is light even without a limit
            reply = self.admin.reply('model.kz.region.search',
                [], 0, None, None, {})
            self.assertNotIn('error', reply, msg=reply)
        finally:
            thread.join(60)

    @unittest.skipUnless(os.geteuid() == 0,
        "putting a priority back needs root here")
    def test_heavy_call_priority(self):
        "A heavy call runs at nice 10, thread and backend, and is put back"
        server_pid = self.server_pid()
        thread, first = self.in_background(self.expensive, self.admin)
        try:
            self.wait_running(1)
            with self.connect() as conn:
                # The backend holding the user's heavy-call slot
                backend, = conn.execute('SELECT pid FROM pg_locks '
                    "WHERE locktype = 'advisory' AND classid = %s "
                    'AND objsubid = 2 AND granted', (HEAVY_LOCK,)).fetchone()
            self.assertEqual(nice(backend), 10)
            self.assertEqual(
                sorted(nice(t) for t in threads(server_pid))[-1], 10)
            # A simple read meanwhile is served at the usual priority
            self.assertEqual(len(self.simple_read(self.embassy)), 1)
            # A refused heavy call puts its thread back too
            self.assertUserError(self.export(self.admin), 'large requests')
            self.assertEqual(
                [nice(t) for t in threads(server_pid)].count(10), 1)
        finally:
            thread.join(60)
        self.assertUserError(first, 'longer than')
        self.assertEqual(nice(backend), 0)
        self.assertEqual({nice(t) for t in threads(server_pid)}, {0})

    def server_pid(self):
        "Return the process id of the test server of the database"
        config = f'trytond-{DATABASE}.conf'
        for pid in os.listdir('/proc'):
            if not pid.isdigit():
                continue
            try:
                with open(f'/proc/{pid}/cmdline', 'rb') as fp:
                    cmdline = fp.read().decode(errors='replace')
            except OSError:
                continue
            if config in cmdline and 'trytond' in cmdline:
                return int(pid)
        self.fail("the test server's process was not found")


def nice(pid):
    "Return the nice value of a process or thread (from /proc)"
    with open(f'/proc/{pid}/stat') as fp:
        stat = fp.read()
    # The fields after the command name, which may hold spaces: nice is
    # the 19th field of the line
    return int(stat[stat.rindex(')') + 2:].split()[16])


def threads(pid):
    return [int(t) for t in os.listdir(f'/proc/{pid}/task')]


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del FairServiceTestCase

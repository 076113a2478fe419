# This file is part of the KZ Investment Platform.
"""Several servers on one database (issue 16): two trytond servers started
with the platform's configuration (config/trytond.conf.in) serve the same
PostgreSQL database, as the web replicas of docker-compose.yml do.

- a change of the MRP made through one server is used by the other at
  once: each process LISTENs on PostgreSQL's ir_cache channel ([cache]
  clean_timeout = 0) and drops the amounts it had cached (with
  clean_timeout = 60 in config/trytond.conf.in this test fails: B keeps
  the old amount);
- a session opened on one server works on the other, and a logout on one
  ends it on both (sessions live in ir_session);
- an attachment uploaded through one server reads through the other (one
  filestore, [database] path);
- a queued task (ir.queue) is run by a trytond-worker while both serve."""
import base64
import datetime as dt
import json
import os
import signal
import subprocess
import time
import unittest
from decimal import Decimal

import psycopg

from bench import rpc
from bench.rpc import RPCError
from tests import support

DATABASE = 'test_integration_scale_out'


def binary(data):
    "bytes as trytond's JSON-RPC encodes them"
    return {'__class__': 'bytes', 'base64': base64.b64encode(data).decode()}


def from_binary(value):
    return base64.b64decode(value['base64'])


def decimal(value):
    "A Decimal of trytond's JSON-RPC"
    if isinstance(value, dict):
        return Decimal(value['decimal'])
    return Decimal(str(value))


class ScaleOutTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.create_database(DATABASE)
        # Calls marked __queue__ go to ir.queue, as in docker-compose.yml
        env = {'TRYTOND_QUEUE__WORKER': 'True'}
        cls.server_a = support.running_server(
            DATABASE, extra_env=env, name=f'{DATABASE}-a')
        cls.server_b = support.running_server(
            DATABASE, extra_env=env, name=f'{DATABASE}-b')
        try:
            cls.url_a = cls.server_a.__enter__()
            cls.url_b = cls.server_b.__enter__()
        except Exception:
            cls.server_a.__exit__(None, None, None)
            support.drop_database(DATABASE)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server_b.__exit__(None, None, None)
        cls.server_a.__exit__(None, None, None)
        support.drop_database(DATABASE)

    def client(self, url, login='admin', password=support.ADMIN_PASSWORD):
        client = rpc.Client(url, DATABASE)
        client.login(login, password)
        return client

    def on(self, client, url):
        "A client of the other server with the same session"
        other = rpc.Client(url, DATABASE)
        other.auth = client.auth
        other.user_id = client.user_id
        return other

    def eventually(self, test, message, timeout=5):
        """Return the first true result of test(), tried for timeout s: the
        other process drops its cache when PostgreSQL notifies it, a few
        milliseconds after the commit; polling the ir_cache table instead
        would take [cache] clean_timeout seconds (60 before)"""
        deadline = time.monotonic() + timeout
        while True:
            result = test()
            if result or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(result, message)
        return result

    def test_configuration_is_cache_invalidation_at_once(self):
        "The configuration asks every process to drop changed caches at once"
        import configparser
        parser = configparser.ConfigParser()
        parser.read(os.path.join(support.ROOT, 'config', 'trytond.conf.in'))
        self.assertEqual(parser.getint('cache', 'clean_timeout'), 0)
        docker = configparser.ConfigParser()
        docker.read(
            os.path.join(support.ROOT, 'config', 'trytond-docker.conf'))
        self.assertEqual(docker.getint('cache', 'clean_timeout'), 0)
        self.assertTrue(docker.getboolean('queue', 'worker'))

    def test_mrp_change_seen_by_other_server(self):
        """The MRP changed through A: a project created through B right
        after gets its pool from the new amount, not from the one B had
        cached (A moves the existing projects itself)"""
        a = self.client(self.url_a)
        b = self.client(self.url_b)
        year = dt.date.today().year
        mrps = a.call('model.kz.mrp.search_read',
            [('year', '=', year)], 0, 1, None, ['amount'], {})
        if mrps:
            mrp_id, amount = mrps[0]['id'], decimal(mrps[0]['amount'])
        else:
            amount = Decimal('4000')
            mrp_id, = a.call('model.kz.mrp.create',
                [{'year': year, 'amount': str(amount)}], {})
        threshold_mrp = decimal(a.call('model.kz.configuration.read', [1],
                ['national_pool_mrp'], {})[0]['national_pool_mrp'])
        cost = threshold_mrp * amount
        region_id, = b.call('model.kz.region.search', [], 0, 1, None, {})
        investor_id, = b.call(
            'model.party.party.search', [], 0, 1, None, {})

        def pool_of_new_project_on_b():
            "B computes the pool of a new project, with its cached MRP"
            project_id, = b.call('model.ncip.project.create', [{
                        'name': "Scale-out project",
                        'investor': investor_id,
                        'region': region_id,
                        'cost': str(cost),
                        }], {})
            return b.call('model.ncip.project.read', [project_id],
                ['pool'], {})[0]['pool']
        self.assertEqual(pool_of_new_project_on_b(), 'national')

        # The MRP doubles through A: the same cost is now regional
        a.call('model.kz.mrp.write', [mrp_id], {'amount': str(amount * 2)},
            {})
        try:
            self.eventually(
                lambda: pool_of_new_project_on_b() == 'regional',
                "B kept the MRP it had cached before A changed it")
        finally:
            a.call('model.kz.mrp.write', [mrp_id], {'amount': str(amount)},
                {})

    def test_session_works_on_both_servers(self):
        "A session opened on A works on B; a logout on B ends it on A"
        a = self.client(self.url_a)
        b = self.on(a, self.url_b)
        user, = b.call('model.res.user.read', [a.user_id], ['login'], {})
        self.assertEqual(user['login'], 'admin')
        self.assertTrue(b.call('model.kz.region.search', [], 0, 1, None, {}))
        b.call('common.db.logout')
        with self.assertRaises(RPCError) as cm:
            a.call('model.res.user.get_preferences', True, {})
        self.assertEqual(cm.exception.code, 401)

    def test_attachment_reads_through_other_server(self):
        """A file uploaded through A is read through B, from the one
        filestore: the database holds only its file id"""
        a = self.client(self.url_a)
        b = self.client(self.url_b)
        data = os.urandom(4096) + "Вложение — тіркеме".encode()
        attachment_id, = a.call('model.ir.attachment.create', [{
                    'name': 'scale-out.bin',
                    'resource': f'res.user,{a.user_id}',
                    'data': binary(data),
                    }], {})
        read, = b.call('model.ir.attachment.read', [attachment_id],
            ['data', 'file_id'], {})
        self.assertEqual(from_binary(read['data']), data)
        self.assertTrue(read['file_id'])
        filestore = os.path.join(support._filestore(), DATABASE)
        found = [os.path.join(dirpath, read['file_id'])
            for dirpath, _, filenames in os.walk(filestore)
            if read['file_id'] in filenames]
        self.assertEqual(len(found), 1)
        with open(found[0], 'rb') as fp:
            self.assertEqual(fp.read(), data)

    def test_queued_task_runs_in_worker_while_both_serve(self):
        """A task pushed to ir.queue (as Model.__queue__.write pushes it) is
        run by a trytond-worker while A and B answer"""
        a = self.client(self.url_a)
        b = self.client(self.url_b)
        year = dt.date.today().year - 1
        mrp, = a.call('model.kz.mrp.search_read', [('year', '=', year)],
            0, 1, None, ['legal_basis'], {})
        basis = f"Queued {time.time()}"
        task_id = self.push_task('kz.mrp', 'write', [mrp['id']],
            [{'legal_basis': basis}], user=a.user_id)

        log = open(os.path.join(
                support.ARTIFACTS, f'trytond-worker-{DATABASE}.log'), 'w')
        worker = subprocess.Popen([
                os.path.join(support.BIN, 'trytond-worker'),
                '-c', support.config_file(), '-d', DATABASE, '-n', '1'],
            env=dict(os.environ, TRYTOND_QUEUE__WORKER='True'),
            stdout=log, stderr=subprocess.STDOUT,
            # Its pool of processes is ended with it
            start_new_session=True)
        try:
            served = {'a': 0, 'b': 0}
            deadline = time.monotonic() + 120
            while True:
                # Both servers keep answering while the worker runs
                for name, client in [('a', a), ('b', b)]:
                    read, = client.call('model.kz.mrp.read', [mrp['id']],
                        ['legal_basis'], {})
                    served[name] += 1
                if read['legal_basis'] == basis:
                    break
                if worker.poll() is not None or time.monotonic() > deadline:
                    self.fail(f"the worker did not run the task, see "
                        f"{log.name}")
                time.sleep(0.2)
            self.assertEqual(a.call('model.kz.mrp.read', [mrp['id']],
                    ['legal_basis'], {})[0]['legal_basis'], basis)
            self.assertGreater(served['a'], 0)
            self.assertGreater(served['b'], 0)
            with self.connect() as conn:
                finished_at, = conn.execute(
                    'SELECT finished_at FROM ir_queue WHERE id = %s',
                    (task_id,)).fetchone()
            self.assertIsNotNone(finished_at)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
            log.close()
            a.call('model.kz.mrp.write', [mrp['id']],
                {'legal_basis': mrp['legal_basis']}, {})

    def connect(self):
        return psycopg.connect(host='127.0.0.1',
            port=os.environ['KZ_PG_PORT'], user='postgres', dbname=DATABASE,
            autocommit=True)

    def push_task(self, model, method, ids, args, user):
        """Push a task as trytond's Queue.push does (a row of ir_queue and
        a notification of its channel); return its id"""
        data = json.dumps({
                'model': model, 'method': method, 'user': user,
                'context': {}, 'instances': ids, 'args': args, 'kwargs': {},
                })
        with self.connect() as conn:
            column_type, = conn.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'ir_queue' AND column_name = 'data'"
                ).fetchone()
            cast = 'jsonb' if column_type == 'jsonb' else 'text'
            task_id, = conn.execute(
                'INSERT INTO ir_queue '
                '(create_uid, create_date, name, data, enqueued_at) '
                f"VALUES (0, now(), 'default', %s::{cast}, now()) "
                'RETURNING id', (data,)).fetchone()
            conn.execute("SELECT pg_notify('ir.queue', '')")
        return task_id

# This file is part of the KZ Investment Platform.
"""The Annex 4 import processed by a real trytond-worker on PostgreSQL:

- a bank's upload queued in the database is imported by the worker, and
  the upload record shows the result;
- the worker killed (SIGKILL) in the middle of the writes, its lines
  COPY'd and its UPDATE of the contracts waiting on a lock, leaves
  nothing written; the stalled upload is queued again and a new worker
  imports it once."""
import datetime as dt
import os
import signal
import subprocess
import time
import unittest
from decimal import Decimal

import psycopg

from tests import support

ROWS = 300


class Annex4WorkerTestCase(unittest.TestCase):
    "Test the queued Annex 4 import with trytond-worker"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.database = support.demo_database()
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Pool.start()
        cls.pool = Pool(cls.database)
        with Transaction().start(cls.database, 0, readonly=True):
            cls.pool.init()
        cls._setup()

    @classmethod
    def _setup(cls):
        from trytond.modules.kz_damu_monitoring.tests.tools import valid_bins
        from trytond.transaction import Transaction
        pool = cls.pool
        Organization = pool.get('kz.organization')
        Region = pool.get('kz.region')
        Contract = pool.get('damu.contract')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        cls.bins = valid_bins(ROWS, start=700000000)
        with Transaction().start(cls.database, 0) as transaction:
            region = Region.search([], limit=1)[0]
            bank, = Organization.create([{
                        'name': "Worker Bank", 'kind': 'bank'}])
            Contract.create([{
                        'number': f'W-{i}', 'kind': 'guarantee',
                        'sub_kind': 'individual',
                        'entrepreneur': f"Borrower {i}",
                        'entrepreneur_bin': cls.bins[i], 'bank': bank.id,
                        'region': region.id, 'purpose': 'investment',
                        'amount': Decimal(1000000),
                        'guarantee_amount': Decimal(500000),
                        'contract_date': dt.date(2024, 3, 1),
                        'decision_date': dt.date(2024, 2, 20),
                        } for i in range(ROWS)])
            user, = User.create([{
                        'login': 'worker.bank', 'name': "Worker Bank",
                        'kz_organization': bank.id,
                        'groups': [('add', [ModelData.get_id(
                                            'kz_base', 'group_bank')])],
                        }])
            transaction.commit()
            cls.bank_id, cls.user_id = bank.id, user.id

    def _file(self, outstanding):
        from trytond.modules.kz_damu_monitoring import annex4
        return annex4.write_xlsx([[i + 1, "Worker Bank", "Astana",
                    f"Borrower {i}", self.bins[i], "LLP", f'W-{i}',
                    dt.date(2024, 3, 1), 36, 1000000, 12, 0, 0,
                    dt.date(2024, 3, 5), 1000000, outstanding, 'GA', None,
                    500000, 0, 0, 0, 0, 'investment', '10.11', 'active',
                    '12', dt.date(2024, 2, 1), '1'] for i in range(ROWS)])

    def _submit(self, period, data):
        from trytond.transaction import Transaction
        Upload = self.pool.get('damu.bank.report.upload')
        Organization = self.pool.get('kz.organization')
        with Transaction().start(self.database, self.user_id) as transaction:
            upload = Upload.submit(Organization(self.bank_id), period,
                'programme_1', 'annex4.xlsx', data)
            transaction.commit()
            return upload.id

    def _upload(self, upload_id):
        "Return the state, imported rows and lines of the upload"
        from trytond.transaction import Transaction
        Upload = self.pool.get('damu.bank.report.upload')
        Line = self.pool.get('damu.bank.report.line')
        with Transaction().start(self.database, 0, readonly=True):
            upload = Upload(upload_id)
            lines = Line.search_count([
                    ('report.bank', '=', self.bank_id),
                    ('report.period', '=', upload.period),
                    ])
            return upload.state, upload.imported, lines

    def _debts(self):
        with self._connect() as connection:
            return {row[0] for row in connection.execute(
                    "SELECT outstanding_debt FROM damu_contract "
                    "WHERE number LIKE 'W-%%'")}

    def _connect(self):
        return psycopg.connect(
            f"host=127.0.0.1 port={os.environ['KZ_PG_PORT']} "
            f"user=postgres dbname={self.database}", autocommit=True)

    def _start_worker(self, name):
        os.makedirs(support.ARTIFACTS, exist_ok=True)
        log = open(os.path.join(support.ARTIFACTS,
                f'trytond-worker-{name}.log'), 'w')
        process = subprocess.Popen([
                os.path.join(support.BIN, 'trytond-worker'),
                '-c', support.config_file(), '-d', self.database, '-n', '1',
                '-t', '1'],
            env=dict(os.environ, TRYTOND_QUEUE__WORKER='True'),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.addCleanup(log.close)
        self.addCleanup(self._kill, process)
        return process

    @staticmethod
    def _kill(process, sig=signal.SIGTERM):
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(30)

    def _wait(self, test, message, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = test()
            if result:
                return result
            time.sleep(0.5)
        self.fail(message)

    def test_worker_imports_and_restarts(self):
        "A real worker imports; killed mid-write it leaves nothing"
        # 1. The worker imports a queued upload
        worker = self._start_worker('first')
        upload_id = self._submit(dt.date(2025, 1, 1), self._file(1000))
        self._wait(lambda: self._upload(upload_id)[0] == 'done',
            "the worker did not import the upload")
        self.assertEqual(self._upload(upload_id), ('done', ROWS, ROWS))
        self.assertEqual(self._debts(), {Decimal(1000)})

        # 2. Killed while it writes: its UPDATE of the contracts waits on
        # a lock held here, after its lines are COPY'd
        with self._connect() as locker:
            locker.execute('BEGIN')
            locker.execute(
                'LOCK TABLE damu_contract IN SHARE ROW EXCLUSIVE MODE')
            upload_id = self._submit(dt.date(2025, 2, 1), self._file(2000))

            def waiting():
                with self._connect() as connection:
                    return connection.execute(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = %s AND wait_event_type = 'Lock' "
                        "AND query LIKE 'UPDATE%%damu_contract%%'",
                        (self.database,)).fetchone()
            pid, = self._wait(waiting, "the import did not reach its UPDATE")
            self.assertEqual(self._upload(upload_id)[0], 'running')
            self._kill(worker, signal.SIGKILL)
            locker.execute('ROLLBACK')

        def ended():
            with self._connect() as connection:
                return not connection.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                    (pid,)).fetchone()
        self._wait(ended, "the killed worker's transaction did not end")
        # Nothing written: no line, the debts of the first file
        self.assertEqual(self._upload(upload_id), ('running', None, 0))
        self.assertEqual(self._debts(), {Decimal(1000)})

        # 3. The cron of stalled uploads queues it again; a new worker
        # imports it once
        from trytond.transaction import Transaction
        Upload = self.pool.get('damu.bank.report.upload')
        with Transaction().start(self.database, 0) as transaction:
            self.assertEqual(
                [u.id for u in Upload.requeue_stalled(minutes=0)],
                [upload_id])
            transaction.commit()
        self._start_worker('second')
        self._wait(lambda: self._upload(upload_id)[0] == 'done',
            "the new worker did not import the upload")
        self.assertEqual(self._upload(upload_id), ('done', ROWS, ROWS))
        self.assertEqual(self._debts(), {Decimal(2000)})

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The Annex 4 import as a task of trytond's queue: success, bad rows and
the choice to import the valid ones, cancel, a worker stopped in the
middle of the writes (nothing half-written, the upload runs again).

The task writes its progress and its result in transactions of its own,
committed: the data of these tests is committed too, in a database of
their own dropped at the end; the task is run directly, as trytond-worker
runs it (tests/integration/test_annex4_worker.py runs a real worker)."""
import datetime as dt
import os
import subprocess
import tempfile
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.kz_base.tests.tools import as_user, create_user
from trytond.modules.kz_damu_monitoring import annex4, bank_report
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction, without_check_access

from .test_module import annex4_row
from .tools import BINS, contract_values

PERIODS = iter(dt.date(2024, m, 1) for m in range(1, 13))


class Killed(BaseException):
    "The worker process stopped (SIGKILL, restart): nothing catches it"


def refresh():
    "See what the task committed in its own transactions"
    transaction = Transaction()
    transaction.commit()
    transaction.cache.clear()


class Annex4QueueTestCase(unittest.TestCase):
    "Test the queued Annex 4 import"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_damu_monitoring')
        cls._setup()

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @classmethod
    @with_transaction()
    def _setup(cls):
        pool = Pool()
        Organization = pool.get('kz.organization')
        Region = pool.get('kz.region')
        Contract = pool.get('damu.contract')
        astana, = Region.search([('code', '=', '710000000')])
        bank, = Organization.create([{'name': "Queue Bank", 'kind': 'bank'}])
        orgs = {'halyk': bank, 'astana': astana}
        Contract.create([contract_values(orgs, f'Q-{i}',
                    entrepreneur_bin=BINS[i % 3]) for i in range(6)])
        user = create_user(
            'queue.bank', 'group_bank', bank, name="Queue Bank User")
        Transaction().commit()
        cls.bank_id, cls.user_id = bank.id, user.id

    def _submit(self, rows, filename='annex4.xlsx', data=None):
        "Submit a file as the bank's user; return the upload, committed"
        pool = Pool()
        Upload = pool.get('damu.bank.report.upload')
        Organization = pool.get('kz.organization')
        if data is None:
            data = annex4.write_xlsx(rows)
        with Transaction().set_user(self.user_id):
            upload = Upload.submit(Organization(self.bank_id),
                next(PERIODS), 'programme_1', filename, data)
        refresh()
        return Upload(upload.id)

    def _run(self, upload):
        "Run the queued task of the upload as trytond-worker runs it"
        pool = Pool()
        Queue = pool.get('ir.queue')
        task = Queue(upload.task)
        self.assertEqual(task.data['method'], 'process')
        self.assertEqual(list(task.data['instances']), [upload.id])
        self.assertEqual(task.data['user'], self.user_id)
        task.run()
        refresh()
        return upload.__class__(upload.id)

    def _debt(self, number):
        Contract = Pool().get('damu.contract')
        contract, = Contract.search([('number', '=', number)])
        return contract.outstanding_debt

    @with_transaction()
    def test_success(self):
        "The task imports the file; the upload shows the result"
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        upload = self._submit([
                annex4_row('Q-0', BINS[0], outstanding=1111),
                annex4_row('Q-1', BINS[1], outstanding='2 222,50'),
                ])
        # Nothing is read in the request
        self.assertEqual(upload.state, 'queued')
        self.assertIsNone(upload.rows_read)
        upload = self._run(upload)
        self.assertEqual(upload.state, 'done')
        self.assertEqual(upload.imported, 2)
        self.assertEqual(upload.valid, 2)
        self.assertEqual(upload.rejected, 0)
        self.assertEqual(upload.progress, 1)
        self.assertEqual(upload.report.state, 'received')
        self.assertEqual(upload.report.period, upload.period)
        self.assertEqual(self._debt('Q-0'), Decimal(1111))
        self.assertEqual(self._debt('Q-1'), Decimal('2222.50'))
        # Who changed the debt: the audit trail, as for an edit
        Entry = pool.get('kz.audit.entry')
        Contract = pool.get('damu.contract')
        contract, = Contract.search([('number', '=', 'Q-1')])
        # (the latest: the other tests import into the same contracts)
        entry, = Entry.search([
                ('model', '=', 'damu.contract'),
                ('record_id', '=', contract.id),
                ('field', '=', 'outstanding_debt'),
                ], order=[('id', 'DESC')], limit=1)
        self.assertEqual(Decimal(entry.new_value), Decimal('2222.50'))
        self.assertNotEqual(entry.old_value, entry.new_value)
        self.assertEqual(entry.user.id, self.user_id)
        self.assertEqual(entry.record_name, contract.rec_name)
        lines = Line.search([('report', '=', upload.report.id)])
        self.assertEqual([l.sheet_row for l in lines], [3, 4])
        # Written as the bank's user who sent the file
        self.assertEqual({l.create_uid.id for l in lines}, {self.user_id})
        # A task run again (a second worker, a retry) writes nothing more
        upload = self._run(upload)
        self.assertEqual(upload.state, 'done')
        self.assertEqual(
            Line.search_count([('report', '=', upload.report.id)]), 2)

    @with_transaction()
    def test_bad_rows(self):
        """Bad rows are reported with row, column and reason; nothing is
        written until the bank imports the valid rows"""
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Upload = pool.get('damu.bank.report.upload')
        before = self._debt('Q-2')
        upload = self._submit([
                annex4_row('Q-2', BINS[2], outstanding=3333),
                annex4_row('Q-3', BINS[0], outstanding='nan'),
                annex4_row('X-1', BINS[0]),
                ])
        upload = self._run(upload)
        self.assertEqual(upload.state, 'errors')
        self.assertEqual((upload.valid, upload.rejected), (1, 2))
        self.assertEqual(upload.errors.splitlines(), [
                'Row 4: column P (16. Outstanding Debt) is not a finite '
                'number: "nan"',
                'Row 5: no contract "X-1" of this bank',
                ])
        self.assertTrue(upload.errors_file)
        self.assertEqual(upload.errors_filename,
            'annex4 - rejected rows.xlsx')
        self.assertEqual(Report.search([('period', '=', upload.period)]), [])
        self.assertEqual(self._debt('Q-2'), before)

        # The bank chooses to import the valid rows: queued again
        with as_user(self.user_id):
            Upload.import_valid_rows([upload])
        refresh()
        upload = Upload(upload.id)
        self.assertEqual(upload.state, 'queued')
        upload = self._run(upload)
        self.assertEqual(upload.state, 'done')
        self.assertEqual(upload.imported, 1)
        self.assertEqual(upload.rejected, 2)
        self.assertEqual(self._debt('Q-2'), Decimal(3333))

    @with_transaction()
    def test_cancel(self):
        """A queued upload cancelled is not run; a running one stops at its
        next progress report and writes nothing"""
        pool = Pool()
        Upload = pool.get('damu.bank.report.upload')
        Report = pool.get('damu.bank.report')
        before = self._debt('Q-4')
        rows = [annex4_row('Q-4', BINS[1], outstanding=4444)]

        upload = self._submit(rows)
        with as_user(self.user_id):
            Upload.cancel([upload])
        refresh()
        upload = self._run(Upload(upload.id))
        self.assertEqual(upload.state, 'cancelled')
        self.assertIsNone(upload.rows_read)

        # Cancelled while the file is read (by the bank, in its request)
        upload = self._submit(rows)
        read = annex4.read

        def read_and_cancel(*args, **kwargs):
            with Transaction().new_transaction() as transaction:
                Upload.cancel([Upload(upload.id)])
                transaction.commit()
            return read(*args, **kwargs)
        with patch.object(annex4, 'read', read_and_cancel), \
                patch.object(annex4, 'PROGRESS_ROWS', 1):
            upload = self._run(upload)
        self.assertEqual(upload.state, 'cancelled')
        self.assertEqual(Report.search([('period', '=', upload.period)]), [])
        self.assertEqual(self._debt('Q-4'), before)

        # A done upload cannot be cancelled
        upload = self._run(self._submit(rows))
        self.assertEqual(upload.state, 'done')
        Upload.cancel([upload])
        self.assertEqual(upload.state, 'done')

    @with_transaction()
    def test_worker_restart(self):
        """A worker stopped in the middle of the writes leaves nothing
        written; the stalled upload is queued again and imported once"""
        pool = Pool()
        Upload = pool.get('damu.bank.report.upload')
        Report = pool.get('damu.bank.report')
        Line = pool.get('damu.bank.report.line')
        Queue = pool.get('ir.queue')
        before = self._debt('Q-5')
        upload = self._submit([annex4_row('Q-5', BINS[2], outstanding=5555)])
        copied = []
        insert = Report._insert_lines

        def insert_then_die(lines):
            insert(lines)
            copied.append(len(lines))
            # The lines are COPY'd, the contracts not yet updated
            raise Killed
        with patch.object(Report, '_insert_lines', insert_then_die):
            with self.assertRaises(Killed):
                Queue(upload.task).run()
        refresh()
        self.assertEqual(copied, [1])
        upload = Upload(upload.id)
        self.assertEqual(upload.state, 'running')
        self.assertEqual(Report.search([('period', '=', upload.period)]), [])
        self.assertEqual(Line.search([('agreement_number', '=', 'Q-5')]), [])
        self.assertEqual(self._debt('Q-5'), before)

        # Not stalled yet: left alone
        self.assertEqual(Upload.requeue_stalled(), [])
        # The cron of stalled uploads queues it again
        Upload.write([upload], {
                'heartbeat': dt.datetime.now() - dt.timedelta(hours=1)})
        old_task = upload.task
        self.assertEqual(Upload.requeue_stalled(), [upload])
        refresh()
        upload = Upload(upload.id)
        self.assertEqual(upload.state, 'queued')
        self.assertNotEqual(upload.task, old_task)
        upload = self._run(upload)
        self.assertEqual(upload.state, 'done')
        self.assertEqual(upload.imported, 1)
        self.assertEqual(
            Line.search_count([('agreement_number', '=', 'Q-5')]), 1)
        self.assertEqual(self._debt('Q-5'), Decimal(5555))

        # A queued upload whose task a worker took and never finished
        upload = self._submit([annex4_row('Q-5', BINS[2])])
        task = Queue(upload.task)
        task.dequeued_at = dt.datetime.now() - dt.timedelta(hours=1)
        task.save()
        self.assertEqual(Upload.requeue_stalled(), [upload])

    @with_transaction()
    def test_wizard_queues(self):
        """With trytond-worker the wizard stores the file on an upload,
        queues it and opens the upload: the request reads nothing"""
        pool = Pool()
        Wizard = pool.get('damu.bank.report.import', type='wizard')
        Upload = pool.get('damu.bank.report.upload')
        Organization = pool.get('kz.organization')
        data = annex4.write_xlsx([annex4_row('Q-0', BINS[0])])
        session_id, _, _ = Wizard.create()
        session = Wizard(session_id)
        session.start.bank = Organization(self.bank_id)
        session.start.period = dt.date(2023, 1, 1)
        session.start.programme = 'programme_1'
        session.start.file = data
        session.start.filename = 'jan.xlsx'
        session.start.replace = False
        with patch.object(bank_report, 'queue_worker', return_value=True), \
                patch.object(annex4, 'read') as read, \
                without_check_access():
            self.assertEqual(session.transition_check(), 'queued')
            action, _ = session.do_queued(
                {'views': [(1, 'tree'), (2, 'form')]})
        read.assert_not_called()
        upload = Upload(action['res_id'][0])
        self.assertEqual(action['views'][0], (2, 'form'))
        self.assertEqual(upload.state, 'queued')
        self.assertEqual(upload.filename, 'jan.xlsx')
        self.assertEqual(bytes(upload.file), data)
        self.assertTrue(upload.task)

    @with_transaction()
    def test_ods(self):
        "An .ods file (LibreOffice) imports through the queue as an .xlsx"
        data = annex4.write_xlsx([annex4_row('Q-3', BINS[0], outstanding=77)])
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'annex4.xlsx')
            with open(path, 'wb') as fp:
                fp.write(data)
            subprocess.run(['soffice',
                    f'-env:UserInstallation=file://{directory}/profile',
                    '--headless', '--convert-to', 'ods', '--outdir',
                    directory, path], check=True, capture_output=True,
                timeout=180)
            with open(os.path.join(directory, 'annex4.ods'), 'rb') as fp:
                ods = fp.read()
        upload = self._run(self._submit(None, 'annex4.ods', data=ods))
        self.assertEqual(upload.state, 'done', upload.message)
        self.assertEqual(upload.imported, 1)
        self.assertEqual(self._debt('Q-3'), Decimal(77))

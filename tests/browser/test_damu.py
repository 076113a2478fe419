# This file is part of the KZ Investment Platform.
"""Browser test: a Damu monitoring officer opens the contracts list and a
monitoring; a bank user sees only its own bank's contracts; the bank
uploads its Annex 4 report, imported by trytond-worker, and follows its
progress and result on the upload record."""
import os
import subprocess

from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_damu'


class SaoDamuTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_damu_monitoring']

    @classmethod
    def setUpClass(cls):
        # The shared server queues the Annex 4 imports ([queue] worker) for
        # a trytond-worker of its own, as ./platform run does (the demo
        # data is loaded before, without it)
        super(support.SaoTestCase, cls).setUpClass()
        support.create_database(cls.DATABASE, modules=cls.MODULES)
        cls.server = support.running_server(cls.DATABASE,
            extra_env={'TRYTOND_QUEUE__WORKER': 'True'})
        cls.url = cls.server.__enter__()
        os.makedirs(support.ARTIFACTS, exist_ok=True)
        cls.worker_log = open(os.path.join(
                support.ARTIFACTS, f'trytond-worker-{DATABASE}.log'), 'w')
        cls.worker = subprocess.Popen([
                os.path.join(support.BIN, 'trytond-worker'),
                '-c', support.config_file(), '-d', DATABASE, '-n', '1',
                '-t', '1'],
            env=dict(os.environ, TRYTOND_QUEUE__WORKER='True'),
            stdout=cls.worker_log, stderr=subprocess.STDOUT,
            start_new_session=True)

    @classmethod
    def tearDownClass(cls):
        os.killpg(cls.worker.pid, 15)
        cls.worker.wait(30)
        cls.worker_log.close()
        super().tearDownClass()

    def test_bank_uploads_annex4(self):
        """The bank uploads its Annex 4 file: the wizard returns at once on
        the upload record, which shows the worker's progress and result"""
        import datetime as dt
        import tempfile

        from trytond.modules.kz_damu_monitoring import annex4
        Model = self.proteus()
        Contract = Model.get('damu.contract')
        contracts = Contract.find([
                ('bank.name', '=', "Halyk Bank"),
                ('kind', 'in', ['subsidy', 'guarantee']),
                ('instrument', '=', 'programme'),
                ('direction', 'in', [None, '1']),
                ])
        self.assertTrue(contracts)
        rows = [[i + 1, "Halyk Bank", "Astana", c.entrepreneur,
                c.entrepreneur_bin, "LLP", c.number, dt.date(2024, 3, 1), 36,
                1000000, 12, 0, 0, dt.date(2024, 3, 5), 1000000, 777000, '',
                None, None, None, 0, 0, 0, 'investment', '10.11', 'active',
                '12', dt.date(2024, 2, 1), '1']
            for i, c in enumerate(contracts)]
        with tempfile.TemporaryDirectory() as directory, \
                support.browser_page() as page:
            path = os.path.join(directory, 'halyk-annex4.xlsx')
            with open(path, 'wb') as fp:
                fp.write(annex4.write_xlsx(rows))
            support.sao_login(
                page, self.url, DATABASE, 'bank', support.DEMO_PASSWORD)
            support.sao_open_menu(page, 'Investment Platform',
                'Damu Monitoring', 'Import Annex 4 Report')
            dialog = page.locator('.modal-dialog:visible').last
            dialog.get_by_text('Replace a Received Report').first.wait_for()
            dialog.locator('input[type=file]').first.set_input_files(path)
            self.field(dialog, 'Replace a Received Report').check()
            dialog.get_by_role('button', name='Check and Import').click()
            # The request returns at once on the upload record
            form = page.locator('#tabcontent .form').last
            try:
                form.get_by_text('Rows Read').first.wait_for()
            except Exception:
                support.screenshot(page, 'damu_bank_annex4_no_upload')
                raise
            # The wizard ended: no dialog of it is left over the form
            expect(page.locator('.wizard-dialog:visible')).to_have_count(0)
            support.screenshot(page, 'damu_bank_annex4_queued')
            Upload = Model.get('damu.bank.report.upload')
            self.wait_for(lambda: Upload.find([
                        ('filename', '=', 'halyk-annex4.xlsx'),
                        ('state', '=', 'done'),
                        ]), "the worker did not import the upload",
                timeout=180)
            # The bank's list of uploads shows the result
            support.sao_open_menu(page, 'Annex 4 Uploads')
            row = page.locator('#tabcontent .treeview tbody tr',
                has_text='halyk-annex4.xlsx').first
            row.wait_for()
            row.get_by_text('Done', exact=True).first.wait_for()
            support.screenshot(page, 'damu_bank_annex4_upload')
        upload, = Upload.find([('filename', '=', 'halyk-annex4.xlsx')])
        self.assertEqual(upload.state, 'done')
        self.assertEqual(upload.imported, len(rows))
        self.assertEqual(upload.create_uid.login, 'bank')
        for contract in contracts:
            contract.reload()
            self.assertEqual(contract.outstanding_debt, 777000)

    def test_officer_contracts_and_monitoring(self):
        "The officer lists the contracts and opens a monitoring"
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'damu.officer',
                support.DEMO_PASSWORD)
            support.sao_open_menu(
                page, 'Investment Platform', 'Damu Monitoring', 'Contracts')
            tab = page.locator('#tabcontent')
            tab.get_by_text('HB-S-2024-001').first.wait_for()
            # The "Subsidies" tab of the action is selected first
            tab.get_by_text('BCC-S-2024-001').first.wait_for()
            self.assertEqual(tab.get_by_text('HB-G-2024-001').count(), 0)
            support.screenshot(page, 'damu_officer_contracts')
            support.sao_open_menu(page, 'Monitorings')
            # The monitoring requested by the regional coordinator (the
            # plan of next year has a draft one of the same project)
            row = page.locator('#tabcontent .treeview tbody tr',
                has_text='Astana Bakery LLP').filter(
                has_text='On request').first
            row.wait_for()
            # Not the middle of the row: a link of a Many2One (the
            # contract) there opens its record instead
            row.get_by_text('On request').first.dblclick()
            form = page.locator('#tabcontent .form').last
            form.get_by_text('Notify Bank By').first.wait_for()
            # Notified: the notices were sent, the next step is the start
            form.locator('button', has_text='Send Notices').first.wait_for(
                state='hidden')
            form.locator('button:visible', has_text='Start').first.wait_for()
            form.get_by_text('Documents', exact=True).first.click()
            form.get_by_text('Annex 2.3 Collateral agreements').first \
                .wait_for()
            support.screenshot(page, 'damu_officer_monitoring')

    def test_bank_sees_own_contracts(self):
        "The Halyk Bank user sees Halyk's contracts only"
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'bank', support.DEMO_PASSWORD)
            support.sao_open_menu(
                page, 'Investment Platform', 'Damu Monitoring', 'Contracts')
            tab = page.locator('#tabcontent')
            tab.get_by_text('HB-S-2024-001').first.wait_for()
            self.assertEqual(tab.get_by_text('BCC-S-2024-001').count(), 0)
            self.assertEqual(
                page.locator('#menu').get_by_text(
                    'Monitoring Plans', exact=True).count(), 0)
            support.screenshot(page, 'damu_bank_contracts')

    def test_bank_notice_received(self):
        "The bank receives the Damu notice, downloads its PDF and "
        "acknowledges it"
        import re
        import subprocess
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            support.sao_login(
                page, self.url, DATABASE, 'bank', support.DEMO_PASSWORD)
            support.sao_open_menu(page, 'Investment Platform',
                'Damu Monitoring', 'Notices Received')
            tab = page.locator('#tabcontent')
            row = tab.locator('.treeview tbody tr',
                has_text='Notice of monitoring to the bank').first
            try:
                row.wait_for()
            except Exception:
                support.screenshot(page, 'damu_bank_notices_missing')
                print(errors)
                raise
            self.assertEqual(tab.get_by_text('Bank CenterCredit').count(), 0)
            row.dblclick()
            form = page.locator('#tabcontent .form').last
            form.get_by_text('Astana Bakery LLP').first.wait_for()
            page.locator('#tabcontent button[title="Print report"]:visible') \
                .first.click()
            # sao clicks the download link of its dialog itself
            with page.expect_download(timeout=120000) as info:
                page.locator('#tabcontent .dropdown-menu:visible a',
                    has_text='Notice').first.click()
            path = info.value.path()
            with open(path, 'rb') as fp:
                self.assertEqual(fp.read(5), b'%PDF-')
            text = subprocess.run(['pdftotext', '-enc', 'UTF-8', path, '-'],
                check=True, capture_output=True).stdout.decode('utf-8')
            self.assertIn('Astana Bakery LLP', text)
            # pdftotext drops the hyphen of a number broken at a line end
            self.assertIn('HBG2024001', re.sub(r'[\s-]', '', text))
            support.screenshot(page, 'damu_bank_notice')
            button = form.get_by_role('button', name='Acknowledge')
            button.click()
            # Acknowledged: the button is gone
            button.wait_for(state='hidden')
        Notice = self.proteus()
        Notice = Notice.get('damu.notice')
        notice, = Notice.find([('organization.name', '=', "Halyk Bank"),
                ('kind', '=', 'bank')])
        self.assertEqual(notice.state, 'acknowledged')
        self.assertEqual(notice.acknowledged_by.login, 'bank')

    def test_officer_prints_annex5_pdf(self):
        "The officer prints the guarantee report (Annex 5) as a PDF"
        import subprocess
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'damu.officer',
                support.DEMO_PASSWORD)
            support.sao_open_menu(page, 'Investment Platform',
                'Damu Monitoring', 'Guarantee Report (Annex 5)')
            dialog = page.locator('.modal-dialog:visible').last
            dialog.get_by_text('Due By').first.wait_for()
            with page.expect_download(timeout=120000) as info:
                dialog.locator('button', has_text='PDF').first.click()
            path = info.value.path()
            with open(path, 'rb') as fp:
                self.assertEqual(fp.read(5), b'%PDF-')
            self.assertTrue(info.value.suggested_filename.endswith('.pdf'))
            text = subprocess.run(['pdftotext', '-enc', 'UTF-8', path, '-'],
                check=True, capture_output=True).stdout.decode('utf-8')
            self.assertIn('Annex 5 to the Monitoring Rules', text)
            # The demo's guarantees by region, and their total
            self.assertIn('Astana', text)
            self.assertIn('Total', text)
            support.screenshot(page, 'damu_officer_annex5')

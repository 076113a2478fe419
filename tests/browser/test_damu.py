# This file is part of the KZ Investment Platform.
"""Browser test: a Damu monitoring officer opens the contracts list and a
monitoring; a bank user sees only its own bank's contracts."""

from tests import support

DATABASE = 'test_browser_damu'


class SaoDamuTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_damu_monitoring']

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
            row.dblclick()
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

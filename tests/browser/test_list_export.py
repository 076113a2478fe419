# This file is part of the KZ Investment Platform.
"""Browser test: the ministry filters the project list in sao and exports
it to Excel from the print menu; the file holds the visible columns and
only the filtered rows, in the list's order."""
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_export'
FILTER = 'plant'


class SaoListExportTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_ncip']

    def test_ministry_exports_filtered_projects(self):
        "ministry exports the filtered project list to Excel"
        with support.browser_page() as page:
            support.sao_login(page, self.url, DATABASE, 'ministry',
                support.DEMO_PASSWORD)
            support.sao_open_menu(page, 'Investment Platform',
                'One Window (NCIP)', 'Projects')
            tab = page.locator('#tabcontent')
            rows = tab.locator('.treeview tbody tr:visible')
            rows.first.wait_for()
            search = tab.locator('.screen-container input[type=search], '
                '.screen-container input.form-control').first
            search.fill(FILTER)
            search.press('Enter')
            expect(rows.filter(has_not_text=re.compile(
                        FILTER, re.I))).to_have_count(0)
            listed = [r.strip() for r in rows.all_inner_texts()]
            self.assertTrue(listed)
            headers = [h.strip() for h in tab.locator(
                    '.treeview thead th:visible').all_inner_texts()]
            headers = [h for h in headers if h]
            support.screenshot(page, 'export_filtered_projects')
            # sao enables its print menu once a record is current: the
            # file still holds every listed record, not the selection
            rows.first.click()
            tab.locator('button[title="Print report"]:visible').first.click()
            # sao clicks the link of its download dialog itself
            with page.expect_download() as download:
                page.locator('a[role=menuitem]:visible',
                    has_text='Excel (.xlsx)').first.click()
            # Named after the list and the day
            self.assertRegex(download.value.suggested_filename,
                r'^Investment Project \d{4}-\d{2}-\d{2}\.xlsx$')
            # The file goes with the browser
            with open(download.value.path(), 'rb') as fp:
                content = fp.read()
        sheet = load_workbook(io.BytesIO(content)).active
        values = [list(r) for r in sheet.values]
        # sao hides a column whose value the tab fixes (the state of the
        # Passport tab); the file keeps it so that it reads on its own
        self.assertEqual([h for h in values[0] if h in headers], headers)
        self.assertLessEqual(set(values[0]) - set(headers), {'State'})
        names = [r[values[0].index('Name')] for r in values[1:]]
        self.assertEqual(len(names), len(listed))
        for name, row in zip(names, listed):
            self.assertIn(FILTER, name.lower())
            self.assertIn(name, row)

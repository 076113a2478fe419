# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The .xlsx writers never turn a text of the data into a formula
(xlsx.text_cell / append_row, used by every writer of the platform)."""
import datetime as dt
import io
import unittest
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from trytond.modules.kz_base import xlsx
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

# A text starting with each prefix a spreadsheet may evaluate
DANGEROUS = [
    '=HYPERLINK("http://x","click")',
    '+1+cmd|\' /C calc\'!A0',
    '-2+3',
    '@SUM(A1:A2)',
    '\t=1+1',
    '\r=1+1',
    '#N/A',
    ]


def saved(workbook):
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class XlsxTestCase(unittest.TestCase):
    "Test the escaping of the .xlsx writers"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def assertText(self, cell, text):
        "The cell is a text cell showing text, never evaluated"
        self.assertEqual(cell.data_type, 's')
        self.assertEqual(cell.value, text)
        self.assertEqual(cell.quotePrefix, True)

    def assertNoFormula(self, content):
        "No cell of any sheet of the file is a formula or an error"
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.startswith('xl/worksheets/'):
                    part = archive.read(name)
                    self.assertNotIn(b'<f>', part, name)
                    self.assertNotIn(b't="e"', part, name)

    def test_helper(self):
        "Each dangerous text is a quoted text cell, other values unchanged"
        for write_only in [False, True]:
            with self.subTest(write_only=write_only):
                workbook = Workbook(write_only=write_only)
                sheet = workbook.create_sheet('Test')
                for text in DANGEROUS:
                    xlsx.append_row(sheet, [text, 'plain', -5, -2.5,
                            Decimal('-3.25'), dt.date(2025, 3, 1), True,
                            None, '1-2'])
                content = saved(workbook)
                self.assertNoFormula(content)
                sheet = load_workbook(io.BytesIO(content))['Test']
                rows = list(sheet.iter_rows())
                self.assertEqual(len(rows), len(DANGEROUS))
                for row, text in zip(rows, DANGEROUS):
                    self.assertText(row[0], text)
                    self.assertEqual(
                        (row[1].value, row[1].data_type), ('plain', 's'))
                    self.assertEqual(row[1].quotePrefix, False)
                    # Negative numbers stay numbers
                    self.assertEqual((row[2].value, row[2].data_type),
                        (-5, 'n'))
                    self.assertEqual((row[3].value, row[3].data_type),
                        (-2.5, 'n'))
                    self.assertEqual((row[4].value, row[4].data_type),
                        (-3.25, 'n'))
                    self.assertEqual(row[5].value, dt.datetime(2025, 3, 1))
                    self.assertEqual(row[5].is_date, True)
                    self.assertEqual((row[6].value, row[6].data_type),
                        (True, 'b'))
                    self.assertEqual(row[7].value, None)
                    self.assertEqual(row[8].value, '1-2')

    def test_text_cell_values(self):
        "text_cell returns the values that need no escaping as they are"
        sheet = Workbook().active
        for value in ['text', '', 'a=b', 0, -1, -1.5, Decimal('-2'), None,
                dt.date(2025, 1, 1), False]:
            self.assertIs(xlsx.text_cell(sheet, value), value)
        for text in DANGEROUS:
            cell = xlsx.text_cell(sheet, text)
            self.assertText(cell, text)

    @with_transaction()
    def test_list_xlsx_records(self):
        "Records named like formulas export as texts through kz.list.xlsx"
        pool = Pool()
        Region = pool.get('kz.region')
        ListXlsx = pool.get('kz.list.xlsx', type='report')
        # Char fields strip the leading tab and carriage return
        names = [t for t in DANGEROUS if t[0] not in '\t\r']
        regions = Region.create([{
                    'code': f'99000000{i}',
                    'name': name,
                    'capital': name,
                    } for i, name in enumerate(names)])
        oext, content, _, _ = ListXlsx.execute(
            [r.id for r in regions], {'model': 'kz.region'})
        self.assertEqual(oext, 'xlsx')
        self.assertNoFormula(content)
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(min_row=2))
        self.assertEqual(len(rows), len(names))
        by_code = {r[0].value: r for r in rows}
        for i, name in enumerate(names):
            row = by_code[f'99000000{i}']
            self.assertText(row[1], name)
            self.assertText(row[3], name)

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Hostile Annex 4 files: non-finite, out-of-range and implausible numbers
are row errors naming row and column, a file over the row limit is refused
while it is read, the rejected rows are listed up to a limit and all of
them given as a file; the module's .xlsx writers never write a formula."""
import datetime as dt
import io
import unittest
import zipfile
from decimal import Decimal
from unittest.mock import patch

import openpyxl

from trytond.modules.kz_damu_monitoring import annex4
from trytond.modules.kz_damu_monitoring.exceptions import ImportFileError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from .test_module import annex4_row
from .tools import BINS, contract_values, setup_orgs

FORMULA = '=HYPERLINK("http://x","click")'


def raw_values(data, values):
    """Return data with the numbers of the sheet written as the texts of
    values {number: text}, as a writer of "NaN" or "Infinity" does"""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith('xl/worksheets/'):
                for number, text in values.items():
                    old = f'<v>{number}</v>'.encode()
                    assert old in content, number
                    content = content.replace(old, f'<v>{text}</v>'.encode())
            target.writestr(info, content)
    return output.getvalue()


class Annex4LimitsTestCase(unittest.TestCase):
    "Test the limits of the Annex 4 import and the module's .xlsx writers"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_damu_monitoring')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _contracts(self, orgs, numbers):
        Contract = Pool().get('damu.contract')
        return Contract.create([contract_values(orgs, n) for n in numbers])

    def _configure(self, **values):
        Configuration = Pool().get('kz.configuration')
        config = Configuration(1)
        for name, value in values.items():
            setattr(config, name, value)
        config.save()

    def _wizard(self, bank, data, filename='annex4.xlsx'):
        Wizard = Pool().get('damu.bank.report.import', type='wizard')
        session_id, _, _ = Wizard.create()
        session = Wizard(session_id)
        session.start.bank = bank
        session.start.period = dt.date(2025, 3, 1)
        session.start.file = data
        session.start.filename = filename
        session.start.replace = False
        return session

    @with_transaction()
    def test_unicode_spaces_group_thousands(self):
        """Amounts typed with any Unicode space between thousands (Excel's
        ru-RU narrow no-break space) are read; a wrong one is quoted"""
        for text in ['250\u202f000\u202f000,00', '250\u00a0000\u00a0000,00',
                '250\u2009000\u2009000,00', '250 000 000,00', '250000000']:
            with self.subTest(text=text):
                self.assertEqual(annex4._number(text), Decimal('250000000'))
        orgs = setup_orgs()
        self._contracts(orgs, ['S-1', 'S-2'])
        data = annex4.write_xlsx([
                annex4_row('S-1', BINS[0], c10='250\u202f000\u202f000,00'),
                annex4_row('S-2', BINS[0], c10='250 000 000.00 тг'),
                ])
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'errors')
        self.assertEqual(session.done.valid, 1)
        error, = session.done.errors.splitlines()
        self.assertEqual(error, 'Row 4: column J (10. Loan Amount) is not a '
            'number: "250 000 000.00 тг"')

    @with_transaction()
    def test_bad_numbers_are_row_errors(self):
        """NaN, infinities (as numbers and as text), 1e30, negative and
        implausible amounts: each an error of its row naming the column"""
        pool = Pool()
        Report = pool.get('damu.bank.report')
        orgs = setup_orgs()
        numbers = [f'S-{i}' for i in range(12)]
        contracts = self._contracts(orgs, numbers)
        # (column, value, expected reason); the numbers 9xxx.5 are written
        # as raw texts of numeric cells
        cases = [
            (10, 9001.5, 'column J (10. Loan Amount) is not a finite number'),
            (16, 9002.5,
                'column P (16. Outstanding Debt) is not a finite number'),
            (21, 9003.5,
                'column U (21. Overdue Principal) is not a finite number'),
            (10, 1e30, 'column J (10. Loan Amount) is out of range'),
            (16, 'nan',
                'column P (16. Outstanding Debt) is not a finite number'),
            (19, 'Infinity',
                'column S (19. Guarantee Amount) is not a finite number'),
            (15, ' inf ', 'column O (15. Disbursed) is not a finite number'),
            (21, -5, 'column U (21. Overdue Principal) is negative'),
            (22, -3, 'column V (22. Principal Days Overdue) is negative'),
            (22, 1e30,
                'column V (22. Principal Days Overdue) is out of range'),
            (10, 2e13, 'column J (10. Loan Amount) is over the plausible '
                'maximum of 10,000,000,000,000'),
            ]
        rows = []
        for number, (column, value, _) in zip(numbers, cases):
            rows.append(annex4_row(number, BINS[0], **{f'c{column}': value}))
        rows.append(annex4_row(numbers[-1], BINS[0], outstanding=5000))
        data = raw_values(annex4.write_xlsx(rows), {
                9001.5: 'NaN', 9002.5: 'Infinity', 9003.5: '-INF'})
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'errors')
        self.assertEqual(session.done.valid, 1)
        self.assertEqual(session.done.rejected, len(cases))
        errors = session.done.errors.splitlines()
        self.assertEqual(len(errors), len(cases))
        for row, (line, (_, value, reason)) in enumerate(
                zip(errors, cases), 3):
            with self.subTest(value=value):
                # The message quotes what the bank typed
                self.assertTrue(
                    line.startswith(f'Row {row}: {reason}: "'), line)
        # The valid row alone is imported
        self.assertEqual(session.transition_import_valid(), 'done')
        self.assertEqual(session.done.imported, 1)
        self.assertEqual(contracts[-1].outstanding_debt, Decimal(5000))
        report, = Report.search([])
        self.assertEqual(report.line_count, 1)

    @with_transaction()
    def test_plausible_amount_configured(self):
        "The plausible maximum of the amounts is a setting"
        orgs = setup_orgs()
        self._contracts(orgs, ['S-1', 'S-2'])
        self._configure(damu_max_amount=Decimal(1000))
        data = annex4.write_xlsx([
                annex4_row('S-1', BINS[0], outstanding=1000, c10=1000,
                    c11=5000, c15=1000),
                annex4_row('S-2', BINS[0], outstanding='1000,01', c10=1000,
                    c15=1000),
                ])
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'errors')
        # The interest rate is not an amount
        self.assertEqual(session.done.valid, 1)
        self.assertEqual(session.done.errors, 'Row 4: column P '
            '(16. Outstanding Debt) is over the plausible maximum of 1,000: '
            '"1000,01"')

    @with_transaction()
    def test_row_limit(self):
        """A file over the row limit is refused at the first row over it,
        without reading the rest, and nothing is written"""
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Line = pool.get('damu.bank.report.line')
        Upload = pool.get('damu.bank.report.upload')
        orgs = setup_orgs()
        self._contracts(orgs, [f'S-{i}' for i in range(15)])
        self._configure(damu_max_rows=5)
        read = []
        iter_rows = annex4.iter_rows

        def counted(*args, **kwargs):
            for row in iter_rows(*args, **kwargs):
                read.append(row[0])
                yield row
        data = annex4.write_xlsx(
            [annex4_row(f'S-{i}', BINS[0]) for i in range(15)])
        with patch.object(annex4, 'iter_rows', counted):
            with self.assertRaisesRegex(ImportFileError,
                    'has more than 5 rows') as context:
                self._wizard(orgs['halyk'], data).transition_check()
        self.assertIn('"annex4.xlsx"', context.exception.message)
        # 2 header rows, 5 report rows, the 6th refused: 10 rows unread
        self.assertEqual(read, list(range(1, 9)))
        self.assertEqual(Report.search([]), [])
        self.assertEqual(Line.search([]), [])
        self.assertEqual(Upload.search([]), [])

        # Rows that are not report rows count too, beyond a margin
        read.clear()
        data = annex4.write_xlsx([['x'] * 29] * 20)
        with patch.object(annex4, 'iter_rows', counted), \
                patch.object(annex4, 'EXTRA_ROWS', 3):
            with self.assertRaisesRegex(ImportFileError, 'more than 5 rows'):
                self._wizard(orgs['halyk'], data).transition_check()
        self.assertEqual(len(read), 9)

        # As many rows as the limit are accepted
        data = annex4.write_xlsx(
            [annex4_row(f'S-{i}', BINS[0]) for i in range(5)])
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'done')
        self.assertEqual(session.done.imported, 5)

    @with_transaction()
    def test_many_bad_rows(self):
        """200 bad rows: the wizard lists the first ones and counts the
        others; the file of rejected rows has all 200"""
        pool = Pool()
        Wizard = pool.get('damu.bank.report.import', type='wizard')
        Upload = pool.get('damu.bank.report.upload')
        Report = pool.get('damu.bank.report')
        orgs = setup_orgs()
        contract, = self._contracts(orgs, ['S-1'])
        rows = [annex4_row(f'X-{i}', BINS[0], outstanding='nan')
            for i in range(200)]
        rows.append(annex4_row('S-1', BINS[0], outstanding=7000))
        data = annex4.write_xlsx(rows)
        session_id, _, _ = Wizard.create()
        view = Wizard.execute(session_id, {'start': {
                    'bank': orgs['halyk'].id,
                    'period': dt.date(2025, 3, 1),
                    'file': data,
                    'filename': 'march.xlsx',
                    'replace': False,
                    }}, 'check')['view']
        self.assertEqual(view['state'], 'errors')
        defaults = view['defaults']
        self.assertEqual(defaults['valid'], 1)
        self.assertEqual(defaults['rejected'], 200)
        lines = defaults['errors'].splitlines()
        self.assertEqual(len(lines), 51)
        self.assertEqual(lines[0], 'Row 3: column P (16. Outstanding Debt) '
            'is not a finite number: "nan"')
        self.assertEqual(lines[49].split(':')[0], 'Row 52')
        self.assertEqual(lines[50], '... and 150 more rejected rows: all '
            '200 are in the file "march - rejected rows.xlsx".')
        self.assertEqual(defaults['errors_filename'],
            'march - rejected rows.xlsx')

        def rejected_rows(content):
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            return list(sheet.iter_rows(values_only=True))
        table = rejected_rows(defaults['errors_file'])
        self.assertEqual(table[0], ('Row', 'Reasons'))
        self.assertEqual([r[0] for r in table[1:]], list(range(3, 203)))
        self.assertEqual(table[1][1], 'column P (16. Outstanding Debt) '
            'is not a finite number: "nan"')
        # The upload record keeps the file
        upload, = Upload.search([])
        self.assertEqual(upload.rejected, 200)
        self.assertEqual(upload.filename, 'march.xlsx')
        self.assertEqual(upload.errors_filename, 'march - rejected rows.xlsx')
        self.assertEqual(rejected_rows(upload.errors_file), table)
        self.assertEqual(Report.search([]), [])

        # Importing the valid rows lists the same and records no other upload
        view = Wizard.execute(session_id, {}, 'import_valid')['view']
        self.assertEqual(view['state'], 'done')
        self.assertEqual(view['defaults']['imported'], 1)
        self.assertEqual(len(view['defaults']['errors'].splitlines()), 51)
        self.assertEqual(rejected_rows(view['defaults']['errors_file']), table)
        self.assertEqual(Upload.search([]), [upload])
        self.assertEqual(contract.outstanding_debt, Decimal(7000))

        # The number of rows listed is a setting
        self._configure(damu_max_errors_shown=10)
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'errors')
        lines = session.done.errors.splitlines()
        self.assertEqual(len(lines), 11)
        self.assertIn('and 190 more', lines[-1])

    @with_transaction()
    def test_annex4_file_formula_text(self):
        """annex4.write_xlsx writes a text like a formula as a text, and
        the import reads it as that text"""
        orgs = setup_orgs()
        contract, = self._contracts(orgs, ['S-1'])
        data = annex4.write_xlsx(
            [annex4_row('S-1', BINS[0], c4=FORMULA, c24='-investment')])
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet['D3'].data_type, 's')
        self.assertEqual(sheet['D3'].value, FORMULA)
        self.assertEqual(sheet['X3'].value, '-investment')
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'done')
        line, = session.done.report.lines
        self.assertEqual(line.borrower, FORMULA)
        self.assertEqual(line.purpose, '-investment')

    @with_transaction()
    def test_errors_file_formula_text(self):
        "A reason quoting a cell like a formula is a text in the file"
        orgs = setup_orgs()
        self._contracts(orgs, ['S-1'])
        data = annex4.write_xlsx([
                annex4_row('S-1', BINS[0]),
                annex4_row('=1+2', BINS[0]),
                ])
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'errors')
        sheet = openpyxl.load_workbook(
            io.BytesIO(session._errors_file)).active
        self.assertIn('no contract "=1+2"', sheet['B2'].value)
        self.assertEqual(sheet['B2'].data_type, 's')

    @with_transaction()
    def test_annex5_region_formula(self):
        "A region named like a formula is a text in the Annex 5 .xlsx"
        pool = Pool()
        Region = pool.get('kz.region')
        Contract = pool.get('damu.contract')
        Report = pool.get('damu.guarantee.report.xlsx', type='report')
        orgs = setup_orgs()
        region, = Region.create([{'code': '990000001', 'name': FORMULA}])
        Contract.create([contract_values(orgs, 'G-1', kind='guarantee',
                    sub_kind='individual', region=region.id,
                    guarantee_amount=Decimal(500))])
        oext, content, _, _ = Report.execute([], {'date': '2025-03-31'})
        self.assertEqual(oext, 'xlsx')
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet['B4'].value, FORMULA)
        self.assertEqual(sheet['B4'].data_type, 's')
        self.assertEqual(sheet['B4'].quotePrefix, True)
        # Numbers stay numbers
        self.assertEqual((sheet['C4'].value, sheet['C4'].data_type),
            (100000000, 'n'))
        self.assertEqual((sheet['F4'].value, sheet['F4'].data_type),
            (500, 'n'))

    @with_transaction()
    def test_sparse_sheet_refused_before_parsing(self):
        """A sheet whose last row is number 1,048,576 (two rows written, a
        few bytes) is refused before python-calamine builds it in memory;
        an error cell (#N/A) is refused by its column"""
        orgs = setup_orgs()
        self._contracts(orgs, ['S-1'])
        data = annex4.write_xlsx([annex4_row('S-1', BINS[0], c16=9004.5)])
        far = data

        def rewrite(content, old, new):
            output = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(content)) as source, \
                    zipfile.ZipFile(output, 'w',
                        zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    part = source.read(info.filename)
                    if info.filename.startswith('xl/worksheets/'):
                        assert old in part, old
                        part = part.replace(old, new)
                    target.writestr(info, part)
            return output.getvalue()
        far = rewrite(far, b'</sheetData>',
            b'<row r="1048576"><c r="A1048576"><v>9</v></c></row>'
            b'</sheetData>')
        read = []
        iter_rows = annex4.iter_rows

        def counted(*args, **kwargs):
            for row in iter_rows(*args, **kwargs):
                read.append(row[0])
                yield row
        with patch.object(annex4, 'iter_rows', counted):
            with self.assertRaisesRegex(ImportFileError,
                    'has more than 100000 rows'):
                self._wizard(orgs['halyk'], far).transition_check()
        self.assertEqual(read, [])

        # "#N/A" in an amount column, an error cell of Excel
        data = rewrite(data, b'<c r="P3" t="n"><v>9004.5</v></c>',
            b'<c r="P3" t="e"><f>NA()</f><v>#N/A</v></c>')
        session = self._wizard(orgs['halyk'], data)
        self.assertEqual(session.transition_check(), 'errors')
        self.assertEqual(session.done.errors, 'Row 3: column P '
            '(16. Outstanding Debt) is not a number: "#N/A"')

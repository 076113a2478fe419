# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The banks' monthly report on current monitoring (Annex 4, D§21)."""
import datetime as dt
import logging
import os
import time
from collections import defaultdict
from decimal import Decimal

from sql import Cast, Column, Values
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.who import user_organization
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import annex4
from .contract import PROGRAMMES, programme_of
from .exceptions import (
    BankReportError, ImportBankAccessError, ImportFileError)

logger = logging.getLogger(__name__)
AMOUNT = dict(digits=(16, 2))
# The message of each reason annex4 gives for a refused cell
CELL_MESSAGES = {
    'required': 'msg_import_cell_required',
    'number': 'msg_import_cell_number',
    'negative': 'msg_import_cell_negative',
    'date': 'msg_import_cell_date',
    'bin': 'msg_import_cell_bin',
    'not_finite': 'msg_annex4_cell_not_finite',
    'range': 'msg_annex4_cell_range',
    'whole': 'msg_annex4_cell_not_whole',
    'over_bound': 'msg_annex4_cell_over_bound',
    }
# The longest line of a rejected row shown in the wizard (its file has it
# whole): a cell of the file may hold thousands of characters
ERROR_LINE_LENGTH = 500


def first_of_month(date):
    return date.replace(day=1)


def next_month(date):
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


BANK_KINDS = ['bank', 'leasing_company']
# The groups that import the report of any bank
DAMU_STAFF_GROUPS = [
    ('kz_base', 'group_damu_officer'),
    ('kz_base', 'group_damu_manager'),
    ('kz_base', 'group_kz_admin'),
    ]


def user_imports_any_bank():
    "Tell whether the user may import the Annex 4 report of any bank"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if Transaction().user == 0:
        return True
    groups = set(User.get_groups())
    return any(ModelData.get_id(module, xml_id) in groups
        for module, xml_id in DAMU_STAFF_GROUPS)


def user_banks():
    "Return the ids of the banks and leasing companies of the user"
    pool = Pool()
    Organization = pool.get('kz.organization')
    User = pool.get('res.user')
    context = User.kz_rule_context()
    ids = set(context['kz_organizations'])
    if context['kz_organization'] > 0:
        ids.add(context['kz_organization'])
    with without_check_access():
        return [o.id for o in Organization.browse(sorted(ids))
            if o.kind in BANK_KINDS]


def cell_error(message_id, column, limit, cell):
    "Return the message of a refused cell, quoting what the bank typed"
    message = gettext('kz_damu_monitoring.' + message_id,
        column=column, limit=limit)
    value = annex4.cell_text(cell)
    if value:
        message = gettext('kz_damu_monitoring.msg_import_cell_value',
            error=message, value=value)
    return message


class BankReport(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Bank monthly report (Annex 4)"
    __name__ = 'damu.bank.report'
    __string__ = "Bank Monthly Report (Annex 4)"
    _deadline_fields = {'period'}
    _deadline_states = {'expected'}
    bank = fields.Many2One('kz.organization', "Bank", required=True,
        ondelete='RESTRICT', domain=[('kind', 'in', ['bank',
                    'leasing_company'])],
        states={'readonly': Eval('state') != 'expected'})
    period = fields.Date("Month", required=True,
        states={'readonly': Eval('state') != 'expected'},
        help="The first day of the reported month.")
    programme = fields.Selection(PROGRAMMES, "Programme", required=True,
        sort=False, states={'readonly': Eval('state') != 'expected'},
        help="A bank reports separately for each programme and direction "
        "(D§21).")
    programme_string = programme.translated('programme')
    received_date = fields.Date("Received On", readonly=True)
    filename = fields.Char("File Name", readonly=True)
    lines = fields.One2Many('damu.bank.report.line', 'report', "Lines",
        readonly=True)
    line_count = fields.Function(fields.Integer("Rows"), 'get_line_count')
    state = fields.Selection([
            ('expected', "Expected"),
            ('received', "Received"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('bank_period_programme_unique',
                Unique(t, t.bank, t.period, t.programme),
                'kz_damu_monitoring.msg_bank_report_unique'),
            ]
        cls._order.insert(0, ('period', 'DESC'))
        cls._transitions |= {('expected', 'received')}

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        # Migration from 8.0.0: one report per programme (D§21)
        table_h.drop_constraint('bank_period_unique')
        created = not table_h.column_exist('programme')
        super().__register__(module_name)
        if created:
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            cursor.execute(*table.update(
                    [table.programme], ['programme_1']))

    @classmethod
    def default_state(cls):
        return 'expected'

    @classmethod
    def default_programme(cls):
        return 'programme_1'

    def get_rec_name(self, name):
        return (f'{self.bank.rec_name} {self.period:%m.%Y} '
            f'({self.programme_string})')

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('bank.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_line_count(cls, reports, name):
        Line = Pool().get('damu.bank.report.line')
        return {r.id: Line.search_count([('report', '=', r.id)])
            for r in reports}

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('period'):
            values['period'] = first_of_month(values['period'])
        return values

    def get_deadline_start(self):
        return next_month(self.period) if self.period else None

    def get_deadline_duration(self):
        "Due by the 5th of the next month (D§21)"
        Configuration = Pool().get('kz.configuration')
        return Configuration(1).damu_bank_report_day - 1, 'calendar'

    def get_deadline_recipients(self):
        return list(self.bank.users)

    def get_deadline_escalation_recipients(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        group = ModelData.get_id('kz_base', 'group_damu_officer')
        return self.get_deadline_recipients() + User.search(
            [('groups', '=', group)])

    @classmethod
    @Workflow.transition('received')
    def receive_report(cls, reports):
        pass

    @classmethod
    def create_expected(cls, date=None):
        """Expect a report of the previous month from every bank for each
        programme in which it had a guarantee running in that month (D§21:
        the report on the guaranteed projects, separately per programme); a
        missing one turns overdue after the 5th through the daily deadline
        check.  A bank with subsidy contracts only is expected nothing."""
        pool = Pool()
        Contract = pool.get('damu.contract')
        if date is None:
            date = pool.get('ir.date').today()
        period = first_of_month(first_of_month(date) - dt.timedelta(days=1))
        expected = {(c.bank, c.programme) for c in Contract.search([
                    ('kind', '=', 'guarantee'),
                    ('contract_date', '<', next_month(period)),
                    ['OR',
                        ('state', '=', 'active'),
                        ('closed_date', '>=', period),
                        ],
                    ])}
        existing = {(r.bank, r.programme)
            for r in cls.search([('period', '=', period)])}
        return cls.create([{'bank': b.id, 'period': period, 'programme': p}
                for b, p in sorted(expected - existing,
                    key=lambda k: (k[0].id, k[1]))])

    @classmethod
    def import_rows(cls, report, rows):
        """Store the rows as the report's lines and update the contracts'
        debt; return the number of lines"""
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        Contract = pool.get('damu.contract')
        contracts = {c['number']: c
            for c in Contract.search_read([
                    ('bank', '=', report.bank.id),
                    ('kind', 'in', ['subsidy', 'guarantee']),
                    ], fields_names=['number', 'kind', 'guarantee_amount'])}
        to_create, updates = [], {}
        for sheet_row, values in rows:
            contract = contracts.get(values['agreement_number'])
            contract_id = contract['id'] if contract else None
            to_create.append(dict(values, report=report.id,
                    sheet_row=sheet_row, contract=contract_id))
            if contract_id:
                updates[contract_id] = dict(values,
                    **cls._guarantee_values(contract, values))
        # The banks only read the lines: the import alone writes them
        with without_check_access():
            Line.delete(Line.search([('report', '=', report.id)]))
        cls._insert_lines(to_create)
        debt_date = next_month(report.period) - dt.timedelta(days=1)
        cls._update_contract_debts(updates, debt_date)
        return len(to_create)

    @staticmethod
    def _guarantee_values(contract, values):
        """Return what Damu paid under the guarantee (column 20) and the
        remaining guarantee: the guarantee amount (column 19, else the
        contract's) less what was paid (Annex 5, columns 7 and 8)"""
        if contract['kind'] != 'guarantee':
            return {'guarantee_paid': None, 'guarantee_balance': None}
        paid = values.get('guarantee_paid') or Decimal(0)
        amount = values.get('guarantee_amount')
        if amount is None:
            amount = contract['guarantee_amount'] or Decimal(0)
        return {
            'guarantee_paid': paid,
            'guarantee_balance': max(amount - paid, Decimal(0)),
            }

    @classmethod
    def _insert_lines(cls, vlist):
        """Insert the lines in batches of one INSERT: annex4.read has
        validated and normalised every value, and a bank file has tens of
        thousands of rows that the ORM would validate again one by one"""
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = Line.__table__()
        names = ['report', 'sheet_row', 'contract'] + annex4.FIELD_NAMES
        columns = [Column(table, n) for n in names] + [
            table.create_uid, table.create_date]
        size = backend.MAX_QUERY_PARAMS // len(columns)
        for sub_vlist in grouped_slice(vlist, size):
            cursor.execute(*table.insert(columns, [
                        [values.get(n) for n in names]
                        + [transaction.user, CurrentTimestamp()]
                        for values in sub_vlist]))

    @classmethod
    def _update_contract_debts(cls, updates, debt_date):
        """Write the reported debt on the contracts in batches of one
        UPDATE ... FROM (VALUES ...) (a bank report updates tens of
        thousands of contracts; the ORM write costs a read and a
        validation per record)"""
        pool = Pool()
        Contract = pool.get('damu.contract')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = Contract.__table__()
        # (contract column, row value, SQL type): the types, for the
        # columns of VALUES that are all NULL
        targets = [
            (table.outstanding_debt, 'outstanding_debt', 'NUMERIC'),
            (table.overdue_principal, 'overdue_principal', 'NUMERIC'),
            (table.principal_overdue_days, 'principal_overdue_days',
                'INTEGER'),
            (table.interest_overdue_days, 'interest_overdue_days',
                'INTEGER'),
            (table.guarantee_paid, 'guarantee_paid', 'NUMERIC'),
            (table.guarantee_balance, 'guarantee_balance', 'NUMERIC'),
            ]
        size = backend.MAX_QUERY_PARAMS // (len(targets) + 1)
        for sub_updates in grouped_slice(list(updates.items()), size):
            values = Values([[contract_id] + [v.get(k) for _, k, _ in targets]
                    for contract_id, v in sub_updates])
            source = [Column(values, 'column%s' % i)
                for i in range(1, len(targets) + 2)]
            cursor.execute(*table.update(
                    [t for t, _, _ in targets] + [
                        table.debt_date, table.write_date, table.write_uid],
                    [Cast(c, sql_type) for c, (_, _, sql_type) in zip(
                            source[1:], targets)] + [
                        Cast(debt_date, 'DATE'), CurrentTimestamp(),
                        transaction.user],
                    from_=[values],
                    where=table.id == Cast(source[0], 'INTEGER')))
        # The records read before must see the new values
        transaction.counter += 1
        for cache in transaction.cache.values():
            if Contract.__name__ in cache:
                for contract_id in updates:
                    cache[Contract.__name__].pop(contract_id, None)

    @classmethod
    def check_rows(cls, bank, rows, programme=None):
        """Return [(sheet row, reason)] of rows that match no contract of
        the bank, whose contract belongs to another programme than the
        report's (D§21) or whose agreement is in several rows of the
        file"""
        Contract = Pool().get('damu.contract')
        known, programmes = {}, {}
        for contract in Contract.search_read([('bank', '=', bank.id)],
                fields_names=['number', 'entrepreneur_bin', 'instrument',
                    'direction']):
            known[contract['number']] = contract['entrepreneur_bin']
            programmes[contract['number']] = programme_of(
                contract['instrument'], contract['direction'])
        sheet_rows = defaultdict(list)
        for sheet_row, values in rows:
            sheet_rows[values['agreement_number']].append(sheet_row)
        errors = []
        for sheet_row, values in rows:
            number = values['agreement_number']
            reasons = []
            if number not in known:
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_unknown_contract',
                        number=number))
            elif known[number] != values['borrower_bin']:
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_bin_mismatch',
                        number=number, bin=values['borrower_bin']))
            elif programme and programmes[number] != programme:
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_other_programme',
                        number=number, programme=dict(PROGRAMMES).get(
                            programmes[number], '')))
            if len(sheet_rows[number]) > 1:
                # Each of them is refused: none may silently win
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_duplicate',
                        number=number,
                        rows=', '.join(map(str, sheet_rows[number]))))
            if reasons:
                errors.append((sheet_row, '; '.join(reasons)))
        return errors


class BankReportLine(ModelSQL, ModelView):
    "Bank monthly report line (Annex 4)"
    __name__ = 'damu.bank.report.line'
    __string__ = "Bank Monthly Report Line (Annex 4)"
    report = fields.Many2One('damu.bank.report', "Report", required=True,
        ondelete='CASCADE')
    sheet_row = fields.Integer("Sheet Row", readonly=True)
    contract = fields.Many2One('damu.contract', "Contract",
        ondelete='SET NULL', readonly=True)
    row_number = fields.Integer("1. No.")
    bank_name = fields.Char("2. Bank")
    region_name = fields.Char("3. Region")
    borrower = fields.Char("4. Borrower")
    borrower_bin = fields.Char("5. IIN/BIN")
    legal_status = fields.Char("6. Legal Status")
    agreement_number = fields.Char("7. Loan Agreement")
    agreement_date = fields.Date("8. Agreement Date")
    term_months = fields.Integer("9. Term (months)")
    loan_amount = fields.Numeric("10. Loan Amount", **AMOUNT)
    interest_rate = fields.Numeric("11. Interest Rate", **AMOUNT)
    grace_principal = fields.Integer("12. Grace on Principal")
    grace_interest = fields.Integer("13. Grace on Interest")
    issue_date = fields.Date("14. Issue Date")
    disbursed_amount = fields.Numeric("15. Disbursed", **AMOUNT)
    outstanding_debt = fields.Numeric("16. Outstanding Debt", **AMOUNT)
    guarantee_number = fields.Char("17. Guarantee Agreement")
    guarantee_date = fields.Date("18. Guarantee Date")
    guarantee_amount = fields.Numeric("19. Guarantee Amount", **AMOUNT)
    guarantee_paid = fields.Numeric(
        "20. Paid by Damu under the Guarantee", **AMOUNT)
    overdue_principal = fields.Numeric("21. Overdue Principal", **AMOUNT)
    principal_overdue_days = fields.Integer("22. Principal Days Overdue")
    interest_overdue_days = fields.Integer("23. Interest Days Overdue")
    purpose = fields.Char("24. Object of Lending")
    activity_code = fields.Char("25. CCEA Code")
    business_status = fields.Char("26. Business (start-up/active)")
    availability_period = fields.Char("27. Availability Period")
    bank_decision_date = fields.Date("28. Bank Decision Date")
    classification = fields.Char("29. Classification Category")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # No __access__ on the report: the banks write their reports but
        # only read the lines (ir.model.access and ir.rule of the line)
        cls._order.insert(0, ('sheet_row', 'ASC'))

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        # Migration from 8.0.0: column 20 is what Damu paid under the
        # guarantee ("Сумма исполнения обязательства ... по гарантии")
        if (table_h.column_exist('guarantee_obligation')
                and not table_h.column_exist('guarantee_paid')):
            table_h.column_rename('guarantee_obligation', 'guarantee_paid')
        super().__register__(module_name)


class RejectedRowsFileMixin:
    "The downloadable file of every rejected row of an Annex 4 file"
    __slots__ = ()
    errors_file = fields.Binary("File of Rejected Rows",
        filename='errors_filename', readonly=True,
        help="Every rejected row of the file with its reasons.")
    errors_filename = fields.Char("Name of the File of Rejected Rows",
        readonly=True)


class BankReportUpload(RejectedRowsFileMixin, ModelSQL, ModelView):
    """Annex 4 upload of a big file: who sent it and how far its reading
    got.

    Written in transactions of its own, committed at once, so that the
    progress shows to every user (list "Annex 4 Uploads", refreshed) while
    the import's own transaction runs."""
    __name__ = 'damu.bank.report.upload'
    __string__ = "Annex 4 Upload"
    bank = fields.Many2One('kz.organization', "Bank", required=True,
        readonly=True, ondelete='CASCADE')
    period = fields.Date("Month", required=True, readonly=True)
    filename = fields.Char("File Name", readonly=True)
    rows_read = fields.Integer("Rows Read", readonly=True)
    rows_total = fields.Integer("Rows in File", readonly=True)
    progress = fields.Float("Progress", digits=(1, 4), readonly=True)
    state = fields.Selection([
            ('reading', "Reading"),
            ('read', "Read"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    rejected = fields.Integer("Rejected Rows", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('create_date', 'DESC'))

    @classmethod
    def default_state(cls):
        return 'reading'

    @classmethod
    def start(cls, bank, period, filename):
        "Return the id of a new upload, committed"
        with Transaction().new_transaction() as transaction, \
                without_check_access():
            upload, = cls.create([{
                        'bank': bank.id,
                        'period': first_of_month(period),
                        'filename': filename,
                        }])
            transaction.commit()
        return upload.id

    @classmethod
    def update(cls, upload_id, **values):
        "Write values on the upload and commit them"
        with Transaction().new_transaction() as transaction, \
                without_check_access():
            cls.write([cls(upload_id)], values)
            transaction.commit()

    @classmethod
    def create_read(cls, bank, period, filename, **values):
        """Return the id of a new upload of a file read, created in the
        current transaction: kept only if the import ends without error"""
        with without_check_access():
            upload, = cls.create([dict(values,
                        bank=bank.id,
                        period=first_of_month(period),
                        filename=filename,
                        state='read',
                        )])
        return upload.id


class ImportAnnex4(Wizard):
    "Import a bank monthly report (Annex 4)"
    __name__ = 'damu.bank.report.import'
    start = StateView('damu.bank.report.import.start',
        'kz_damu_monitoring.bank_report_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Check and Import", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    errors = StateView('damu.bank.report.import.result',
        'kz_damu_monitoring.bank_report_import_errors_view_form', [
            Button("Cancel", 'end', 'tryton-cancel', default=True),
            Button("Import Valid Rows", 'import_valid', 'tryton-ok'),
            ])
    import_valid = StateTransition()
    done = StateView('damu.bank.report.import.result',
        'kz_damu_monitoring.bank_report_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        today = pool.get('ir.date').today()
        values = {
            'period': first_of_month(first_of_month(today)
                - dt.timedelta(days=1)),
            'programme': 'programme_1',
            }
        context = Transaction().context
        if context.get('active_model') == 'damu.bank.report' and (
                context.get('active_id')):
            report = pool.get('damu.bank.report')(context['active_id'])
            values.update(bank=report.bank.id, period=report.period,
                programme=report.programme)
        else:
            organization = user_organization()
            if organization and organization.kind in BANK_KINDS:
                values['bank'] = organization.id
        # A bank chooses among its own organisations only
        values['bank_restricted'] = not user_imports_any_bank()
        values['allowed_banks'] = (
            user_banks() if values['bank_restricted'] else [])
        return values

    @property
    def programme(self):
        "The programme of the report, the first direction if not given"
        return (self.start.programme
            or Pool().get('damu.bank.report').default_programme())

    def check_bank(self):
        """Refuse the report of a bank that is not the user's: the
        transitions of a wizard run without access checks"""
        bank = self.start.bank
        if bank and not user_imports_any_bank() and (
                bank.id not in user_banks()):
            raise ImportBankAccessError(gettext(
                    'kz_damu_monitoring.msg_import_bank_not_own',
                    bank=bank.rec_name))

    def _read(self):
        """Return (valid rows, [(sheet row, reasons)]) of the file

        The reasons of the rejected rows are shown in the wizard up to
        the configured number (_show_errors) and all written to a file of
        rejected rows, given by the wizard and kept on the upload record.
        A file refused whole (damaged, too many rows) raises before
        anything is written but the state of its upload record."""
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        Upload = pool.get('damu.bank.report.upload')
        config = Configuration(1)
        self.check_bank()
        data = self.start.file
        if not data:
            raise ImportFileError(gettext(
                    'kz_damu_monitoring.msg_import_file_missing'))
        started = time.monotonic()
        # A file big enough to report progress gets an upload record at
        # once, committed; a file with rejected rows gets one at the end
        reported = []
        # The rejected rows of the file are recorded once: the valid rows
        # are imported by reading the file again
        recorded = bool(self.done.errors_filename)

        def progress(row, total):
            logger.info("Annex 4 %s: %s/%s rows read in %.1fs",
                self.start.filename, row, total or '?',
                time.monotonic() - started)
            if not self.done.upload:
                self.done.upload = Upload.start(self.start.bank,
                    self.start.period, self.start.filename)
            reported.append(row)
            Upload.update(self.done.upload.id, rows_read=row,
                rows_total=total,
                progress=min(row / total, 1) if total else None)
        try:
            rows, errors = annex4.read(bytes(data),
                config.damu_max_upload_mb * 1024 * 1024,
                config.damu_max_uncompressed_mb * 1024 * 1024,
                progress=progress, filename=self.start.filename,
                max_rows=config.damu_max_rows,
                max_amount=config.damu_max_amount)
        except annex4.FileError as error:
            if reported:
                Upload.update(self.done.upload.id, state='failed')
            message_id, values = error.args
            raise ImportFileError(gettext(
                    'kz_damu_monitoring.' + message_id,
                    filename=self.start.filename or '', **values))
        except Exception:
            if reported:
                Upload.update(self.done.upload.id, state='failed')
            raise
        labels = self._column_labels()
        limit = pool.get('ir.lang').get().format_number(
            config.damu_max_amount, digits=0)
        messages = []
        for sheet_row, row_errors in errors:
            messages.append((sheet_row, '; '.join(
                        cell_error(CELL_MESSAGES[reason], labels[column],
                            limit, cell)
                        for column, reason, cell in row_errors)))
        bad = {r for r, _ in messages}
        unknown = Pool().get('damu.bank.report').check_rows(
            self.start.bank, rows, self.programme)
        messages.extend(unknown)
        bad |= {r for r, _ in unknown}
        valid = [(r, v) for r, v in rows if r not in bad]
        if not valid and not messages:
            raise ImportFileError(gettext(
                    'kz_damu_monitoring.msg_import_file_empty',
                    filename=self.start.filename or ''))
        messages.sort()
        read = len(rows) + len(errors)
        values = {}
        self._errors_file = None
        if messages:
            stem = os.path.splitext(self.start.filename or '')[0]
            self.done.errors_filename = gettext(
                'kz_damu_monitoring.msg_annex4_errors_filename',
                filename=stem or 'annex4') + '.xlsx'
            self._errors_file = annex4.write_errors_xlsx(messages,
                gettext('kz_damu_monitoring.msg_annex4_errors_sheet'), [
                    gettext('kz_damu_monitoring.msg_annex4_errors_row'),
                    gettext('kz_damu_monitoring.msg_annex4_errors_reasons'),
                    ])
            if not recorded:
                values.update(rejected=len(messages),
                    errors_file=self._errors_file,
                    errors_filename=self.done.errors_filename)
        if reported:
            Upload.update(self.done.upload.id, state='read', progress=1,
                rows_read=read, rows_total=read, **values)
        elif values:
            self.done.upload = Upload.create_read(self.start.bank,
                self.start.period, self.start.filename, progress=1,
                rows_read=read, rows_total=read, **values)
        self._show_errors(messages, config)
        return valid, messages

    def _column_labels(self):
        "Return {column number: letter and name} of the Annex 4 columns"
        Line = Pool().get('damu.bank.report.line')
        strings = Line.fields_get(annex4.FIELD_NAMES)
        return {i: f'{annex4.column_letter(i)} ({strings[n]["string"]})'
            for i, n in enumerate(annex4.FIELD_NAMES, 1)}

    def _show_errors(self, messages, config):
        """Write the rejected rows on the result: their count and the
        reasons of the first ones, the others counted in a last line"""
        shown = max(config.damu_max_errors_shown or 0, 0)
        lines = []
        for row, error in messages[:shown]:
            line = gettext('kz_damu_monitoring.msg_import_row',
                row=row, error=error)
            if len(line) > ERROR_LINE_LENGTH:
                line = line[:ERROR_LINE_LENGTH - 1] + '\u2026'
            lines.append(line)
        if len(messages) > shown:
            lines.append(gettext('kz_damu_monitoring.msg_annex4_more_errors',
                    count=len(messages) - shown, total=len(messages),
                    filename=self.done.errors_filename))
        self.done.rejected = len(messages)
        self.done.errors = '\n'.join(lines)

    def _report(self):
        pool = Pool()
        Report = pool.get('damu.bank.report')
        reports = Report.search([
                ('bank', '=', self.start.bank.id),
                ('period', '=', first_of_month(self.start.period)),
                ('programme', '=', self.programme),
                ])
        if reports:
            report, = reports
            if report.state == 'received' and not self.start.replace:
                raise BankReportError(gettext(
                        'kz_damu_monitoring.msg_bank_report_received',
                        report=report.rec_name))
        else:
            report, = Report.create([{
                        'bank': self.start.bank.id,
                        'period': self.start.period,
                        'programme': self.programme,
                        }])
        return report

    def _import(self, rows, messages):
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Monitoring = pool.get('damu.monitoring')
        self.check_bank()
        report = self._report()
        count = Report.import_rows(report, rows)
        if report.state == 'expected':
            Report.write([report], {
                    'received_date': pool.get('ir.date').today()})
            Report.receive_report([report])
        Report.write([report], {'filename': self.start.filename})
        # A bank's report may start unplanned monitorings by Damu (D§4)
        with without_check_access():
            Monitoring.create_overdue_monitorings()
        self.done.report = report
        self.done.imported = count

    def transition_check(self):
        rows, messages = self._read()
        self.done.imported = 0
        self.done.valid = len(rows)
        if messages:
            return 'errors'
        self._import(rows, messages)
        return 'done'

    def _errors_file_values(self):
        "The file of rejected rows made by the reading of this request"
        return {
            'errors_file': getattr(self, '_errors_file', None),
            'errors_filename': self.done.errors_filename,
            }

    def default_errors(self, fields):
        return {
            'valid': self.done.valid,
            'rejected': self.done.rejected,
            'errors': self.done.errors,
            **self._errors_file_values(),
            }

    def transition_import_valid(self):
        rows, messages = self._read()
        if not rows:
            raise ImportFileError(gettext(
                    'kz_damu_monitoring.msg_import_nothing_valid'))
        self._import(rows, messages)
        return 'done'

    def default_done(self, fields):
        return {
            'report': self.done.report.id if self.done.report else None,
            'imported': self.done.imported,
            'rejected': self.done.rejected,
            'errors': self.done.errors,
            **self._errors_file_values(),
            }


class ImportAnnex4Start(ModelView):
    "Import a bank monthly report"
    __name__ = 'damu.bank.report.import.start'
    __string__ = "Import Annex 4 — Start"
    bank = fields.Many2One('kz.organization', "Bank", required=True,
        domain=[
            ('kind', 'in', BANK_KINDS),
            If(Eval('bank_restricted', False),
                ('id', 'in', Eval('allowed_banks', [])),
                ()),
            ])
    bank_restricted = fields.Boolean("Own Banks Only", readonly=True)
    allowed_banks = fields.Many2Many('kz.organization', None, None,
        "Allowed Banks", readonly=True)
    period = fields.Date("Month", required=True)
    programme = fields.Selection(PROGRAMMES, "Programme", required=True,
        sort=False, help="The programme and direction of the report: a "
        "bank files one report per programme (D§21).")
    file = fields.Binary("File", required=True, filename='filename',
        help="The Annex 4 report as .xlsx or .xls.")
    filename = fields.Char("File Name")
    replace = fields.Boolean("Replace a Received Report")


class ImportAnnex4Result(RejectedRowsFileMixin, ModelView):
    "Import a bank monthly report"
    __name__ = 'damu.bank.report.import.result'
    __string__ = "Import Annex 4 — Result"
    report = fields.Many2One('damu.bank.report', "Report", readonly=True)
    valid = fields.Integer("Valid Rows", readonly=True)
    imported = fields.Integer("Imported Rows", readonly=True)
    rejected = fields.Integer("Rejected Rows", readonly=True)
    errors = fields.Text("Rejected Rows and Reasons", readonly=True)
    # The upload record of the file, if it got one
    upload = fields.Many2One('damu.bank.report.upload', "Upload",
        readonly=True)


def annex4_labels():
    "The labels of the 29 columns of Annex 4, in the user's language"
    return [gettext('kz_damu_monitoring.msg_annex4_col_%s' % i)
        for i in range(1, len(annex4.COLUMNS) + 1)]


class Annex4Template(Report):
    """The blank Annex 4 form a bank fills in: the title, the labels and
    the numbers of the 29 columns of the seed"""
    __name__ = 'damu.bank.report.template'

    @classmethod
    def _execute(cls, records, header, data, action):
        title = gettext('kz_damu_monitoring.msg_annex4_template_title')
        return 'xlsx', annex4.write_xlsx([], title, annex4_labels(),
            sheet_name=gettext('kz_damu_monitoring.msg_annex4_sheet'))


class Annex4Export(Report):
    "A stored Annex 4 report as the .xlsx form, its lines in sheet order"
    __name__ = 'damu.bank.report.xlsx'

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        report, = records[:1] or [None]
        if report is None:
            return Annex4Template._execute(records, header, data, action)
        end = next_month(report.period) - dt.timedelta(days=1)
        title = gettext('kz_damu_monitoring.msg_annex4_title',
            bank=report.bank.rec_name,
            programme=report.programme_string,
            start=report.period.strftime('%d.%m.%Y'),
            end=end.strftime('%d.%m.%Y'))
        lines = Line.search_read([('report', '=', report.id)],
            order=[('sheet_row', 'ASC'), ('id', 'ASC')],
            fields_names=list(annex4.FIELD_NAMES))
        rows = ([line[n] for n in annex4.FIELD_NAMES] for line in lines)
        return 'xlsx', annex4.write_xlsx(rows, title, annex4_labels(),
            sheet_name=gettext('kz_damu_monitoring.msg_annex4_sheet'))

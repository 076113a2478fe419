# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The banks' monthly report on current monitoring (Annex 4, D§21)."""
import datetime as dt
import logging
import os
import time
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import For

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.kz_base.audit import audited_sql_update
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.tools import invalidate_records
from trytond.modules.kz_base.who import user_organization
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

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
# An upload running without progress for so long has lost its worker
STALLED_MINUTES = 10


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
    def bank_contracts(cls, bank):
        """Return {number: (id, BIN, programme, kind, guarantee amount)} of
        the contracts of the bank, read in one query (a bank has tens of
        thousands; the ORM would build a record of each)"""
        pool = Pool()
        Contract = pool.get('damu.contract')
        table = Contract.__table__()
        cursor = Transaction().connection.cursor()
        # The ids the user may read (record rules when access is checked)
        ids = Contract.search([('bank', '=', bank.id)], order=[],
            query=True)
        cursor.execute(*table.select(table.number, table.id,
                table.entrepreneur_bin, table.instrument, table.direction,
                table.kind, table.guarantee_amount,
                where=table.id.in_(ids)))
        return {number: (id_, bin_, programme_of(instrument, direction),
                kind, guarantee)
            for number, id_, bin_, instrument, direction, kind, guarantee
            in cursor}

    @classmethod
    def import_rows(cls, report, rows, contracts=None):
        """Store the rows as the report's lines and update the contracts'
        debt; return the number of lines

        annex4.read has checked and normalised every value: the lines go
        in one COPY and the debts in one UPDATE from a COPY'd temporary
        table, in the transaction of the import (nothing is written if it
        fails)."""
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        if contracts is None:
            contracts = cls.bank_contracts(report.bank)
        index = annex4.FIELD_INDEX
        number_i = index['agreement_number']
        lines, updates = [], {}
        for sheet_row, values in rows:
            contract = contracts.get(values[number_i])
            if contract and contract[3] not in {'subsidy', 'guarantee'}:
                contract = None
            contract_id = contract[0] if contract else None
            lines.append((report.id, sheet_row, contract_id) + tuple(values))
            if contract_id:
                updates[contract_id] = cls._debt_values(contract, values)
        # The banks only read the lines: the import alone writes them
        with without_check_access():
            Line.delete(Line.search([('report', '=', report.id)]))
        cls._insert_lines(lines)
        debt_date = next_month(report.period) - dt.timedelta(days=1)
        cls._update_contract_debts(updates, debt_date)
        return len(lines)

    @classmethod
    def _debt_values(cls, contract, values):
        "The values of a row written on its contract"
        index = annex4.FIELD_INDEX
        guarantee = cls._guarantee_values(
            {'kind': contract[3], 'guarantee_amount': contract[4]}, values)
        return (values[index['outstanding_debt']],
            values[index['overdue_principal']],
            values[index['principal_overdue_days']],
            values[index['interest_overdue_days']],
            guarantee['guarantee_paid'], guarantee['guarantee_balance'])

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
    def _insert_lines(cls, lines):
        """COPY the lines [(report, sheet row, contract, 29 values)] with
        the user and the time of the transaction as their creator"""
        pool = Pool()
        Line = pool.get('damu.bank.report.line')
        transaction = Transaction()
        names = ['report', 'sheet_row', 'contract'] + annex4.FIELD_NAMES
        user = transaction.user
        cursor = transaction.connection.cursor()
        # The time the ORM would write (the transaction's)
        cursor.execute('SELECT CAST(CURRENT_TIMESTAMP AS TIMESTAMP)')
        now, = cursor.fetchone()
        columns = ', '.join('"%s"' % n for n in names + [
                'create_uid', 'create_date'])
        with cursor.copy('COPY "%s" (%s) FROM STDIN' % (
                    Line._table, columns)) as copy:
            for line in lines:
                copy.write_row(line + (user, now))

    @classmethod
    def _update_contract_debts(cls, updates, debt_date):
        """Write the reported debt on the contracts: the values COPY'd to
        a temporary table, then one UPDATE ... FROM it (a bank report
        updates tens of thousands of contracts; the ORM write costs a
        read and a validation per record)"""
        pool = Pool()
        Contract = pool.get('damu.contract')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        if not updates:
            return
        cursor.execute('CREATE TEMPORARY TABLE IF NOT EXISTS '
            'damu_annex4_debt (contract INTEGER, outstanding_debt NUMERIC, '
            'overdue_principal NUMERIC, principal_overdue_days INTEGER, '
            'interest_overdue_days INTEGER, guarantee_paid NUMERIC, '
            'guarantee_balance NUMERIC) ON COMMIT DROP')
        cursor.execute('TRUNCATE damu_annex4_debt')
        with cursor.copy('COPY damu_annex4_debt FROM STDIN') as copy:
            for contract_id, values in updates.items():
                copy.write_row((contract_id,) + values)
        names = ['outstanding_debt', 'overdue_principal',
            'principal_overdue_days', 'interest_overdue_days',
            'guarantee_paid', 'guarantee_balance']
        # Who changed a contract's debt: the audit trail, in SQL as well
        with audited_sql_update(Contract, names + ['debt_date'],
                'damu_annex4_debt', 'contract',
                record_name="t.number || ' — ' || t.entrepreneur"):
            cursor.execute('UPDATE "%s" AS c SET %s, debt_date = %%s, '
                'write_date = CAST(CURRENT_TIMESTAMP AS TIMESTAMP), '
                'write_uid = %%s '
                'FROM damu_annex4_debt AS d WHERE c.id = d.contract' % (
                    Contract._table,
                    ', '.join('"%s" = d."%s"' % (n, n) for n in names)),
                (debt_date, transaction.user))
        # The records read before must see the new values
        invalidate_records(Contract.__name__, updates)

    @classmethod
    def check_rows(cls, bank, rows, programme=None, contracts=None):
        """Return [(sheet row, reason)] of rows that match no contract of
        the bank, whose contract belongs to another programme than the
        report's (D§21) or whose agreement is in several rows of the
        file"""
        if contracts is None:
            contracts = cls.bank_contracts(bank)
        index = annex4.FIELD_INDEX
        number_i, bin_i = index['agreement_number'], index['borrower_bin']
        sheet_rows = defaultdict(list)
        for sheet_row, values in rows:
            sheet_rows[values[number_i]].append(sheet_row)
        errors = []
        for sheet_row, values in rows:
            number = values[number_i]
            contract = contracts.get(number)
            if (contract and contract[1] == values[bin_i]
                    and (not programme or contract[2] == programme)
                    and len(sheet_rows[number]) == 1):
                continue
            reasons = []
            if not contract:
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_unknown_contract',
                        number=number))
            elif contract[1] != values[bin_i]:
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_bin_mismatch',
                        number=number, bin=values[bin_i]))
            elif programme and contract[2] != programme:
                reasons.append(gettext(
                        'kz_damu_monitoring.msg_import_other_programme',
                        number=number, programme=dict(PROGRAMMES).get(
                            contract[2], '')))
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


class ImportCancelled(Exception):
    "The bank cancelled the import of its upload while it was read"


def queue_worker():
    """Tell whether trytond-worker processes the queue ([queue] worker):
    the import is then queued and the request returns at once"""
    return config.getboolean('queue', 'worker', default=False)


class BankReportUpload(RejectedRowsFileMixin, Workflow, ModelSQL, ModelView):
    """Annex 4 upload: the file a bank sent, the queued task that imports
    it and how far it got.

    The state and the progress are written in transactions of their own,
    committed at once, so that they show to every user (list "Annex 4
    Uploads", refreshed) while the task runs.  The report, its lines and
    the contracts' debts are written in one transaction that also sets
    the state to done: a worker stopped before its commit leaves nothing
    (requeue_stalled runs the upload again)."""
    __name__ = 'damu.bank.report.upload'
    __string__ = "Annex 4 Upload"
    bank = fields.Many2One('kz.organization', "Bank", required=True,
        readonly=True, ondelete='CASCADE')
    period = fields.Date("Month", required=True, readonly=True)
    programme = fields.Selection([(None, "")] + PROGRAMMES, "Programme",
        sort=False, readonly=True)
    filename = fields.Char("File Name", readonly=True)
    file = fields.Binary("File", filename='filename', readonly=True)
    replace = fields.Boolean("Replace a Received Report", readonly=True)
    import_valid = fields.Boolean("Import the Valid Rows", readonly=True,
        help="The bank chose to import the valid rows of a file with "
        "rejected rows.")
    rows_read = fields.Integer("Rows Read", readonly=True)
    rows_total = fields.Integer("Rows in File", readonly=True)
    progress = fields.Float("Progress", digits=(1, 4), readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('running', "Running"),
            ('errors', "Rows Rejected"),
            ('done', "Done"),
            ('failed', "Failed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False,
        help="Queued and running: in progress.  Rows rejected: nothing "
        "is imported until the bank imports the valid rows or cancels.")
    valid = fields.Integer("Valid Rows", readonly=True)
    rejected = fields.Integer("Rejected Rows", readonly=True)
    imported = fields.Integer("Imported Rows", readonly=True)
    errors = fields.Text("Rejected Rows and Reasons", readonly=True)
    message = fields.Text("Error", readonly=True)
    report = fields.Many2One('damu.bank.report', "Report", readonly=True,
        ondelete='SET NULL')
    heartbeat = fields.Timestamp("Last Progress", readonly=True)
    task = fields.Integer("Task", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {
            ('queued', 'cancelled'),
            ('running', 'cancelled'),
            ('errors', 'cancelled'),
            ('errors', 'queued'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['queued', 'running', 'errors']),
                    'depends': ['state'],
                    },
                'import_valid_rows': {
                    'invisible': Eval('state') != 'errors',
                    'readonly': ~Eval('valid', 0),
                    'depends': ['state', 'valid'],
                    },
                })

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        migrate = not table_h.column_exist('import_valid')
        super().__register__(module_name)
        if migrate:
            # Migration from the uploads read in the web request
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            cursor.execute(*table.update([table.state], ['failed'],
                    where=table.state == 'reading'))
            cursor.execute(*table.update([table.state], ['done'],
                    where=table.state == 'read'))

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_replace(cls):
        return False

    @classmethod
    def default_import_valid(cls):
        return False

    @classmethod
    def start(cls, bank, period, filename):
        "Return the id of a new upload read in the request, committed"
        with Transaction().new_transaction() as transaction, \
                without_check_access():
            upload, = cls.create([{
                        'bank': bank.id,
                        'period': first_of_month(period),
                        'filename': filename,
                        'state': 'running',
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
                        state='done',
                        )])
        return upload.id

    @classmethod
    def submit(cls, bank, period, programme, filename, data, replace=False):
        "Create an upload of the file and queue its import; return it"
        with without_check_access():
            upload, = cls.create([{
                        'bank': bank.id,
                        'period': first_of_month(period),
                        'programme': programme,
                        'filename': filename,
                        'file': data,
                        'replace': bool(replace),
                        }])
        cls.queue([upload])
        return upload

    @classmethod
    def queue(cls, uploads):
        """Queue the import of each upload as a task of its own, run as the
        user who sent the file (the creator of its lines), whoever queues
        it again"""
        transaction = Transaction()
        with without_check_access():
            for upload in uploads:
                with transaction.set_user(upload.create_uid.id):
                    task = cls.__queue__.process([upload])
                cls.write([upload], {'task': task[0] if isinstance(
                                task, list) else task})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, uploads):
        """Cancel the import: a queued upload is not run, a running one
        stops at its next progress report; a done one cannot be"""
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('queued')
    def import_valid_rows(cls, uploads):
        "Import the valid rows of a file with rejected rows, in the queue"
        cls.write(uploads, {'import_valid': True, 'progress': 0,
                'rows_read': 0})
        cls.queue(uploads)

    @classmethod
    def process(cls, uploads):
        "The queued task: import each upload"
        for upload in uploads:
            upload._process()

    def _claim(self):
        """Mark the upload running, committed; return False if it is not
        to run (cancelled, done or run by another worker)"""
        with Transaction().new_transaction() as transaction, \
                without_check_access():
            upload = self._lock()
            if upload.state not in {'queued', 'running'}:
                return False
            self.__class__.write([upload], {
                    'state': 'running',
                    'heartbeat': dt.datetime.now(),
                    'message': None,
                    })
            transaction.commit()
        return True

    def _lock(self):
        "Return the upload locked in the current transaction"
        table = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.id == self.id, for_=For('UPDATE')))
        return self.__class__(self.id)

    def _check_cancelled(self):
        "Raise ImportCancelled if the bank cancelled the upload"
        with Transaction().new_transaction(readonly=True):
            if self.__class__(self.id).state == 'cancelled':
                raise ImportCancelled

    def _process(self):
        pool = Pool()
        Report = pool.get('damu.bank.report')
        if not self._claim():
            return
        started = time.monotonic()
        cls = self.__class__

        def progress(row, total):
            logger.info("Annex 4 upload %s: %s/%s rows read in %.1fs",
                self.id, row, total or '?', time.monotonic() - started)
            cls.update(self.id, rows_read=row, rows_total=total,
                heartbeat=dt.datetime.now(),
                progress=min(row / total, 1) if total else None)
        try:
            with without_check_access():
                check_upload(self.bank, self.period, self.programme,
                    self.replace)
                contracts = Report.bank_contracts(self.bank)
                result = read_annex4(self.bank, self.programme,
                    self.filename, self.file, progress=progress,
                    check=self._check_cancelled, contracts=contracts)
            values = {
                'rows_read': result.read, 'rows_total': result.read,
                'progress': 1, 'valid': len(result.valid),
                'rejected': len(result.messages),
                'heartbeat': dt.datetime.now(),
                }
            if result.messages:
                errors_filename, errors_file = rejected_rows_file(
                    self.filename, result.messages)
                values.update(errors_filename=errors_filename,
                    errors_file=errors_file,
                    errors=shown_errors(result.messages, errors_filename))
                if not self.import_valid:
                    with Transaction().new_transaction() as transaction, \
                            without_check_access():
                        upload = self._lock()
                        if upload.state == 'running':
                            cls.write([upload], dict(values,
                                    state='errors'))
                        transaction.commit()
                    return
                if not result.valid:
                    raise ImportFileError(gettext(
                            'kz_damu_monitoring.msg_import_nothing_valid'))
            self._import(result.valid, contracts, values)
        except ImportCancelled:
            logger.info("Annex 4 upload %s cancelled", self.id)
        except UserError as error:
            cls.update(self.id, state='failed', message=error.message,
                heartbeat=dt.datetime.now())
        except Exception:
            logger.exception("Annex 4 upload %s failed", self.id)
            cls.update(self.id, state='failed',
                message=gettext('kz_damu_monitoring.msg_upload_crashed'),
                heartbeat=dt.datetime.now())

    def _import(self, rows, contracts, values):
        """Write the report, its lines, the contracts' debts and the state
        done in one transaction, committed: all or nothing"""
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Monitoring = pool.get('damu.monitoring')
        cls = self.__class__
        with Transaction().new_transaction() as transaction, \
                without_check_access():
            upload = self._lock()
            if upload.state != 'running':
                # Cancelled meanwhile
                return
            report = report_of(upload.bank, upload.period,
                upload.programme, upload.replace)
            count = Report.import_rows(report, rows, contracts=contracts)
            receive(report, upload.filename)
            # A bank's report may start unplanned monitorings by Damu (D§4)
            Monitoring.create_overdue_monitorings()
            cls.write([upload], dict(values, state='done', imported=count,
                    report=report.id, heartbeat=dt.datetime.now()))
            transaction.commit()

    @classmethod
    def requeue_stalled(cls, minutes=STALLED_MINUTES):
        """Queue again the uploads whose worker stopped (killed, restarted,
        the machine rebooted): running without progress for the given
        minutes, or queued with a task taken but never finished.  Their
        import wrote nothing (one transaction): it runs again whole."""
        pool = Pool()
        Queue = pool.get('ir.queue')
        limit = dt.datetime.now() - dt.timedelta(minutes=minutes)
        uploads = cls.search([
                ('state', 'in', ['queued', 'running']),
                ])
        stalled = []
        for upload in uploads:
            if upload.state == 'running':
                if (upload.heartbeat or upload.write_date
                        or upload.create_date) < limit:
                    stalled.append(upload)
            elif upload.task:
                tasks = Queue.search([('id', '=', upload.task)])
                if not tasks or (tasks[0].dequeued_at
                        and not tasks[0].finished_at
                        and tasks[0].dequeued_at < limit):
                    stalled.append(upload)
        if stalled:
            logger.warning("Annex 4 uploads requeued: %s",
                [u.id for u in stalled])
            cls.write(stalled, {'state': 'queued'})
            cls.queue(stalled)
        return stalled


def check_upload(bank, period, programme, replace):
    """Refuse an upload for a report already received, unless it replaces
    it"""
    Report = Pool().get('damu.bank.report')
    reports = Report.search([
            ('bank', '=', bank.id),
            ('period', '=', first_of_month(period)),
            ('programme', '=', programme or Report.default_programme()),
            ])
    if reports and reports[0].state == 'received' and not replace:
        raise BankReportError(gettext(
                'kz_damu_monitoring.msg_bank_report_received',
                report=reports[0].rec_name))


def report_of(bank, period, programme, replace):
    "Return the report of the bank, month and programme, created if needed"
    Report = Pool().get('damu.bank.report')
    programme = programme or Report.default_programme()
    check_upload(bank, period, programme, replace)
    reports = Report.search([
            ('bank', '=', bank.id),
            ('period', '=', first_of_month(period)),
            ('programme', '=', programme),
            ])
    if reports:
        return reports[0]
    report, = Report.create([{
                'bank': bank.id,
                'period': period,
                'programme': programme,
                }])
    return report


def receive(report, filename):
    "Mark the report received from the file"
    pool = Pool()
    Report = pool.get('damu.bank.report')
    if report.state == 'expected':
        Report.write([report], {
                'received_date': pool.get('ir.date').today()})
        Report.receive_report([report])
    Report.write([report], {'filename': filename})


ReadResult = namedtuple('ReadResult', ['valid', 'messages', 'read'])


def read_annex4(bank, programme, filename, data, progress=None, check=None,
        contracts=None):
    """Read and check an Annex 4 file of the bank; return a ReadResult:
    the valid rows, the [(sheet row, reasons)] of the rejected ones and
    the number of rows read

    A file refused whole (damaged, too many rows) raises ImportFileError
    or kz_base's UploadError."""
    pool = Pool()
    Configuration = pool.get('kz.configuration')
    Report = pool.get('damu.bank.report')
    config = Configuration(1)
    if not data:
        raise ImportFileError(gettext(
                'kz_damu_monitoring.msg_import_file_missing'))
    try:
        rows, errors = annex4.read(bytes(data),
            config.damu_max_upload_mb * 1024 * 1024,
            config.damu_max_uncompressed_mb * 1024 * 1024,
            progress=progress, filename=filename,
            max_rows=config.damu_max_rows,
            max_amount=config.damu_max_amount, check=check)
    except annex4.FileError as error:
        message_id, values = error.args
        raise ImportFileError(gettext(
                'kz_damu_monitoring.' + message_id,
                filename=filename or '', **values))
    labels = column_labels()
    limit = pool.get('ir.lang').get().format_number(
        config.damu_max_amount, digits=0)
    messages = []
    for sheet_row, row_errors in errors:
        messages.append((sheet_row, '; '.join(
                    cell_error(CELL_MESSAGES[reason], labels[column],
                        limit, cell)
                    for column, reason, cell in row_errors)))
    bad = {r for r, _ in messages}
    unknown = Report.check_rows(bank, rows,
        programme or Report.default_programme(), contracts=contracts)
    messages.extend(unknown)
    bad |= {r for r, _ in unknown}
    valid = [(r, v) for r, v in rows if r not in bad] if bad else rows
    if not valid and not messages:
        raise ImportFileError(gettext(
                'kz_damu_monitoring.msg_import_file_empty',
                filename=filename or ''))
    messages.sort()
    return ReadResult(valid, messages, len(rows) + len(errors))


def column_labels():
    "Return {column number: letter and name} of the Annex 4 columns"
    Line = Pool().get('damu.bank.report.line')
    strings = Line.fields_get(annex4.FIELD_NAMES)
    return {i: f'{annex4.column_letter(i)} ({strings[n]["string"]})'
        for i, n in enumerate(annex4.FIELD_NAMES, 1)}


def rejected_rows_file(filename, messages):
    "Return (name, content) of the .xlsx file of the rejected rows"
    stem = os.path.splitext(filename or '')[0]
    name = gettext('kz_damu_monitoring.msg_annex4_errors_filename',
        filename=stem or 'annex4') + '.xlsx'
    content = annex4.write_errors_xlsx(messages,
        gettext('kz_damu_monitoring.msg_annex4_errors_sheet'), [
            gettext('kz_damu_monitoring.msg_annex4_errors_row'),
            gettext('kz_damu_monitoring.msg_annex4_errors_reasons'),
            ])
    return name, content


def shown_errors(messages, errors_filename):
    """Return the reasons of the first rejected rows, the others counted in
    a last line"""
    Configuration = Pool().get('kz.configuration')
    shown = max(Configuration(1).damu_max_errors_shown or 0, 0)
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
                filename=errors_filename))
    return '\n'.join(lines)


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
    # With trytond-worker: the upload record, its progress and its result
    queued = StateAction('kz_damu_monitoring.act_bank_report_upload_form')

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
        """Return (valid rows, [(sheet row, reasons)]) of the file, read in
        the request (no trytond-worker)

        The reasons of the rejected rows are shown in the wizard up to
        the configured number (shown_errors) and all written to a file of
        rejected rows, given by the wizard and kept on the upload record.
        A file refused whole (damaged, too many rows) raises before
        anything is written but the state of its upload record."""
        pool = Pool()
        Upload = pool.get('damu.bank.report.upload')
        self.check_bank()
        if not self.start.file:
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
            result = read_annex4(self.start.bank, self.programme,
                self.start.filename, self.start.file, progress=progress)
        except Exception:
            if reported:
                Upload.update(self.done.upload.id, state='failed')
            raise
        messages = result.messages
        values = {}
        self._errors_file = None
        if messages:
            self.done.errors_filename, self._errors_file = (
                rejected_rows_file(self.start.filename, messages))
            if not recorded:
                values.update(rejected=len(messages),
                    valid=len(result.valid),
                    errors_file=self._errors_file,
                    errors_filename=self.done.errors_filename)
        if reported:
            Upload.update(self.done.upload.id, state='done', progress=1,
                rows_read=result.read, rows_total=result.read, **values)
        elif values:
            self.done.upload = Upload.create_read(self.start.bank,
                self.start.period, self.start.filename, progress=1,
                rows_read=result.read, rows_total=result.read, **values)
        self.done.rejected = len(messages)
        self.done.errors = shown_errors(messages, self.done.errors_filename)
        return result.valid, messages

    def _import(self, rows, messages):
        pool = Pool()
        Report = pool.get('damu.bank.report')
        Monitoring = pool.get('damu.monitoring')
        self.check_bank()
        report = report_of(self.start.bank, self.start.period,
            self.programme, self.start.replace)
        count = Report.import_rows(report, rows)
        receive(report, self.start.filename)
        # A bank's report may start unplanned monitorings by Damu (D§4)
        with without_check_access():
            Monitoring.create_overdue_monitorings()
        self.done.report = report
        self.done.imported = count

    def _submit(self):
        """Store the file on an upload record and queue its import: the
        request returns at once, trytond-worker reads and imports it"""
        pool = Pool()
        Upload = pool.get('damu.bank.report.upload')
        self.check_bank()
        if not self.start.file:
            raise ImportFileError(gettext(
                    'kz_damu_monitoring.msg_import_file_missing'))
        check_upload(self.start.bank, self.start.period, self.programme,
            self.start.replace)
        self.done.upload = Upload.submit(self.start.bank, self.start.period,
            self.programme, self.start.filename, self.start.file,
            replace=self.start.replace)
        return 'queued'

    def do_queued(self, action):
        action['res_id'] = [self.done.upload.id]
        # The form of the upload first
        action['views'].reverse()
        return action, {}

    def transition_check(self):
        if queue_worker():
            return self._submit()
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
        help="The Annex 4 report as .xlsx, .xls or .ods.")
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

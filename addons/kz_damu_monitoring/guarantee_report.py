# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The guarantee report to the authorized body (Annex 5, D§23), per
direction of the Programme and per region, as .xlsx and as a document,
and its monthly filing with its due date."""
import datetime as dt
import io
from collections import OrderedDict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.who import users_of_role
from trytond.modules.kz_base.xlsx import append_row, sheet_title
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

COLUMNS = ['loan_amount', 'disbursed', 'debt', 'guarantee_amount',
    'guarantee_balance', 'guarantee_paid']
# The Programme directions of Annex 5 (D§23): the Mechanism is not in it
DIRECTIONS = ['1', '2']


def last_reported_month(date):
    "The first day of the last month ended by date"
    return (date + dt.timedelta(days=1)).replace(day=1) - relativedelta(
        months=1)


def annex4_lines(contracts, date):
    """Return {contract id: its Annex 4 line of the last month ended by
    date}: the figures of each contract as reported by its bank"""
    Line = Pool().get('damu.bank.report.line')
    month = last_reported_month(date)
    result = {}
    for sub in grouped_slice([c.id for c in contracts]):
        for line in Line.search([
                    ('contract', 'in', list(sub)),
                    ('report.period', '<=', month),
                    ], order=[('report.period', 'ASC'), ('id', 'ASC')]):
            # the latest month wins
            result[line.contract.id] = line
    return result


def contract_figures(contract, line, date):
    """Return the Annex 5 amounts of one contract: columns 4, 5 and 8 are
    columns 15, 16 and 20 of its last Annex 4 line (D§21, 23), column 7
    the guarantee amount less what was paid.  Without a line: the tranches
    disbursed by date and the debt and payments recorded on the
    contract."""
    guarantee = contract.guarantee_amount or Decimal(0)
    if line:
        disbursed = line.disbursed_amount or Decimal(0)
        debt = line.outstanding_debt or Decimal(0)
        paid = line.guarantee_paid or Decimal(0)
        if line.guarantee_amount is not None:
            guarantee = line.guarantee_amount
    else:
        disbursed = sum((t.amount for t in contract.tranches
                if t.date <= date), Decimal(0))
        recorded = not contract.debt_date or contract.debt_date <= date
        debt = (contract.outstanding_debt or Decimal(0) if recorded
            else Decimal(0))
        paid = (contract.guarantee_paid or Decimal(0) if recorded
            else Decimal(0))
    return {
        'loan_amount': contract.amount or Decimal(0),
        'disbursed': disbursed,
        'debt': debt,
        'guarantee_amount': contract.guarantee_amount or Decimal(0),
        'guarantee_balance': max(guarantee - paid, Decimal(0)),
        'guarantee_paid': paid,
        }


def annex5_lines(date, direction=None):
    """Return (lines, totals): one line per region of the Programme's
    guarantees (of the direction) signed by date and still running on date
    (not repaid nor terminated by then), with the 6 amounts of Annex 5"""
    pool = Pool()
    Contract = pool.get('damu.contract')
    domain = [
        ('kind', '=', 'guarantee'),
        ('instrument', '=', 'programme'),
        ('contract_date', '<=', date),
        ['OR',
            ('state', '=', 'active'),
            # ended after the date; without a date: ended long ago
            ('closed_date', '>', date),
            ],
        ]
    if direction:
        domain.append(('direction', '=', direction))
    contracts = Contract.search(domain,
        order=[('region.name', 'ASC'), ('id', 'ASC')])
    reported = annex4_lines(contracts, date)
    lines = OrderedDict()
    for contract in contracts:
        line = lines.setdefault(contract.region.id, dict(
                region=contract.region.rec_name,
                **{c: Decimal(0) for c in COLUMNS}))
        figures = contract_figures(
            contract, reported.get(contract.id), date)
        for column in COLUMNS:
            line[column] += figures[column]
    lines = list(lines.values())
    totals = {c: sum((l[c] for l in lines), Decimal(0)) for c in COLUMNS}
    return lines, totals


def annex5_sheets(date):
    """Return [(direction, lines, totals)] of each Programme direction
    with guarantees (D§23 "в разрезе направлений"), at least the first"""
    sheets = []
    for direction in DIRECTIONS:
        lines, totals = annex5_lines(date, direction)
        if lines:
            sheets.append((direction, lines, totals))
    if not sheets:
        sheets.append((DIRECTIONS[0],) + annex5_lines(date, DIRECTIONS[0]))
    return sheets


def annex5_headers():
    "The labels of the 8 columns of Annex 5, in the user's language"
    return [gettext('kz_damu_monitoring.msg_annex5_col_%s' % i)
        for i in range(1, 9)]


def due_date(date):
    "The 25th of the month after the reported month (D§23)"
    Configuration = Pool().get('kz.configuration')
    day = Configuration(1).damu_guarantee_report_day
    following = (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following.replace(day=min(day, 28))


class GuaranteeReportStart(ModelView):
    "Guarantee report"
    __name__ = 'damu.guarantee.report.start'
    __string__ = "Guarantee Report (Annex 5) — Start"
    date = fields.Date("As Of", required=True)
    due_date = fields.Function(fields.Date("Due By"),
        'on_change_with_due_date')

    @classmethod
    def default_date(cls):
        today = Pool().get('ir.date').today()
        return today.replace(day=1) - dt.timedelta(days=1)

    @fields.depends('date')
    def on_change_with_due_date(self, name=None):
        if self.date:
            return due_date(self.date)


class GuaranteeReportWizard(Wizard):
    "Guarantee report (Annex 5)"
    __name__ = 'damu.guarantee.report.wizard'
    start = StateView('damu.guarantee.report.start',
        'kz_damu_monitoring.guarantee_report_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("PDF", 'document', 'tryton-print'),
            Button("Excel", 'xlsx', 'tryton-save', default=True),
            ])
    xlsx = StateReport('damu.guarantee.report.xlsx')
    document = StateReport('damu.guarantee.report')

    def _data(self):
        return {'date': self.start.date.isoformat()}

    def do_xlsx(self, action):
        return action, self._data()

    def do_document(self, action):
        return action, self._data()


class GuaranteeReport(Report):
    "Guarantee report (Annex 5) as a document"
    __name__ = 'damu.guarantee.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        date = dt.date.fromisoformat(data['date'])
        context['date'] = date
        context['lines'], context['totals'] = annex5_lines(date)
        context['title'] = gettext('kz_damu_monitoring.msg_annex5_title',
            date=date.strftime('%d.%m.%Y'))
        context['headers'] = [
            gettext('kz_damu_monitoring.msg_annex5_col_%s' % i)
            for i in range(1, 9)]
        context['total_label'] = gettext(
            'kz_damu_monitoring.msg_annex5_total')
        return context


class GuaranteeReportXLSX(Report):
    "Guarantee report (Annex 5) as .xlsx"
    __name__ = 'damu.guarantee.report.xlsx'

    @classmethod
    def _execute(cls, records, header, data, action):
        import openpyxl
        from openpyxl.styles import Alignment, Font
        date = dt.date.fromisoformat(data['date'])
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        headers = annex5_headers()
        # One sheet per direction of the Programme (D§23)
        for direction, lines, totals in annex5_sheets(date):
            name = gettext('kz_damu_monitoring.msg_annex5_direction',
                direction=direction)
            sheet = workbook.create_sheet(sheet_title(name, 'Annex 5'))
            append_row(sheet, [gettext(
                        'kz_damu_monitoring.msg_annex5_title',
                        date=date.strftime('%d.%m.%Y'))
                    + ' — ' + name])
            sheet['A1'].font = Font(bold=True)
            append_row(sheet, headers)
            for cell in sheet[2]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical='top')
            append_row(sheet, list(range(1, 9)))
            for number, line in enumerate(lines, 1):
                append_row(sheet, [number, line['region']]
                    + [line[c] for c in COLUMNS])
            append_row(sheet,
                ['', gettext('kz_damu_monitoring.msg_annex5_total')]
                + [totals[c] for c in COLUMNS])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            for row in sheet.iter_rows(min_row=4, min_col=3):
                for cell in row:
                    cell.number_format = '#,##0.00'
            sheet.column_dimensions['B'].width = 32
            for letter in 'CDEFGH':
                sheet.column_dimensions[letter].width = 20
            sheet.freeze_panes = 'A4'
        output = io.BytesIO()
        workbook.save(output)
        return 'xlsx', output.getvalue()


class GuaranteeReportFiling(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Guarantee report filing (Annex 5)"
    __name__ = 'damu.guarantee.report.filing'
    __string__ = "Guarantee Report Filing (Annex 5)"
    _deadline_fields = {'period'}
    _deadline_states = {'expected'}
    period = fields.Date("Month", required=True, readonly=True,
        help="The first day of the reported month.")
    sent_date = fields.Date("Sent On", readonly=True)
    sent_by = fields.Many2One('res.user', "Sent By", readonly=True)
    state = fields.Selection([
            ('expected', "Expected"),
            ('sent', "Sent"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_unique', Unique(t, t.period),
                'kz_damu_monitoring.msg_guarantee_filing_unique'),
            ]
        cls._order.insert(0, ('period', 'DESC'))
        cls._transitions |= {('expected', 'sent')}
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'expected',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'expected'

    def get_rec_name(self, name):
        return f'{self.period:%m.%Y}'

    def get_deadline_start(self):
        return (self.period + relativedelta(months=1)
            if self.period else None)

    def get_deadline_duration(self):
        "Due by the 25th of the next month (D§23)"
        Configuration = Pool().get('kz.configuration')
        return Configuration(1).damu_guarantee_report_day - 1, 'calendar'

    def get_deadline_recipients(self):
        return users_of_role('kz_base', 'group_damu_officer')

    def get_deadline_escalation_recipients(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        group = ModelData.get_id('kz_base', 'group_damu_manager')
        return self.get_deadline_recipients() + User.search(
            [('groups', '=', group)])

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, filings):
        "Record that the report went to the authorized body"
        cls.write(filings, {
                'sent_date': Pool().get('ir.date').today(),
                'sent_by': Transaction().user,
                })

    @classmethod
    def create_expected(cls, date=None):
        """Expect the guarantee report of the previous month when a
        guarantee of the Programme ran in it (D§23)"""
        pool = Pool()
        Contract = pool.get('damu.contract')
        if date is None:
            date = pool.get('ir.date').today()
        period = date.replace(day=1) - relativedelta(months=1)
        if cls.search([('period', '=', period)]):
            return []
        if not Contract.search([
                    ('kind', '=', 'guarantee'),
                    ('instrument', '=', 'programme'),
                    ('contract_date', '<', period + relativedelta(months=1)),
                    ['OR',
                        ('state', '=', 'active'),
                        ('closed_date', '>=', period),
                        ],
                    ], limit=1):
            return []
        return cls.create([{'period': period}])

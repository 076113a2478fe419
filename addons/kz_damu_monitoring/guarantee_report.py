# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The guarantee report to the authorized body (Annex 5, D§23), per
region, as .xlsx and as a document."""
import datetime as dt
import io
from collections import OrderedDict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.kz_base.xlsx import append_row
from trytond.pool import Pool
from trytond.report import Report
from trytond.wizard import Button, StateReport, StateView, Wizard

COLUMNS = ['loan_amount', 'disbursed', 'debt', 'guarantee_amount',
    'guarantee_balance', 'guarantee_paid']


def annex5_lines(date):
    """Return (lines, totals): one line per region of the guarantees signed
    by date and still running on date (not repaid nor terminated by then),
    with the 6 amounts of Annex 5"""
    pool = Pool()
    Contract = pool.get('damu.contract')
    contracts = Contract.search([
            ('kind', '=', 'guarantee'),
            ('contract_date', '<=', date),
            ['OR',
                ('state', '=', 'active'),
                # ended after the date; without a date: ended long ago
                ('closed_date', '>', date),
                ],
            ], order=[('region.name', 'ASC'), ('id', 'ASC')])
    lines = OrderedDict()
    for contract in contracts:
        line = lines.setdefault(contract.region.id, dict(
                region=contract.region.rec_name,
                **{c: Decimal(0) for c in COLUMNS}))
        line['loan_amount'] += contract.amount or 0
        line['disbursed'] += sum((t.amount for t in contract.tranches
                if t.date <= date), Decimal(0))
        line['debt'] += contract.outstanding_debt or 0
        line['guarantee_amount'] += contract.guarantee_amount or 0
        line['guarantee_balance'] += contract.guarantee_balance or 0
        line['guarantee_paid'] += contract.guarantee_paid or 0
    lines = list(lines.values())
    totals = {c: sum((l[c] for l in lines), Decimal(0)) for c in COLUMNS}
    return lines, totals


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
            Button("Document", 'document', 'tryton-print'),
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
        from openpyxl.styles import Font
        date = dt.date.fromisoformat(data['date'])
        lines, totals = annex5_lines(date)
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Annex 5"
        append_row(sheet, [gettext('kz_damu_monitoring.msg_annex5_title',
                    date=date.strftime('%d.%m.%Y'))])
        sheet['A1'].font = Font(bold=True)
        headers = [gettext('kz_damu_monitoring.msg_annex5_col_%s' % i)
            for i in range(1, 9)]
        append_row(sheet, headers)
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
        output = io.BytesIO()
        workbook.save(output)
        return 'xlsx', output.getvalue()

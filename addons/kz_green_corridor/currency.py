# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The official rates of the National Bank of Kazakhstan, imported by an
administrator from the bank's published file: the green-corridor score
converts the cost at the rate of the inclusion date from these rates, with
no network call at run time"""
import datetime as dt
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.modules.kz_base.upload import XlsxRows
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Wizard

from .exceptions import ImportFileError
from .file_import import (
    FileImportMixin, FileImportStartMixin, file_import_states)

RATE_DIGITS = Decimal('0.000001')
# The columns of a spreadsheet of rates: date, currency code, tenge for the
# quantity, quantity (1 when empty)
RATE_COLUMNS = 4


def parse_date(value):
    "Return the date of a cell or of a DD.MM.YYYY / YYYY-MM-DD text"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or '').strip()
    for format_ in ['%d.%m.%Y', '%Y-%m-%d']:
        try:
            return dt.datetime.strptime(text, format_).date()
        except ValueError:
            continue
    return None


def parse_decimal(value):
    "Return the positive Decimal of a cell or text, else None"
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().replace('\u00a0', '').replace(' ', '')
    try:
        number = Decimal(text.replace(',', '.'))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def parse_nbk_xml(data):
    """Return [(date, code, tenge for one unit)] of the XML the National
    Bank publishes (rss/get_rates.cfm?fdate=DD.MM.YYYY): a <date> and one
    <item> per currency with <title> (code), <description> (tenge) and
    <quant> (units)"""
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except Exception:
        raise ImportFileError(gettext(
                'kz_green_corridor.msg_rate_import_format'))
    date = parse_date(root.findtext('date'))
    if not date:
        raise ImportFileError(gettext(
                'kz_green_corridor.msg_rate_import_format'))
    rates = []
    for item in root.iter('item'):
        code = (item.findtext('title') or '').strip().upper()
        value = parse_decimal(item.findtext('description'))
        quant = parse_decimal(item.findtext('quant') or '1')
        if not code or not value or not quant:
            raise ImportFileError(gettext(
                    'kz_green_corridor.msg_rate_import_item',
                    item=code or '?'))
        rates.append((date, code, value / quant))
    return rates


def parse_rates_xlsx(data):
    """Return [(date, code, tenge for one unit)] of the first sheet: date,
    currency code, tenge, quantity; a first row of titles is skipped"""
    rates = []
    for number, (date, code, value, quant) in XlsxRows(data, RATE_COLUMNS):
        if not any([date, code, value, quant]):
            continue
        date, value = parse_date(date), parse_decimal(value)
        quant = parse_decimal(quant) if quant not in (None, '') else 1
        code = str(code or '').strip().upper()
        if not (date and value and quant and code):
            if number == 1 and not rates:
                continue
            raise ImportFileError(gettext(
                    'kz_green_corridor.msg_rate_import_row', row=number))
        rates.append((date, code, value / quant))
    return rates


class RateImportStart(FileImportStartMixin, ModelView):
    "Import the official rates"
    __name__ = 'green_corridor.rate.import.start'
    __string__ = "Import National Bank Rates"

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.file.help = ("The XML the National Bank publishes for a day, "
            "or an .xlsx with the columns date, currency code, tenge and "
            "quantity.")


class RateImport(FileImportMixin, Wizard):
    "Import the National Bank's official rates"
    __name__ = 'green_corridor.rate.import'
    start, import_, done = file_import_states(
        'green_corridor.rate.import.start',
        'kz_green_corridor.rate_import_start_view_form',
        'kz_green_corridor.rate_import_done_view_form')

    def transition_import_(self):
        data = self.uploaded_data()
        if data.startswith(b'PK'):
            rates = parse_rates_xlsx(data)
        else:
            rates = parse_nbk_xml(data)
        if not rates:
            raise ImportFileError(gettext(
                    'kz_green_corridor.msg_rate_import_empty'))
        imported, unknown = self.import_rates(rates)
        self.start.summary = gettext(
            'kz_green_corridor.msg_rate_import_summary',
            count=imported, unknown=', '.join(sorted(unknown)) or '-')
        return 'done'

    @classmethod
    def import_rates(cls, rates):
        """Store the rates (tenge for one unit) as Tryton currency rates
        relative to the tenge; return (count, unknown codes)"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        currencies = {c.code: c for c in Currency.search([
                    ('code', 'in', list({r[1] for r in rates} | {'KZT'})),
                    ])}
        kzt = currencies.get('KZT')
        if not kzt:
            raise ImportFileError(gettext(
                    'kz_green_corridor.msg_rate_import_no_tenge'))
        existing = {(r.currency.id, r.date): r for r in Rate.search([
                    ('currency', 'in', [c.id for c in currencies.values()]),
                    ('date', 'in', list({r[0] for r in rates})),
                    ])}
        unknown, to_create, to_write, count = set(), [], [], 0
        for date, code, tenge in rates:
            currency = currencies.get(code)
            if code == 'KZT':
                continue
            if not currency:
                unknown.add(code)
                continue
            with Transaction().set_context(date=date):
                base = Currency(kzt.id).rate or Decimal(1)
            rate = (base / tenge).quantize(RATE_DIGITS)
            record = existing.get((currency.id, date))
            if record:
                to_write.extend([[record], {'rate': rate}])
            else:
                to_create.append(
                    {'currency': currency.id, 'date': date, 'rate': rate})
            count += 1
        if to_write:
            Rate.write(*to_write)
        if to_create:
            Rate.create(to_create)
        return count, unknown

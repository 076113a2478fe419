# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Reading the banks' monthly report (Annex 4, 29 columns) from .xlsx
(openpyxl) and legacy .xls (xlrd) files, row by row with the reason of
every bad row.  Pure Python: the wizard and the benchmark use it."""
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from trytond.modules.kz_base import identifier
from trytond.modules.kz_base.upload import check_xlsx_upload

# (field name, kind, required) of the 29 columns in their order
COLUMNS = [
    ('row_number', 'int', False),
    ('bank_name', 'char', False),
    ('region_name', 'char', False),
    ('borrower', 'char', True),
    ('borrower_bin', 'bin', True),
    ('legal_status', 'char', False),
    ('agreement_number', 'char', True),
    ('agreement_date', 'date', True),
    ('term_months', 'int', False),
    ('loan_amount', 'amount', True),
    ('interest_rate', 'amount', False),
    ('grace_principal', 'int', False),
    ('grace_interest', 'int', False),
    ('issue_date', 'date', False),
    ('disbursed_amount', 'amount', False),
    ('outstanding_debt', 'amount', True),
    ('guarantee_number', 'char', False),
    ('guarantee_date', 'date', False),
    ('guarantee_amount', 'amount', False),
    ('guarantee_obligation', 'amount', False),
    ('overdue_principal', 'amount', True),
    ('principal_overdue_days', 'int', True),
    ('interest_overdue_days', 'int', True),
    ('purpose', 'char', False),
    ('activity_code', 'char', False),
    ('business_status', 'char', False),
    ('availability_period', 'char', False),
    ('bank_decision_date', 'date', False),
    ('classification', 'char', False),
    ]
assert len(COLUMNS) == 29
FIELD_NAMES = [c[0] for c in COLUMNS]


class FileError(Exception):
    "The file cannot be read at all; args: (message id, values)"


class RowError(Exception):
    pass


def _text(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(kind, value, datemode=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == 'char':
        return _text(value)
    if kind == 'bin':
        text = _text(value).zfill(12) if isinstance(
            value, (int, float)) else _text(value)
        if not identifier.is_valid(text):
            raise RowError('bin')
        return identifier.compact(text)
    if kind == 'int':
        try:
            number = Decimal(_text(value).replace(' ', '').replace(',', '.'))
        except InvalidOperation:
            raise RowError('number')
        if number != number.to_integral_value() or number < 0:
            raise RowError('number')
        return int(number)
    if kind == 'amount':
        if isinstance(value, float):
            number = Decimal(repr(value))
        else:
            text = _text(value).replace('\xa0', '').replace(' ', '')
            try:
                number = Decimal(text.replace(',', '.'))
            except InvalidOperation:
                raise RowError('number')
        if number < 0 or not number.is_finite():
            raise RowError('negative' if number < 0 else 'number')
        return number.quantize(Decimal('0.01'))
    if kind == 'date':
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, float) and datemode is not None:
            import xlrd
            try:
                return xlrd.xldate.xldate_as_datetime(value, datemode).date()
            except Exception:
                raise RowError('date')
        text = _text(value)
        for fmt in ('%d.%m.%Y', '%Y-%m-%d', '%d/%m/%Y'):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise RowError('date')
    raise ValueError(kind)


def is_header(cells):
    "The header rows and the column-number row (1, 2, ... 29)"
    texts = [_text(c) for c in cells[:29]]
    if not any(texts):
        return True
    if texts[:3] == ['1', '2', '3']:
        return True
    first = texts[0]
    return not first.isdigit()


def parse_row(cells, datemode=None):
    """Return (values, None) or (None, [(column number, reason)])"""
    cells = list(cells)[:29] + [None] * max(0, 29 - len(cells))
    values, errors = {}, []
    for index, ((name, kind, required), cell) in enumerate(
            zip(COLUMNS, cells), 1):
        try:
            value = _parse(kind, cell, datemode)
        except RowError as error:
            errors.append((index, error.args[0]))
            continue
        if value is None and required:
            errors.append((index, 'required'))
        values[name] = value
    if errors:
        return None, errors
    return values, None


# Rows read between two progress reports
PROGRESS_ROWS = 5000


def iter_rows(data, filename=''):
    """Yield (sheet row number, cells, datemode, rows of the sheet or None)
    of the first sheet of an .xlsx or .xls file"""
    if data[:4] == b'PK\x03\x04':
        import openpyxl
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise FileError('msg_import_file_malformed')
        try:
            sheet = workbook.worksheets[0]
            # from the sheet's declared dimension, absent in some writers
            total = sheet.max_row
            for number, cells in enumerate(
                    sheet.iter_rows(values_only=True), 1):
                yield number, cells, None, total
        except FileError:
            raise
        except Exception:
            raise FileError('msg_import_file_malformed')
        finally:
            workbook.close()
    elif data[:8] == b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1':
        import xlrd
        try:
            book = xlrd.open_workbook(file_contents=data, on_demand=True)
            sheet = book.sheet_by_index(0)
        except Exception:
            raise FileError('msg_import_file_malformed')
        for number in range(sheet.nrows):
            cells = []
            for cell in sheet.row(number):
                if cell.ctype == xlrd.XL_CELL_EMPTY:
                    cells.append(None)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate.xldate_as_datetime(
                            cell.value, book.datemode))
                else:
                    cells.append(cell.value)
            yield number + 1, cells, book.datemode, sheet.nrows
    else:
        raise FileError('msg_import_file_format')


def read(data, max_bytes=None, max_uncompressed=None, progress=None,
        filename=''):
    """Return (rows, errors): rows is [(sheet row, values)], errors is
    [(sheet row, [(column, reason)])]

    The file is checked by kz_base's check_xlsx_upload (size, zip bomb,
    XML entities) before openpyxl or xlrd see it; it raises its UploadError.
    The limits default to those of the [kz] configuration section."""
    check_xlsx_upload(data, filename, max_size=max_bytes,
        max_uncompressed=max_uncompressed)
    rows, errors = [], []
    for number, cells, datemode, total in iter_rows(data):
        cells = list(cells)
        if is_header(cells):
            continue
        values, row_errors = parse_row(cells, datemode)
        if row_errors:
            errors.append((number, row_errors))
        else:
            rows.append((number, values))
        if progress and number % PROGRESS_ROWS == 0:
            progress(number, total)
    return rows, errors


def write_xlsx(rows, title="Annex 4"):
    "Return the bytes of an .xlsx Annex 4 file with the header rows"
    import openpyxl
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append([title])
    sheet.append(list(range(1, 30)))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()

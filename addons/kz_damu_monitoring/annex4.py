# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Reading the banks' monthly report (Annex 4, 29 columns) from .xlsx
(openpyxl) and legacy .xls (xlrd) files, row by row with the reason of
every bad row.  Pure Python: the wizard and the benchmark use it.

A bad value is a reason of its row, never an error of the whole file: not
a number, not a finite number (NaN, Infinity, as numbers or as text), out
of the range of its database column, negative, or an amount over the
plausible maximum.  The rows are read as a stream and the reading stops
at the row limit, before the rest of the file is read."""
import datetime as dt
import io
import math
from decimal import Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

from trytond.modules.kz_base import identifier
from trytond.modules.kz_base.upload import XlsxRows, check_xlsx_upload
from trytond.modules.kz_base.xlsx import append_row, sheet_title

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
    ('interest_rate', 'rate', False),
    ('grace_principal', 'int', False),
    ('grace_interest', 'int', False),
    ('issue_date', 'date', False),
    ('disbursed_amount', 'amount', False),
    ('outstanding_debt', 'amount', True),
    ('guarantee_number', 'char', False),
    ('guarantee_date', 'date', False),
    ('guarantee_amount', 'amount', False),
    ('guarantee_paid', 'amount', False),
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

# What the database columns hold: amounts and rates as NUMERIC of 16
# digits with 2 decimals, counts as INTEGER
AMOUNT_LIMIT = Decimal(10) ** 14
INTEGER_LIMIT = 2 ** 31 - 1
CENT = Decimal('0.01')
# Rows a file may have besides its report rows (titles, headers, blank and
# footer rows): a sheet of more than max_rows + EXTRA_ROWS rows is refused
# even if most of them are not report rows
EXTRA_ROWS = 1000


class FileError(Exception):
    "The file cannot be read at all; args: (message id, values)"

    def __init__(self, message_id, **values):
        super().__init__(message_id, values)


class RowError(Exception):
    "A cell is refused; args: (reason,)"


def column_letter(column):
    "Return the letter of the sheet column numbered from 1"
    return get_column_letter(column)


def _text(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_text(value, length=40):
    "Return the cell as the bank typed it, shortened, for a message"
    if value is None:
        return ''
    text = _text(value) if not isinstance(value, float) else repr(value)
    if len(text) > length:
        text = text[:length - 1] + '\u2026'
    return text


def _number(value):
    """Return the Decimal of a cell or raise RowError with the reason
    'number' (not a number) or 'not_finite' (NaN or an infinity)"""
    if isinstance(value, bool):
        raise RowError('number')
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RowError('not_finite')
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        # a date or a time in a column of numbers
        raise RowError('number')
    # Any Unicode space groups thousands: Excel's ru-RU format writes a
    # narrow no-break space (250 000 000,00)
    text = ''.join(c for c in _text(value) if not c.isspace())
    try:
        number = Decimal(text.replace(',', '.'))
    except InvalidOperation:
        raise RowError('number')
    if not number.is_finite():
        raise RowError('not_finite')
    return number


def _parse(kind, value, datemode=None, max_amount=None):
    """Return the value of a cell of the kind or raise RowError

    max_amount is the plausible maximum of the amounts (None: no bound)."""
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
        number = _number(value)
        if number < 0:
            raise RowError('negative')
        if number > INTEGER_LIMIT:
            raise RowError('range')
        if number != number.to_integral_value():
            raise RowError('whole')
        return int(number)
    if kind in {'amount', 'rate'}:
        number = _number(value)
        if number < 0:
            raise RowError('negative')
        if number >= AMOUNT_LIMIT:
            raise RowError('range')
        if (kind == 'amount' and max_amount is not None
                and number > max_amount):
            raise RowError('over_bound')
        return number.quantize(CENT)
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


def _numeric(value):
    """Tell whether a cell holds a number, even one refused later (NaN,
    1e30, -3, 2.5)"""
    try:
        _number(value)
    except RowError as error:
        return error.args[0] == 'not_finite'
    return True


def is_header(cells):
    """The header rows and the column-number row (1, 2, ... 29): a report
    row starts with its number"""
    texts = [_text(c) for c in cells[:29]]
    if not any(texts):
        return True
    if texts[:3] == ['1', '2', '3']:
        return True
    return not _numeric(cells[0])


def parse_row(cells, datemode=None, max_amount=None):
    """Return (values, None) or (None, [(column number, reason, cell)])"""
    cells = list(cells)[:29] + [None] * max(0, 29 - len(cells))
    values, errors = {}, []
    for index, ((name, kind, required), cell) in enumerate(
            zip(COLUMNS, cells), 1):
        try:
            value = _parse(kind, cell, datemode, max_amount)
        except RowError as error:
            errors.append((index, error.args[0], cell))
            continue
        if value is None and required:
            errors.append((index, 'required', cell))
        values[name] = value
    if errors:
        return None, errors
    return values, None


# Rows read between two progress reports
PROGRESS_ROWS = 5000


def iter_rows(data, filename=''):
    """Yield (sheet row number, cells, datemode, rows of the sheet or None)
    of the first sheet of an .xlsx or .xls file, one row at a time

    Only the first 29 columns are given.  A value that cannot be read
    (NaN or an infinity as a number, a date serial out of range, an error
    such as #N/A) is given as a value that its column refuses."""
    if data[:4] == b'PK\x03\x04':
        try:
            sheet = XlsxRows(data, len(COLUMNS))
        except Exception:
            raise FileError('msg_import_file_malformed')
        try:
            for number, cells in sheet:
                yield number, cells, None, sheet.declared_rows
        except Exception:
            raise FileError('msg_import_file_malformed')
    elif data[:8] == b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1':
        import xlrd
        try:
            book = xlrd.open_workbook(file_contents=data, on_demand=True)
            sheet = book.sheet_by_index(0)
        except Exception:
            raise FileError('msg_import_file_malformed')
        for number in range(sheet.nrows):
            cells = []
            for cell in sheet.row(number)[:len(COLUMNS)]:
                if cell.ctype == xlrd.XL_CELL_EMPTY:
                    cells.append(None)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        cells.append(xlrd.xldate.xldate_as_datetime(
                                cell.value, book.datemode))
                    except Exception:
                        # the serial number, refused by its column
                        cells.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    # the error's text (#N/A), not its code as a number
                    cells.append(xlrd.error_text_from_code.get(
                            cell.value, '#ERROR'))
                else:
                    cells.append(cell.value)
            yield number + 1, cells, book.datemode, sheet.nrows
    else:
        raise FileError('msg_import_file_format')


def read(data, max_bytes=None, max_uncompressed=None, progress=None,
        filename='', max_rows=None, max_amount=None):
    """Return (rows, errors): rows is [(sheet row, values)], errors is
    [(sheet row, [(column, reason)])]

    The file is checked by kz_base's check_xlsx_upload (size, zip bomb,
    XML entities) before openpyxl or xlrd see it; it raises its UploadError.
    The limits default to those of the [kz] configuration section.

    A file of more than max_rows report rows (or more than max_rows +
    EXTRA_ROWS rows in all) raises FileError('msg_annex4_too_many_rows')
    at the first row over the limit: the rest of the file is not read.
    max_amount is the plausible maximum of the amounts."""
    check_xlsx_upload(data, filename, max_size=max_bytes,
        max_uncompressed=max_uncompressed)
    rows, errors = [], []
    count = 0
    sheet_rows = iter_rows(data)
    try:
        for read_rows, (number, cells, datemode, total) in enumerate(
                sheet_rows, 1):
            if max_rows is not None and read_rows > max_rows + EXTRA_ROWS:
                raise FileError('msg_annex4_too_many_rows', limit=max_rows)
            cells = list(cells)
            if is_header(cells):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                raise FileError('msg_annex4_too_many_rows', limit=max_rows)
            values, row_errors = parse_row(cells, datemode, max_amount)
            if row_errors:
                errors.append((number, row_errors))
            else:
                rows.append((number, values))
            if progress and number % PROGRESS_ROWS == 0:
                progress(number, total)
    finally:
        sheet_rows.close()
    return rows, errors


def write_xlsx(rows, title="Annex 4", labels=None, sheet_name=None):
    """Return the bytes of an .xlsx Annex 4 file with the header rows of
    the form: the title, the labels of the 29 columns (when given) and
    the column numbers; then the rows"""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(sheet_name or title, 'Annex 4'))
    if labels:
        sheet.freeze_panes = 'A4'
        for column in range(1, len(COLUMNS) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 18
    bold = Font(bold=True)
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = bold
    sheet.append([title_cell])
    if labels:
        cells = []
        for label in labels:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical='top')
            cells.append(cell)
        sheet.append(cells)
    append_row(sheet, list(range(1, len(COLUMNS) + 1)))
    for row in rows:
        append_row(sheet, row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_errors_xlsx(errors, title, headers):
    """Return the bytes of an .xlsx of the rejected rows: errors is
    [(sheet row, reasons)], headers the names of these two columns"""
    import openpyxl
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title, 'Errors'))
    sheet.column_dimensions['B'].width = 100
    append_row(sheet, headers)
    for row, reasons in errors:
        append_row(sheet, [row, reasons])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()

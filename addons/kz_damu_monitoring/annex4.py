# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Reading the banks' monthly report (Annex 4, 29 columns) from .xlsx,
.ods and legacy .xls files (python-calamine), with the reason of every bad
row.  Pure Python: the queued import, the wizard and the benchmark use it.

The rows are checked in chunks, column by column, on fast paths for the
values a spreadsheet holds (floats, dates, texts); only an unusual cell
(a number typed as text, a date as text) goes through Decimal or strptime.

A bad value is a reason of its row, never an error of the whole file: not
a number, not a finite number (NaN, Infinity, as numbers or as text), out
of the range of its database column, negative, or an amount over the
plausible maximum.  The rows are read as a stream and the reading stops
at the row limit; a sheet spanning far more rows is refused before it is
parsed (kz_base.upload.scan_first_sheet), so that the reader never holds
a million rows in memory."""
import datetime as dt
import io
import math
from decimal import Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

from trytond.modules.kz_base import identifier
from trytond.modules.kz_base.upload import (
    check_xlsx_upload, scan_first_sheet)
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
            # The serial number of a date in a legacy .xls cell not
            # formatted as a date
            try:
                if not 0 < value < 2958466:
                    raise ValueError
                return (EPOCH + dt.timedelta(days=value)).date()
            except (ValueError, OverflowError):
                raise RowError('date')
        text = _text(value)
        parts = text.split('.')
        if len(parts) == 3 and len(parts[2]) == 4 and all(
                p.isdigit() and p.isascii() for p in parts) and (
                len(parts[0]) <= 2 and len(parts[1]) <= 2):
            # dd.mm.yyyy, the form of the banks, without strptime
            try:
                return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                raise RowError('date')
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
# Report rows validated together, column by column
CHUNK_ROWS = 2000
# Rows the sheet may span, beyond max_rows + EXTRA_ROWS, before the reader
# builds it in memory: the exact limit is applied as the rows are read
SCAN_ROWS = 10000
ZIP_MAGIC = b'PK\x03\x04'
OLE_MAGIC = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'
ODS_MIMETYPE = b'application/vnd.oasis.opendocument.spreadsheet'
# Day 0 of the date serial numbers of the 1900 system (Excel, LibreOffice)
EPOCH = dt.datetime(1899, 12, 30)


def file_kind(data):
    "Return 'xlsx', 'ods' or 'xls', or raise FileError"
    if data[:4] == ZIP_MAGIC:
        # The mimetype of an OpenDocument file is its first part, stored
        if ODS_MIMETYPE in data[:100]:
            return 'ods'
        return 'xlsx'
    if data[:8] == OLE_MAGIC:
        return 'xls'
    raise FileError('msg_import_file_format')


def iter_rows(data, filename='', error_cells=None):
    """Yield (sheet row number, cells, datemode, rows of the sheet) of the
    first sheet of an .xlsx, .ods or .xls file, one row at a time

    python-calamine reads the three formats (its Rust reader holds the
    sheet's values; the rows become Python values one at a time).  Only
    the first 29 columns are given, an empty cell as ''.  A value that
    cannot be read (NaN or an infinity as a number, an error such as #N/A
    given in error_cells {(row, column): text}) is given as a value that
    its column refuses."""
    from python_calamine import CalamineWorkbook
    kind = file_kind(data)
    width = len(COLUMNS)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:
        raise FileError('msg_import_file_malformed')
    datemode = 0 if kind == 'xls' else None
    if sheet.start is None:
        return
    total = sheet.end[0] + 1
    # The rows start at the sheet's first row, the cells at its first
    # column with a value
    pad = [''] * sheet.start[1]
    errors_by_row = {}
    for (row, column), text in (error_cells or {}).items():
        if column <= width:
            errors_by_row.setdefault(row, []).append((column, text))
    try:
        for index, cells in enumerate(sheet.iter_rows()):
            number = index + 1
            if pad:
                cells = pad + cells
            if len(cells) != width:
                cells = cells[:width] + [''] * (width - len(cells))
            if number in errors_by_row:
                for column, text in errors_by_row[number]:
                    cells[column - 1] = text
            yield number, cells, datemode, total
    except FileError:
        raise
    except Exception:
        raise FileError('msg_import_file_malformed')
    finally:
        workbook.close()


class Values(tuple):
    """The values of a report row in the order of COLUMNS, also read by
    field name (values['agreement_number'])"""
    __slots__ = ()

    def __getitem__(self, key):
        if isinstance(key, str):
            key = FIELD_INDEX[key]
        return tuple.__getitem__(self, key)

    def get(self, key, default=None):
        return self[key] if key in FIELD_INDEX else default

    def keys(self):
        return FIELD_NAMES

    def items(self):
        return zip(FIELD_NAMES, self)


FIELD_INDEX = {n: i for i, n in enumerate(FIELD_NAMES)}


def _report_row(cells):
    """Tell whether the row is a report row (not a header, the column
    numbers, a blank or a footer row), without reading every cell"""
    first = cells[0]
    if type(first) is float or type(first) is int:
        # the row of the column numbers: 1, 2, 3, ...
        return not (first == 1 and cells[1] == 2 and cells[2] == 3)
    return not is_header(cells)


def _char_column(cells, errors, kind, datemode, max_amount, cache):
    values = []
    append = values.append
    # One object per distinct text: a bank's name, a status repeat on
    # every row of a file of tens of thousands
    texts = cache
    for cell in cells:
        if type(cell) is str:
            text = cell.strip() or None
            append(texts.setdefault(text, text))
        elif cell is None:
            append(None)
        else:
            append(_parse('char', cell))
    return values


def _checked(kind, index, cell, errors, datemode=None, max_amount=None):
    "The value of a cell off the fast path, its reason in errors"
    try:
        return _parse(kind, cell, datemode, max_amount)
    except RowError as error:
        errors[index] = error.args[0]
        return None


def _amount_column(cells, errors, kind, datemode, max_amount, cache):
    if kind != 'amount':
        max_amount = None
    values = []
    append = values.append
    for index, cell in enumerate(cells):
        if type(cell) is float:
            if not math.isfinite(cell):
                errors[index] = 'not_finite'
                cell = None
            elif cell < 0:
                errors[index] = 'negative'
                cell = None
            elif cell >= 1e14:
                errors[index] = 'range'
                cell = None
            elif max_amount is not None and cell > max_amount:
                errors[index] = 'over_bound'
                cell = None
            elif cell.is_integer():
                cell = int(cell)
            else:
                cell = Decimal(repr(cell)).quantize(CENT)
            append(cell)
        elif cell == '' or cell is None:
            append(None)
        else:
            append(_checked(kind, index, cell, errors, None, max_amount))
    return values


def _int_column(cells, errors, kind, datemode, max_amount, cache):
    values = []
    append = values.append
    for index, cell in enumerate(cells):
        if type(cell) is float:
            if not math.isfinite(cell):
                errors[index] = 'not_finite'
                cell = None
            elif cell < 0:
                errors[index] = 'negative'
                cell = None
            elif cell > INTEGER_LIMIT:
                errors[index] = 'range'
                cell = None
            elif not cell.is_integer():
                errors[index] = 'whole'
                cell = None
            else:
                cell = int(cell)
            append(cell)
        elif cell == '' or cell is None:
            append(None)
        else:
            append(_checked(kind, index, cell, errors))
    return values


def _date_column(cells, errors, kind, datemode, max_amount, cache):
    values = []
    append = values.append
    texts = cache
    for index, cell in enumerate(cells):
        kind_ = type(cell)
        if kind_ is dt.date:
            append(cell)
        elif kind_ is dt.datetime:
            append(cell.date())
        elif cell == '' or cell is None:
            append(None)
        elif kind_ is str and cell in texts:
            date = texts[cell]
            if date is None:
                errors[index] = 'date'
            append(date)
        else:
            date = _checked(kind, index, cell, errors, datemode)
            if kind_ is str:
                texts[cell] = date
            append(date)
    return values


def _bin_column(cells, errors, kind, datemode, max_amount, cache):
    values = []
    append = values.append
    for index, cell in enumerate(cells):
        if type(cell) is str:
            code = cell.strip()
            if len(code) == 12 and code.isdigit():
                if identifier.is_valid(code):
                    append(code)
                else:
                    errors[index] = 'bin'
                    append(None)
                continue
        if cell == '' or cell is None:
            append(None)
        else:
            append(_checked(kind, index, cell, errors))
    return values


COLUMN_READERS = {
    'char': _char_column,
    'bin': _bin_column,
    'int': _int_column,
    'amount': _amount_column,
    'rate': _amount_column,
    'date': _date_column,
    }


def validate(chunk, datemode=None, max_amount=None, caches=None):
    """Return (rows, errors) of the report rows [(sheet row, cells)]
    checked column by column: rows is [(sheet row, Values)], errors is
    [(sheet row, [(column, reason, cell)])] in the order of the rows

    caches holds, across the chunks of a file, a dict per column of the
    values met (one object per distinct text or date)."""
    if caches is None:
        caches = {}
    if not chunk:
        return [], []
    numbers = [n for n, _ in chunk]
    columns = list(zip(*(c for _, c in chunk)))
    value_columns = []
    bad = {}
    for column, ((name, kind, required), cells) in enumerate(
            zip(COLUMNS, columns), 1):
        errors = {}
        values = COLUMN_READERS[kind](cells, errors, kind, datemode,
            max_amount, caches.setdefault(column, {}))
        if required:
            for index, value in enumerate(values):
                if value is None and index not in errors:
                    errors[index] = 'required'
        for index, reason in errors.items():
            bad.setdefault(index, []).append(
                (column, reason, cells[index]))
        value_columns.append(values)
    rows, errors = [], []
    for index, values in enumerate(zip(*value_columns)):
        if index in bad:
            errors.append((numbers[index], bad[index]))
        else:
            rows.append((numbers[index], Values(values)))
    return rows, errors


def read(data, max_bytes=None, max_uncompressed=None, progress=None,
        filename='', max_rows=None, max_amount=None, check=None):
    """Return (rows, errors): rows is [(sheet row, Values)], errors is
    [(sheet row, [(column, reason, cell)])]

    The file is checked by kz_base's check_xlsx_upload (size, zip bomb,
    XML entities) before any reader sees it; it raises its UploadError.
    The limits default to those of the [kz] configuration section.

    A file of more than max_rows report rows (or more than max_rows +
    EXTRA_ROWS rows in all) raises FileError('msg_annex4_too_many_rows')
    at the first row over the limit; a sheet spanning far more rows is
    refused before it is parsed.  max_amount is the plausible maximum of
    the amounts.  check() is called at each progress report, e.g. to stop
    a cancelled import by raising."""
    check_xlsx_upload(data, filename, max_size=max_bytes,
        max_uncompressed=max_uncompressed)
    data = bytes(data)
    error_cells = None
    if file_kind(data) != 'xls':
        # An .xls has 65,536 rows at most
        limit = (max_rows + EXTRA_ROWS + SCAN_ROWS
            if max_rows is not None else None)
        try:
            spanned, error_cells = scan_first_sheet(
                data, limit if limit is not None else 2 ** 21)
        except Exception:
            raise FileError('msg_import_file_malformed')
        if limit is not None and spanned > limit:
            raise FileError('msg_annex4_too_many_rows', limit=max_rows)
    rows, errors = [], []
    count = 0
    chunk, datemode, caches = [], None, {}
    sheet_rows = iter_rows(data, error_cells=error_cells)
    try:
        for read_rows, (number, cells, datemode, total) in enumerate(
                sheet_rows, 1):
            if max_rows is not None and read_rows > max_rows + EXTRA_ROWS:
                raise FileError('msg_annex4_too_many_rows', limit=max_rows)
            if not _report_row(cells):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                raise FileError('msg_annex4_too_many_rows', limit=max_rows)
            chunk.append((number, cells))
            if len(chunk) >= CHUNK_ROWS:
                _extend(rows, errors, validate(chunk, datemode, max_amount,
                        caches))
                chunk = []
            if number % PROGRESS_ROWS == 0:
                if check:
                    check()
                if progress:
                    progress(number, total)
    finally:
        sheet_rows.close()
    _extend(rows, errors, validate(chunk, datemode, max_amount, caches))
    return rows, errors


def _extend(rows, errors, result):
    rows.extend(result[0])
    errors.extend(result[1])


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

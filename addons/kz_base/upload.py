# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Checks of an uploaded spreadsheet before any library parses it.

An .xlsx (or .ods) file is a zip of XML parts: a small upload can unpack
to gigabytes (zip bomb), hold thousands of parts, or carry an XML document
type declaration whose entities expand exponentially (billion laughs) or
read files of the server (external entities).  check_xlsx_upload refuses
them all with a translated error; every module that imports Excel or ODS
files calls it first.

The limits come from the [kz] section of the trytond configuration
(upload_max_size, upload_max_uncompressed in bytes, upload_max_entries);
a module may pass its own, e.g. those of its settings.

XlsxRows then reads the rows of a checked .xlsx one by one, so that
the caller can stop at a row limit, and gives the text of a numeric value
that openpyxl cannot read instead of failing on the whole file."""
import io
import re
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

from trytond import config
from trytond.i18n import gettext

from .exceptions import UploadError

MB = 1024 * 1024
ZIP_MAGIC = b'PK\x03\x04'
CHUNK = 1024 * 1024
# Workbook parts never need a DTD: any declaration is refused, in the
# encodings an XML parser accepts without a declaration.
FORBIDDEN = [keyword.encode(encoding)
    for keyword in ['<!DOCTYPE', '<!ENTITY']
    for encoding in ['ascii', 'utf-16-le', 'utf-16-be', 'utf-32-le',
        'utf-32-be']]
OVERLAP = max(len(f) for f in FORBIDDEN) - 1


def limits():
    "Return the default (size, uncompressed size, entries) limits"
    return (
        config.getint('kz', 'upload_max_size', default=20 * MB),
        config.getint('kz', 'upload_max_uncompressed', default=200 * MB),
        config.getint('kz', 'upload_max_entries', default=1000),
        )


def _mb(size):
    return f'{size / MB:g}'


def check_xlsx_upload(data, filename='', max_size=None,
        max_uncompressed=None, max_entries=None):
    """Raise UploadError unless data is a spreadsheet safe to parse

    A file that is not a zip (a legacy .xls) is only checked for its size;
    recognising its format is left to the caller."""
    default_size, default_uncompressed, default_entries = limits()
    if max_size is None:
        max_size = default_size
    if max_uncompressed is None:
        max_uncompressed = default_uncompressed
    if max_entries is None:
        max_entries = default_entries
    filename = filename or ''
    data = bytes(data or b'')
    if len(data) > max_size:
        raise UploadError(gettext('kz_base.msg_upload_too_big',
                filename=filename, limit=_mb(max_size)))
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > max_entries:
                raise UploadError(gettext('kz_base.msg_upload_too_many_parts',
                        filename=filename, limit=max_entries))
            # The sizes written in the zip bound what zipfile unpacks; they
            # are checked before unpacking anything, the counted bytes after.
            if sum(i.file_size for i in infos) > max_uncompressed:
                raise _too_big_uncompressed(filename, max_uncompressed)
            unpacked = 0
            for info in infos:
                unpacked = _scan(archive, info, filename, unpacked,
                    max_uncompressed)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError,
            RuntimeError, ValueError, EOFError, OSError):
        # Encrypted parts, unknown compressions, bad CRCs, truncated files
        raise UploadError(gettext('kz_base.msg_upload_malformed',
                filename=filename))


def _too_big_uncompressed(filename, limit):
    return UploadError(gettext('kz_base.msg_upload_too_big_uncompressed',
            filename=filename, limit=_mb(limit)))


def _scan(archive, info, filename, unpacked, max_uncompressed):
    "Read one part in chunks: count its bytes and look for a DTD"
    tail = b''
    with archive.open(info) as part:
        while True:
            chunk = part.read(CHUNK)
            if not chunk:
                break
            unpacked += len(chunk)
            if unpacked > max_uncompressed:
                raise _too_big_uncompressed(filename, max_uncompressed)
            window = (tail + chunk).upper()
            if any(f in window for f in FORBIDDEN):
                raise UploadError(gettext('kz_base.msg_upload_xml_dtd',
                        filename=filename, part=info.filename))
            tail = window[-OVERLAP:]
    return unpacked


class _SheetParser(WorkSheetParser):
    """openpyxl's parser of the rows of a sheet, keeping the text of a
    number it cannot read ("NaN", "Infinity", "1e99999" as a value of a
    numeric cell) instead of failing on the whole file: the caller then
    refuses that cell with its row and column."""

    def parse_cell(self, element):
        try:
            return super().parse_cell(element)
        except (ValueError, OverflowError):
            if element.get('t', 'n') not in {'n', 'd'}:
                raise
            coordinate = element.get('r')
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
            else:
                # the parent counted the cell before failing on its value
                row, column = self.row_counter, self.col_counter
            return {'row': row, 'column': column,
                'value': element.findtext(VALUE_TAG), 'data_type': 'n',
                'style_id': 0}


class XlsxRows:
    """The rows of the first sheet of an .xlsx (checked first by
    check_xlsx_upload), read one by one as the sheet's XML is parsed:
    nothing is read ahead, so a caller that stops at a row limit never
    holds the rest of the file.

    Iterating yields (row number, cells) for the rows present in the file;
    cells holds the values of the first `columns` columns (None for an
    empty cell) as openpyxl gives them (str, int, float, datetime, bool),
    except that a numeric value openpyxl cannot read is given as its text.
    declared_rows is the number of rows the sheet declares (None if it
    does not).  A damaged workbook raises the exceptions of openpyxl and
    zipfile."""

    def __init__(self, data, columns):
        self.columns = columns
        self.workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
        try:
            self.sheet = self.workbook.worksheets[0]
            # From the sheet's dimension, absent in some writers
            self.declared_rows = self.sheet.max_row
        except Exception:
            self.workbook.close()
            raise

    def __iter__(self):
        sheet, workbook = self.sheet, self.workbook
        try:
            with sheet._get_source() as source:
                parser = _SheetParser(source, sheet._shared_strings,
                    data_only=True, epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats)
                for number, row in parser.parse():
                    cells = [None] * self.columns
                    for cell in row:
                        if 1 <= cell['column'] <= self.columns:
                            cells[cell['column'] - 1] = cell['value']
                    yield number, cells
        finally:
            workbook.close()


ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
SHEET_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)\st="e"([^>]*)>'
    rb'(?:<(?:\w+:)?f\b.*?</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)?'
    rb'<(?:\w+:)?v>([^<]*)<')
SHEET_REF = re.compile(rb'\sr="([A-Z]+)(\d+)"')
ODS_ROWS = re.compile(
    rb'<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)', re.S)
ODS_REPEAT = re.compile(rb'table:number-rows-repeated="(\d+)"')


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _first_sheet_part(archive):
    "Return the name of the part of the first sheet of an .xlsx"
    workbook = archive.read('xl/workbook.xml')
    rels = archive.read('xl/_rels/workbook.xml.rels')
    match = re.search(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"', workbook)
    if not match:
        match = re.search(rb'<(?:\w+:)?sheet\b[^>]*?:id="([^"]+)"', workbook)
    rel_id = match.group(1)
    for rel in re.finditer(rb'<Relationship\b[^>]*>', rels):
        if b'Id="%s"' % rel_id in rel.group(0):
            target = re.search(rb'Target="([^"]+)"', rel.group(0)).group(1)
            target = target.decode()
            if target.startswith('/'):
                return target[1:]
            return 'xl/' + target
    raise KeyError(rel_id)


def scan_first_sheet(data, max_rows):
    """Return (rows, error cells) of the first sheet of a checked .xlsx or
    .ods file, read as raw XML before a reader builds the sheet in memory

    A reader such as calamine holds the whole sheet, from its first to its
    last row: a sheet of more than max_rows rows (a row numbered beyond it,
    or rows repeated beyond it) stops the scan and gives max_rows + 1.
    The error cells ({(row, column): text}, .xlsx only) are the cells
    holding an error (#N/A), which the reader gives as empty."""
    rows, errors = 0, {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if 'content.xml' in names and 'xl/workbook.xml' not in names:
            content = archive.read('content.xml')
            start = content.find(b'<table:table ')
            end = content.find(b'</table:table>', start)
            for match in ODS_ROWS.finditer(content, start, end):
                repeat = ODS_REPEAT.search(match.group(1))
                body = match.group(2) or b''
                # Empty rows repeated to the end of the sheet are not read
                if repeat and b'office:value' not in body and (
                        b'<text:p' not in body):
                    continue
                rows += int(repeat.group(1)) if repeat else 1
                if rows > max_rows:
                    return max_rows + 1, errors
            return rows, errors
        part = _first_sheet_part(archive)
        tail = b''
        with archive.open(part) as source:
            while True:
                chunk = source.read(CHUNK)
                if not chunk:
                    break
                window = tail + chunk
                # The last complete row of the window
                cut = window.rfind(b'<row ')
                if cut < 0:
                    cut = window.rfind(b':row ')
                if cut <= 0:
                    tail = window
                    continue
                block, tail = window[:cut], window[cut:]
                rows = _scan_block(block, rows, errors)
                if rows > max_rows:
                    return max_rows + 1, errors
            if tail:
                rows = _scan_block(tail, rows, errors)
    return min(rows, max_rows + 1), errors


def _scan_block(block, rows, errors):
    # The rows of a sheet are in order: their count, or the number of the
    # last one if the sheet skips rows
    count = block.count(b'<row ') + block.count(b':row ')
    last = max(block.rfind(b'<row '), block.rfind(b':row '))
    number = ROW_NUMBER.search(block, last, block.find(b'>', last)) if (
        last >= 0) else None
    rows = max(rows + count, int(number.group(1)) if number else 0)
    if b't="e"' in block:
        for match in SHEET_ERROR_CELL.finditer(block):
            ref = SHEET_REF.search(b' ' + match.group(1) + match.group(2))
            if ref:
                errors[(int(ref.group(2)), _column_number(ref.group(1)))] = (
                    match.group(3).decode('utf-8', 'replace') or '#ERROR')
    return rows

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A report that writes an Excel workbook with openpyxl, and the one helper
every .xlsx writer of the platform appends its rows with (text_cell,
append_row): a text from the data never becomes a formula."""
import datetime as dt
from decimal import Decimal
from io import BytesIO

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Font

from trytond.config import config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from .service import TooManyRecords

# A text starting with one of these is taken as a formula by a spreadsheet
# (openpyxl writes a text starting with "=" as one; Excel and LibreOffice
# evaluate "+", "-" and "@" when the cell is edited or the text pasted,
# and some programs strip a leading tab or carriage return first)
FORMULA_PREFIXES = ('=', '+', '-', '@', '\t', '\r')


def text_cell(sheet, value):
    """Return what to append to sheet for value: value itself, or for a
    text a spreadsheet could evaluate (a formula prefix or an error code
    such as "#N/A"), a text cell with the quote prefix.

    The cell shows the text as it is, is stored as a string (data type
    's', never a formula) and stays a text when it is edited in Excel or
    LibreOffice.  Numbers (negative ones too), dates and booleans are
    returned unchanged.  Works for normal and write-only sheets."""
    if isinstance(value, str) and (
            value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES):
        cell = Cell(sheet, row=1, column=1)
        cell.value = value
        cell.data_type = 's'
        cell.quotePrefix = True
        return cell
    return value


def sheet_title(title, default):
    "Return title as a valid sheet name (31 characters, no []:*?/\\)"
    return ''.join(c for c in title if c not in '[]:*?/\\')[:31] or default


def append_row(sheet, values):
    "Append the values to sheet as a row, the texts through text_cell"
    sheet.append([text_cell(sheet, v) for v in values])


class XlsxReport(Report):
    "Excel report: subclasses implement get_rows"

    @classmethod
    def get_rows(cls, records, data):
        "Return (title, headers, rows) or a list of them, one per sheet"
        raise NotImplementedError

    @classmethod
    def title(cls, Model):
        IrModel = Pool().get('ir.model')
        return IrModel.get_name(Model.__name__)

    @classmethod
    def headers(cls, Model, names):
        strings = Model.fields_get(names)
        return [strings[n]['string'] for n in names]

    @classmethod
    def _execute(cls, records, header, data, action):
        sheets = cls.get_rows(records, data)
        if isinstance(sheets, tuple):
            sheets = [sheets]
        workbook = Workbook()
        workbook.remove(workbook.active)
        for index, (title, headers, rows) in enumerate(sheets, 1):
            sheet = workbook.create_sheet(sheet_title(title, str(index)))
            append_row(sheet, [title])
            sheet['A1'].font = Font(bold=True)
            append_row(sheet, headers)
            for cell in sheet[2]:
                cell.font = Font(bold=True)
            for row in rows:
                append_row(sheet, [cls.cell(v) for v in row])
            for column, name in zip(sheet.columns, headers):
                width = max([len(str(name))] + [
                        len(str(c.value)) for c in column[2:]
                        if c.value is not None])
                sheet.column_dimensions[column[0].column_letter].width = (
                    min(max(width + 2, 8), 60))
        content = BytesIO()
        workbook.save(content)
        return 'xlsx', content.getvalue()

    @staticmethod
    def cell(value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, (dt.date, dt.datetime, int, float, str)):
            return value
        if value is None:
            return None
        if hasattr(value, 'rec_name'):
            return value.rec_name
        return str(value)


class ListXlsx(XlsxReport):
    """Excel export of the selected records of any list (P-2)

    Bound to a model with an ir.action.keyword 'form_print' on
    kz_base.report_list_xlsx; the columns are those of the model's list
    view."""
    __name__ = 'kz.list.xlsx'

    @classmethod
    def _get_records(cls, ids, model, data):
        # Read through the user's access rights and record rules: a record
        # the user may not read is refused, not exported.
        return Pool().get(model).browse(ids)

    @classmethod
    def list_fields(cls, Model):
        "Return the visible columns of the list view, in their order"
        view = Model.fields_view_get(view_type='tree')
        arch = etree.fromstring(view['arch'])
        names = []
        for element in arch.iter('field'):
            name = element.get('name')
            if (name in names or element.get('tree_invisible') == '1'
                    or view['fields'][name]['type'] in {
                        'one2many', 'many2many', 'binary'}):
                continue
            names.append(name)
        return names

    @classmethod
    def get_rows(cls, records, data):
        Model = Pool().get(data['model'])
        # A report runs in a web worker: the rows are bounded ([kz]
        # xlsx_max_rows, 0: none) and the user is asked to filter
        maximum = config.getint('kz', 'xlsx_max_rows', default=10000)
        if maximum and len(records) > maximum:
            raise TooManyRecords(gettext(
                    'kz_base.msg_service_export_too_large',
                    maximum=maximum, count=len(records)))
        names = cls.list_fields(Model)
        Model.read([r.id for r in records], names)
        rows = []
        for record in records:
            row = []
            for name in names:
                value = getattr(record, name)
                field = Model._fields[name]
                if field._type == 'selection' and not callable(
                        field.selection):
                    value = dict(field.selection).get(value, value)
                row.append(value)
            rows.append(row)
        return cls.title(Model), cls.headers(Model, names), rows

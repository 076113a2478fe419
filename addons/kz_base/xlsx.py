# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A report that writes an Excel workbook with openpyxl, and the one helper
every .xlsx writer of the platform appends its rows with (text_cell,
append_row): a text from the data never becomes a formula."""
import datetime as dt
from decimal import Decimal
from io import BytesIO

from zoneinfo import ZoneInfo

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from trytond.config import config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.report import Report
from trytond.transaction import Transaction

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


def dated_name(name):
    "Return the file name of a report about a list: its title and the day"
    today = Pool().get('ir.date').today()
    return '%s %s' % (name, today.isoformat())


class XlsxReport(Report):
    "Excel report: subclasses implement get_rows"

    @classmethod
    def execute(cls, ids, data):
        """A report about a list (not single) is named after its content
        and the day, not after the names of its rows (ids for a rating)"""
        ActionReport = Pool().get('ir.action.report')
        actions = ActionReport.search([
                ('report_name', '=', cls.__name__),
                ], limit=1)
        if actions and actions[0].single:
            return super().execute(ids, data)
        with Transaction().set_context(with_rec_name=False):
            oext, content, direct_print, name = super().execute(ids, data)
        return oext, content, direct_print, dated_name(name)

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


class ListXlsx(Report):
    """Excel export of the list the user sees (P-2), for every model

    ``ir.action.keyword.get_keyword`` adds kz_base.report_list_xlsx to the
    print menu of every model with a list (ir.py); the action's records
    are "listed": sao sends the ids of the list as it shows them, its
    search, tab and order applied.  Read as the user: trytond's
    check_access refuses an id the user may not read."""
    __name__ = 'kz.list.xlsx'

    @classmethod
    def execute(cls, ids, data):
        # Named after the list, not after records read for the name
        with Transaction().set_context(with_rec_name=False):
            oext, content, direct_print, _ = super().execute(ids, data)
        IrModel = Pool().get('ir.model')
        return (oext, content, direct_print,
            dated_name(IrModel.get_name(data['model'])))

    @classmethod
    def _get_records(cls, ids, model, data):
        # The rows are read by write_list: no translating wrappers
        return Pool().get(model).browse(ids)

    @classmethod
    def _execute(cls, records, header, data, action):
        Model = Pool().get(data['model'])
        # A report runs in a web worker: the rows are bounded ([kz]
        # xlsx_max_rows, 0: none) and the user is asked to filter
        maximum = config.getint('kz', 'xlsx_max_rows', default=10000)
        if maximum and len(records) > maximum:
            raise TooManyRecords(gettext(
                    'kz_base.msg_service_export_too_large',
                    maximum=maximum, count=len(records)))
        return 'xlsx', write_list(Model, [r.id for r in records])


def list_view_id(Model):
    """Return the id of the list view named by the action's context
    (kz_list_view: the XML id of a list of the model other than its
    default one), or None"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    View = pool.get('ir.ui.view')
    name = Transaction().context.get('kz_list_view')
    if not isinstance(name, str) or '.' not in name:
        return None
    module, fs_id = name.split('.', 1)
    try:
        view_id = ModelData.get_id(module, fs_id)
    except KeyError:
        return None
    views = View.search([
            ('id', '=', view_id),
            ('model', '=', Model.__name__),
            ('type', '=', 'tree'),
            ])
    return views[0].id if views else None


def list_columns(Model):
    """Return the columns (Column) the user sees in the model's default
    list view, in their order"""
    view = Model.fields_view_get(
        view_id=list_view_id(Model), view_type='tree')
    if view.get('view_id'):
        # With its id, the view carries the user's optional columns
        view = Model.fields_view_get(
            view_id=view['view_id'], view_type='tree')
    decoder = PYSONDecoder(Transaction().context)
    columns, names = [], set()
    for element in etree.fromstring(view['arch']).iter('field'):
        name = element.get('name')
        definition = view['fields'].get(name)
        if (name in names or definition is None
                or definition['type'] in HIDDEN_TYPES
                or decoder.decode(element.get('tree_invisible') or '0')
                or element.get('optional') == '1'):
            continue
        names.add(name)
        columns.append(Column(name,
                element.get('string') or definition['string'],
                definition))
    return columns


# Types a list shows no value of
HIDDEN_TYPES = {'one2many', 'many2many', 'binary', 'dict'}
AMOUNT_FORMAT = '#,##0.00'
FORMATS = {
    'date': 'DD.MM.YYYY',
    'datetime': 'DD.MM.YYYY HH:MM',
    'timestamp': 'DD.MM.YYYY HH:MM:SS',
    'time': 'HH:MM',
    }
MIN_WIDTH, MAX_WIDTH = 8, 60


class Column:
    "A column of a list: what to read and how to write its cells"
    __slots__ = ('name', 'label', 'type', 'key', 'number_format', 'decimals',
        'labels')

    def __init__(self, name, label, definition):
        self.name = name
        self.label = label
        self.type = definition['type']
        self.number_format = FORMATS.get(self.type)
        self.decimals = None
        self.labels = None
        selection = definition.get('selection')
        if self.type in {'many2one', 'one2one', 'reference'}:
            self.key = name + '.rec_name'
        elif (self.type in {'selection', 'multiselection'}
                and isinstance(selection, (list, tuple))
                and not definition.get('selection_change_with')):
            # The translated labels of the view, once for every row
            self.key = name
            self.labels = dict(selection)
        elif self.type in {'selection', 'multiselection'}:
            self.key = name + ':string'
        else:
            self.key = name
        if self.type in {'numeric', 'float'}:
            digits = definition.get('digits')
            self.decimals = (digits[1] if isinstance(digits, (list, tuple))
                and isinstance(digits[1], int) else 2)
            self.number_format = AMOUNT_FORMAT if self.decimals == 2 else (
                '#,##0' + ('.' + '0' * self.decimals if self.decimals
                    else ''))

    def value(self, row, yes_no, timezone):
        "Return the cell value of the column for a row of read"
        if self.type in {'many2one', 'one2one', 'reference'}:
            target = row.get(self.name + '.')
            return target.get('rec_name') if target else None
        value = row[self.key]
        if self.labels is not None:
            value = ([self.labels.get(v, v) for v in value]
                if self.type == 'multiselection'
                else self.labels.get(value, value))
        if self.type == 'multiselection':
            return ', '.join(value or []) or None
        if self.type == 'selection':
            return value or None
        if value is None:
            return None
        if self.type == 'boolean':
            return yes_no[bool(value)]
        if isinstance(value, Decimal):
            return float(value)
        if self.type in {'datetime', 'timestamp'} and timezone:
            value = value.replace(tzinfo=dt.timezone.utc).astimezone(
                timezone).replace(tzinfo=None)
        return value

    def width(self, value):
        "Return the characters the value takes in the column"
        if value is None:
            return 0
        if self.decimals is not None:
            return len(f'{value:,.{self.decimals}f}')
        if self.number_format:
            return len(self.number_format)
        return len(str(value))


def write_list(Model, ids, batch=1000):
    """Return an .xlsx of the ids as rows of the model's list view, read
    as the user by batches and written to a write-only (streamed) sheet"""
    pool = Pool()
    IrModel = pool.get('ir.model')
    columns = list_columns(Model)
    keys = list(dict.fromkeys(c.key for c in columns))
    yes_no = {True: gettext('kz_base.msg_list_xlsx_yes'),
        False: gettext('kz_base.msg_list_xlsx_no')}
    timezone = Transaction().context.get('timezone')
    timezone = ZoneInfo(timezone) if timezone else None

    def rows(ids):
        # read does not keep the order of the ids: the list's order
        read = {r['id']: r for r in Model.read(ids, keys)}
        for id_ in ids:
            yield [c.value(read[id_], yes_no, timezone) for c in columns]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(
            IrModel.get_name(Model.__name__), 'List'))
    # Widths, the frozen header and the column styles go before the rows
    first = list(rows(ids[:batch]))
    for index, column in enumerate(columns, 1):
        width = max([len(column.label)]
            + [column.width(r[index - 1]) for r in first])
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = 'A2'
    header = []
    for label in [c.label for c in columns]:
        cell = text_cell(sheet, label)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(sheet, cell)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    # One styled cell per column, given its value row after row: the
    # writer serialises each row as it is appended
    styled = {}
    for index, column in enumerate(columns):
        if column.number_format:
            styled[index] = WriteOnlyCell(sheet)
            styled[index].number_format = column.number_format

    def append(values):
        row = []
        for index, value in enumerate(values):
            cell = styled.get(index)
            if cell is not None and value is not None:
                cell.value = value
                value = cell
            row.append(text_cell(sheet, value))
        sheet.append(row)

    for values in first:
        append(values)
    for start in range(batch, len(ids), batch):
        for values in rows(ids[start:start + batch]):
            append(values)
    if columns:
        sheet.auto_filter.ref = 'A1:%s%s' % (
            get_column_letter(len(columns)), len(ids) + 1)
    content = BytesIO()
    workbook.save(content)
    return content.getvalue()

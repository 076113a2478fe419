# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"A report that writes an Excel workbook with openpyxl"
import datetime as dt
from decimal import Decimal
from io import BytesIO

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Font

from trytond.pool import Pool
from trytond.report import Report


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
            sheet = workbook.create_sheet(
                ''.join(c for c in title if c not in '[]:*?/\\')[:31]
                or str(index))
            sheet.append([title])
            sheet['A1'].font = Font(bold=True)
            sheet.append(headers)
            for cell in sheet[2]:
                cell.font = Font(bold=True)
            for row in rows:
                sheet.append([cls.cell(v) for v in row])
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

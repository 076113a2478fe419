# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The Excel export of every list (kz.list.xlsx) on a test model
(tests/list_models.py)"""
import datetime as dt
import io
import unittest
from decimal import Decimal

from openpyxl import load_workbook

from trytond.model.exceptions import AccessError
from trytond.modules.kz_base.service import TooManyRecords
from trytond.modules.kz_base.tests.tools import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

HEADERS = ['State', 'Title', 'Day', 'Moment', 'Amount', 'Quantity', 'Done',
    'Party']
FORMULA = '=HYPERLINK("http://x","y")'
LIST_VIEW = """<tree>
    <field name="state"/>
    <field name="name" string="Title"/>
    <field name="day"/>
    <field name="moment"/>
    <field name="amount"/>
    <field name="quantity"/>
    <field name="done"/>
    <field name="party"/>
    <field name="secret" tree_invisible="1"/>
    <field name="extra" optional="1"/>
    <field name="lines"/>
</tree>"""


class ListXlsxTestCase(unittest.TestCase):
    "Every list exports to Excel as the user sees it"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    def records(self):
        pool = Pool()
        Party = pool.get('party.party')
        TestList = pool.get('kz.test.list')
        View = pool.get('ir.ui.view')
        View.create([{'model': 'kz.test.list', 'type': 'tree',
                    'data': LIST_VIEW}])
        party, = Party.create([{'name': "Investor LLP"}])
        return TestList.create([{
                    'name': "Cement plant", 'state': 'draft',
                    'day': dt.date(2025, 3, 1),
                    'moment': dt.datetime(2025, 3, 1, 6, 30),
                    'amount': Decimal('1234567.5'), 'quantity': 3,
                    'done': True, 'party': party.id, 'secret': "hidden",
                    'extra': "optional",
                    }, {
                    'name': FORMULA, 'state': 'done', 'done': False,
                    }])

    def export(self, records, model='kz.test.list'):
        ListXlsx = Pool().get('kz.list.xlsx', type='report')
        oext, content, _, name = ListXlsx.execute(
            [r.id for r in records], {'model': model})
        self.assertEqual(oext, 'xlsx')
        return load_workbook(io.BytesIO(content)).active, name

    @with_transaction()
    def test_columns_and_cells(self):
        """The visible columns of the list in their order with their
        labels, typed cells, one row per record in the order given"""
        records = self.records()
        sheet, name = self.export(records)
        # Named after the list and the day, not after its records
        today = Pool().get('ir.date').today()
        self.assertEqual(name, 'Test List %s' % today.isoformat())
        self.assertEqual([c.value for c in sheet[1]], HEADERS)
        cement = {h: c for h, c in zip(HEADERS, sheet[2])}
        self.assertEqual(cement['State'].value, 'Draft')
        self.assertEqual(cement['Title'].value, 'Cement plant')
        self.assertEqual(cement['Day'].value, dt.datetime(2025, 3, 1))
        self.assertTrue(cement['Day'].is_date)
        self.assertEqual(cement['Day'].number_format, 'DD.MM.YYYY')
        self.assertEqual(cement['Moment'].value,
            dt.datetime(2025, 3, 1, 6, 30))
        self.assertTrue(cement['Moment'].is_date)
        self.assertEqual(
            (cement['Amount'].value, cement['Amount'].data_type),
            (1234567.5, 'n'))
        self.assertEqual(cement['Amount'].number_format, '#,##0.00')
        self.assertEqual(
            (cement['Quantity'].value, cement['Quantity'].data_type),
            (3, 'n'))
        self.assertEqual(cement['Done'].value, 'Yes')
        self.assertEqual(cement['Party'].value, 'Investor LLP')
        self.assertEqual([c.value for c in sheet[3]],
            ['Done', FORMULA, None, None, None, None, 'No', None])
        self.assertEqual(sheet.max_row, 3)
        # The order is the list's: the ids as sao sends them
        sheet, _ = self.export(list(reversed(records)))
        self.assertEqual([r[1].value for r in sheet.iter_rows(min_row=2)],
            [FORMULA, 'Cement plant'])

    @with_transaction()
    def test_other_list_view(self):
        """The action's context names another list of the model
        (kz_list_view): its columns are exported; a view of another model
        or an unknown name falls back to the default list"""
        pool = Pool()
        View = pool.get('ir.ui.view')
        ModelData = pool.get('ir.model.data')
        records = self.records()
        second, region = View.create([{
                    'model': 'kz.test.list', 'type': 'tree',
                    'data': '<tree><field name="amount"/>'
                    '<field name="name"/></tree>',
                    }, {
                    'model': 'kz.region', 'type': 'tree',
                    'data': '<tree><field name="name"/></tree>',
                    }])
        ModelData.create([{
                    'module': 'kz_base', 'fs_id': 'test_list_second',
                    'model': 'ir.ui.view', 'db_id': second.id,
                    }, {
                    'module': 'kz_base', 'fs_id': 'test_region_list',
                    'model': 'ir.ui.view', 'db_id': region.id,
                    }])
        ModelData._get_id_cache.clear()
        for name, headers in [
                ('kz_base.test_list_second', ['Amount', 'Name']),
                ('kz_base.test_region_list', HEADERS),
                ('kz_base.no_such_view', HEADERS),
                ]:
            with self.subTest(name=name), \
                    Transaction().set_context(kz_list_view=name):
                sheet, _ = self.export(records)
                self.assertEqual([c.value for c in sheet[1]], headers)

    @with_transaction()
    def test_datetime_timezone(self):
        "Date and time show in the user's time zone, as in the list"
        records = self.records()
        with Transaction().set_context(timezone='Asia/Almaty'):
            sheet, _ = self.export(records)
        self.assertEqual(sheet['D2'].value, dt.datetime(2025, 3, 1, 11, 30))

    @with_transaction()
    def test_header_layout(self):
        "The header row is bold and frozen, with an autofilter and widths"
        records = self.records()
        sheet, _ = self.export(records)
        self.assertTrue(all(c.font.b for c in sheet[1]))
        self.assertFalse(sheet['B2'].font.b)
        self.assertEqual(sheet.freeze_panes, 'A2')
        self.assertEqual(sheet.auto_filter.ref, 'A1:H3')
        widths = {letter: sheet.column_dimensions[letter].width
            for letter in 'ABCDEFGH'}
        self.assertEqual(widths['A'], 8)
        # "1,234,567.50" and two more
        self.assertEqual(widths['E'], 14)
        self.assertEqual(widths['B'], len(FORMULA) + 2)

    @with_transaction()
    def test_formula_is_text(self):
        "A record named as a formula exports as a text cell"
        records = self.records()
        sheet, _ = self.export(records)
        cell = sheet['B3']
        self.assertEqual(cell.value, FORMULA)
        self.assertEqual(cell.data_type, 's')
        self.assertTrue(cell.quotePrefix)

    @with_transaction()
    def test_translated(self):
        "Labels and selection values are those of the user's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        records = self.records()
        ru, = Lang.search([('code', '=', 'ru')])
        ru.translatable = True
        ru.save()
        Translation.create([{
                    'lang': 'ru', 'type': type_, 'name': name,
                    'src': src, 'value': value, 'module': 'kz_base',
                    'res_id': -1,
                    } for type_, name, src, value in [
                    ('field', 'kz.test.list,state', "State", "Состояние"),
                    ('field', 'kz.test.list,day', "Day", "День"),
                    ('selection', 'kz.test.list,state', "Draft",
                        "Черновик"),
                    ('selection', 'kz.test.list,state', "Done",
                        "Выполнено"),
                    ]])
        Translation._translation_cache.clear()
        with Transaction().set_context(language='ru'):
            sheet, _ = self.export(records)
        self.assertEqual([c.value for c in sheet[1]][:3],
            ['Состояние', 'Title', 'День'])
        self.assertEqual([r[0].value for r in sheet.iter_rows(min_row=2)],
            ['Черновик', 'Выполнено'])

    @with_transaction()
    def test_record_rules(self):
        """A record the user may not read is refused, the others
        export; the user's search never lists it"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        RuleGroup = pool.get('ir.rule.group')
        TestList = pool.get('kz.test.list')
        User = pool.get('res.user')
        records = self.records()
        RuleGroup.create([{
                    'name': "Not the formula", 'model': 'kz.test.list',
                    'global_p': True,
                    'rules': [('create', [{
                                    'domain': '[["state", "=", "draft"]]',
                                    }])],
                    }])
        Rule._domain_get_cache.clear()
        user, = User.create([{'name': "Clerk", 'login': 'clerk'}])
        with as_user(user):
            with self.assertRaises(AccessError):
                self.export(records)
            listed = TestList.search([])
            self.assertEqual(listed, [records[0]])
            sheet, _ = self.export(listed)
        self.assertEqual([r[1].value for r in sheet.iter_rows(min_row=2)],
            ['Cement plant'])

    @with_transaction()
    def test_max_rows(self):
        "More records than [kz] xlsx_max_rows are refused"
        from unittest.mock import patch

        from trytond.config import config
        records = self.records()
        getint = config.getint
        with patch.object(config, 'getint', side_effect=lambda section,
                option, default=None: 1 if (section, option) == (
                    'kz', 'xlsx_max_rows') else getint(
                    section, option, default=default)):
            with self.assertRaises(TooManyRecords):
                self.export(records)
            self.export(records[:1])

    @with_transaction()
    def test_every_list_bound(self):
        """The print menu of every model with a list offers the export,
        once, without a keyword record of its own"""
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')
        action_id = ModelData.get_id('kz_base', 'report_list_xlsx')
        for model in ['kz.test.list', 'kz.region', 'party.party',
                'res.user']:
            with self.subTest(model=model):
                prints = Keyword.get_keyword('form_print', (model, -1))
                found = [p for p in prints if p['id'] == action_id]
                self.assertEqual(len(found), 1)
                self.assertEqual(found[0]['records'], 'listed')
                self.assertEqual(found[0]['keyword'], 'form_print')
        TestList = pool.get('kz.test.list')
        toolbar = TestList.view_toolbar_get()
        self.assertIn(action_id, [p['id'] for p in toolbar['print']])
        for keyword, model in [('form_action', 'kz.test.list'),
                ('form_print', 'kz.test.guarded.line')]:
            self.assertNotIn(action_id, [p['id']
                    for p in Keyword.get_keyword(keyword, (model, -1))])
        self.assertFalse(Keyword.search([('action', '=', action_id)]))

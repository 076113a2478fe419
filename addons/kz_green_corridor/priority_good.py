# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.kz_base.upload import XlsxRows
from trytond.pool import Pool
from trytond.wizard import Wizard

from .exceptions import ImportFileError
from .file_import import (
    FileImportMixin, FileImportStartMixin, file_import_states)

PRIORITY_LEVELS = [
    ('medium', "Medium"),
    ('high', "High"),
    ]
# The beginnings of the level's words in the order's spreadsheets
LEVEL_WORDS = {
    'high': ('high', 'выс', 'жоғары'),
    'medium': ('medium', 'сред', 'орта'),
    }


class PriorityGood(DeactivableMixin, ModelSQL, ModelView):
    """Priority good

    The list of priority goods of order No. 306 of the Minister of Industry
    and Infrastructure Development of 30 March 2022, with their
    technological level; administrators keep it up to date."""
    __name__ = 'green_corridor.priority_good'
    __string__ = "Priority Good (Order No. 306)"
    code = fields.Char(
        "Code", required=True,
        help="The code of the good in the commodity nomenclature "
        "(TN VED EAEU).")
    name = fields.Char("Name", required=True, translate=True)
    level = fields.Selection(
        PRIORITY_LEVELS, "Technological Level", required=True)
    level_string = level.translated('level')
    legal_basis = fields.Char(
        "Legal Basis",
        help="The order that lists the good, e.g. order No. 306 of "
        "30 March 2022.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'kz_green_corridor.msg_priority_good_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_legal_basis(cls):
        return "Order No. 306 of 30 March 2022"

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]


def parse_level(value):
    "Return the level of a cell: high/medium in English, Russian or Kazakh"
    text = str(value or '').strip().lower()
    for level, words in LEVEL_WORDS.items():
        if text.startswith(words):
            return level
    return None


class PriorityGoodImportStart(FileImportStartMixin, ModelView):
    "Import priority goods"
    __name__ = 'green_corridor.priority_good.import.start'
    __string__ = "Import Priority Goods"
    legal_basis = fields.Char(
        "Legal Basis", required=True,
        help="The order the list comes from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.file.help = ("An .xlsx whose first sheet lists the code, the "
            "name and the technological level (high or medium) of each "
            "good.")

    @classmethod
    def default_legal_basis(cls):
        return PriorityGood.default_legal_basis()


class PriorityGoodImport(FileImportMixin, Wizard):
    "Import the priority goods of order No. 306"
    __name__ = 'green_corridor.priority_good.import'
    start, import_, done = file_import_states(
        'green_corridor.priority_good.import.start',
        'kz_green_corridor.priority_good_import_start_view_form',
        'kz_green_corridor.priority_good_import_done_view_form')

    def transition_import_(self):
        data = self.uploaded_data()
        if not data.startswith(b'PK'):
            raise ImportFileError(gettext(
                    'kz_green_corridor.msg_priority_good_import_format'))
        goods = {}
        for number, (code, name, level) in XlsxRows(data, 3):
            if not any([code, name, level]):
                continue
            if isinstance(code, float) and code.is_integer():
                code = int(code)
            code = str(code or '').strip()
            name = str(name or '').strip()
            level = parse_level(level)
            if not (code and name and level):
                if number == 1 and not goods:
                    # The titles of the columns
                    continue
                raise ImportFileError(gettext(
                        'kz_green_corridor.msg_priority_good_import_row',
                        row=number))
            goods[code] = {'name': name, 'level': level}
        if not goods:
            raise ImportFileError(gettext(
                    'kz_green_corridor.msg_priority_good_import_format'))
        created, updated = self.import_goods(goods, self.start.legal_basis)
        self.start.summary = gettext(
            'kz_green_corridor.msg_priority_good_import_summary',
            created=created, updated=updated)
        return 'done'

    @classmethod
    def import_goods(cls, goods, legal_basis):
        """Create the new codes and update the known ones (reactivated);
        return (created, updated)"""
        PriorityGood = Pool().get('green_corridor.priority_good')
        existing = {g.code: g for g in PriorityGood.search([
                    ('code', 'in', list(goods)),
                    ('active', 'in', [True, False]),
                    ])}
        to_create, to_write = [], []
        for code, values in goods.items():
            values = dict(values, legal_basis=legal_basis, active=True)
            if code in existing:
                to_write.extend([[existing[code]], values])
            else:
                to_create.append(dict(values, code=code))
        if to_write:
            PriorityGood.write(*to_write)
        if to_create:
            PriorityGood.create(to_create)
        return len(to_create), len(to_write) // 2

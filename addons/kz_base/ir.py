# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from operator import itemgetter

from sql import Literal

from trytond.model import ModelStorage, ModelView
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('kz.deadline|check_deadlines', "Check Deadlines"))
        cls.method.selection.append(
            ('kz.audit.entry|purge', "Purge the Audit Trail"))


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "kz_organization" as the id of the user\'s organisation'
            '\n- "kz_organizations" as the ids of it and its sub-organisations'
            '\n- "kz_region" as the id of the region of the organisation'
            '\n- "kz_party" as the id of the party of the organisation')

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        key = super()._get_cache_key(model_names)
        context = User.kz_rule_context()
        return (*key, context['kz_organization'],
            tuple(context['kz_organizations']), context['kz_region'],
            context['kz_party'])

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        context.update(User.kz_rule_context())
        return context


class Lang(metaclass=PoolMeta):
    __name__ = 'ir.lang'

    # Each language offered under its own name, whatever the language of
    # the screen: a Kazakh speaker looks for "Қазақша", not "Казахский"
    NATIVE_NAMES = {
        'en': 'English',
        'kk': 'Қазақша',
        'ru': 'Русский',
        }

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module != 'kz_base':
            return
        pool = Pool()
        Translation = pool.get('ir.translation')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        translation = Translation.__table__()
        for code, name in cls.NATIVE_NAMES.items():
            cursor.execute(*table.update(
                    [table.name], [Literal(name)],
                    where=(table.code == code)))
            # The name is the same in every language
            cursor.execute(*translation.update(
                    [translation.src, translation.value],
                    [Literal(name), Literal(name)],
                    where=(translation.name == 'ir.lang,name')
                    & translation.res_id.in_(
                        table.select(table.id, where=table.code == code))))
class ActionKeyword(metaclass=PoolMeta):
    __name__ = 'ir.action.keyword'

    @classmethod
    def get_keyword(cls, keyword, value):
        """Add the Excel export of the list (kz.list.xlsx) to the print
        menu of every model with a list: a new model gets it without a
        record of its own"""
        pool = Pool()
        Action = pool.get('ir.action')
        ActionReport = pool.get('ir.action.report')
        ModelData = pool.get('ir.model.data')
        keywords = super().get_keyword(keyword, value)
        model, _ = value
        if keyword == 'form_relate':
            return cls._kz_add_history(keywords, model)
        if keyword != 'form_print' or not has_list(pool.get(model)):
            return keywords
        action_id = ModelData.get_id('kz_base', 'report_list_xlsx')
        if any(k['id'] == action_id for k in keywords):
            return keywords
        # A list with an Excel of its own (the rating) gets it only once
        if ActionReport.search([
                    ('id', 'in', [k['id'] for k in keywords
                            if k.get('type') == 'ir.action.report']),
                    ('extension', '=', 'xlsx'),
                    ('records', '=', 'listed'),
                    ], limit=1):
            return keywords
        values = Action.get_action_values('ir.action.report', [action_id])
        for value in values:
            value['keyword'] = keyword
        return sorted(list(keywords) + values, key=itemgetter('name'))

    @classmethod
    def _kz_add_history(cls, keywords, model):
        """Add the History of the record (the audit trail) to the relate
        menu of every audited model, for the Audit Trail group"""
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        from .audit import audited
        if not audited(pool.get(model)):
            return keywords
        group_id = ModelData.get_id('kz_base', 'group_kz_audit')
        if Transaction().user and group_id not in User.get_groups():
            return keywords
        action_id = ModelData.get_id('kz_base', 'act_audit_entry_relate')
        if any(k['id'] == action_id for k in keywords):
            return keywords
        values = Action.get_action_values(
            'ir.action.act_window', [action_id])
        for value in values:
            value['keyword'] = 'form_relate'
        return list(keywords) + values


def has_list(Model):
    "Tell whether the model's records are shown in a list of the client"
    return issubclass(Model, ModelView) and issubclass(Model, ModelStorage)


class UIMenu(metaclass=PoolMeta):
    __name__ = 'ir.ui.menu'

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """Hide the folders in which the user sees nothing: the core hides
        the entries whose model or groups he lacks, not the folder left
        empty (the embassy's "Prosecutor Filter")"""
        transaction = Transaction()
        menus = super().search(domain, offset=offset, limit=limit,
            order=order, count=False, query=query)
        if query:
            return menus
        if (transaction.check_access and menus
                and not transaction.context.get('_kz_menu_all')):
            empty = cls.kz_empty_folders()
            menus = [m for m in menus if m.id not in empty]
        if count:
            return len(menus)
        return menus

    @classmethod
    def kz_empty_folders(cls):
        "Return the ids of the folders without an entry the user sees"
        with Transaction().set_context(_kz_menu_all=True):
            menus = cls.search([])
        children = {}
        for menu in menus:
            if menu.parent:
                children.setdefault(menu.parent.id, []).append(menu)
        empty = set()

        def is_empty(menu):
            if menu.action_keywords:
                return False
            # Every child is visited: its own empty folders are marked
            result = all([is_empty(c) for c in children.get(menu.id, [])])
            if result:
                empty.add(menu.id)
            return result
        for menu in menus:
            if not menu.parent:
                is_empty(menu)
        return empty

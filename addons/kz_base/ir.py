# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('kz.deadline|check_deadlines', "Check Deadlines"))


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

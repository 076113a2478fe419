# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The home page every user lands on at login: counters of what waits for
him, what is overdue or due soon, the notices he received and the imports
in progress.

Each addon registers its counters as kz.home.counter records in XML: the
list action they open (an act_window of the addon), an optional domain
narrowing it, and the groups they concern.  A counter counts exactly the
records its list shows to the user (same domain, same record rules), so
the figure and the list never disagree."""
from sql.conditionals import Case

from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If, PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction, check_access

SECTIONS = [
    ('to_do', "Waiting for Me"),
    ('deadline', "Overdue or Due Soon"),
    ('notice', "Notices Received"),
    ('import', "Imports in Progress"),
    ]


class HomeCounter(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    """Home counter

    One figure of the home page: the number of records of a list action,
    narrowed by a domain, that the user sees."""
    __name__ = 'kz.home.counter'
    __string__ = "Home Counter"
    name = fields.Char("Name", required=True, translate=True)
    section = fields.Selection(SECTIONS, "Section", required=True,
        sort=False)
    action = fields.Many2One(
        'ir.action.act_window', "Action", required=True,
        ondelete='CASCADE',
        help="The list the counter opens and counts.")
    domain = fields.Char("Domain",
        help="A PYSON domain narrowing the action's list; it may use "
        "\"kz_organization\", \"kz_organizations\", \"kz_region\", "
        "\"kz_party\", \"groups\" and \"today\".")
    emphasis = fields.Selection([
            ('', ""),
            ('success', "Success"),
            ('warning', "Warning"),
            ('danger', "Danger"),
            ], "Emphasis",
        help="How the counter is shown when it is not zero.")
    groups = fields.Many2Many(
        'kz.home.counter-res.group', 'counter', 'group', "Groups",
        help="The roles the counter concerns; empty: every user.")
    count = fields.Function(fields.Integer("Count"), 'get_count')
    concerns_me = fields.Function(
        fields.Boolean("Concerns Me"), 'get_concerns_me',
        searcher='search_concerns_me')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('section', 'ASC'))
        cls._buttons.update({
                'open': {},
                })

    @classmethod
    def order_section(cls, tables):
        table, _ = tables[None]
        return [Case(*((table.section == k, i)
                    for i, (k, _) in enumerate(SECTIONS)),
                else_=len(SECTIONS))]

    @classmethod
    def default_emphasis(cls):
        return ''

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('count', 0) != 0, Eval('emphasis', ''), '')),
            ]

    @classmethod
    def _pyson_context(cls):
        "Return the names a counter's domain may use"
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        context = dict(Transaction().context)
        context.update(User.kz_rule_context())
        context['groups'] = list(User.get_groups())
        context['today'] = context['context_today'] = Date.today()
        context['_user'] = Transaction().user
        context['context'] = dict(context)
        return context

    def get_domain(self, context=None):
        "Return the domain of the records the counter counts"
        if context is None:
            context = self._pyson_context()
        decoder = PYSONDecoder(context)
        domain = []
        for pyson in [self.action.pyson_domain, self.domain]:
            value = decoder.decode(pyson) if pyson else []
            if value:
                domain.append(value)
        return domain

    @classmethod
    def get_count(cls, counters, name):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        context = cls._pyson_context()
        result = {}
        for counter in counters:
            model = counter.action.res_model
            result[counter.id] = None
            # Getters run without access checks: count what the user's
            # own list shows, through his access and record rules
            with check_access(), Transaction().set_context(
                    counter.action_context(context)):
                if not ModelAccess.check(
                        model, 'read', raise_exception=False):
                    continue
                result[counter.id] = pool.get(model).search_count(
                    counter.get_domain(context))
        return result

    def get_concerns_me(self, name):
        User = Pool().get('res.user')
        return not self.groups or bool(
            {g.id for g in self.groups} & set(User.get_groups()))

    @classmethod
    def search_concerns_me(cls, name, clause):
        "The counters of the user's groups and those of everybody"
        User = Pool().get('res.user')
        _, operator, value = clause[:3]
        groups = list(User.get_groups())
        if (operator == '=') == bool(value):
            return ['OR',
                ('groups', '=', None),
                ('groups', 'in', groups),
                ]
        return [
            ('groups', '!=', None),
            ('groups', 'not in', groups),
            ]

    def action_context(self, context):
        if self.action.pyson_context:
            return PYSONDecoder(context).decode(self.action.pyson_context)
        return {}

    def get_action_value(self):
        "Return the action that opens the counted list"
        pool = Pool()
        Action = pool.get('ir.action')
        value, = Action.get_action_values(
            'ir.action.act_window', [self.action.id])
        value['name'] = self.name
        value['pyson_domain'] = PYSONEncoder().encode(self.get_domain())
        if self.domain:
            # The tabs of the action would widen the counted list
            value['domains'] = []
        return value

    @classmethod
    @ModelView.button
    def open(cls, counters):
        for counter in counters:
            return counter.get_action_value()


class HomeCounterGroup(ModelSQL):
    "Home counter - Group"
    __name__ = 'kz.home.counter-res.group'
    __string__ = "Home Counter - Group"
    counter = fields.Many2One(
        'kz.home.counter', "Counter", required=True, ondelete='CASCADE')
    group = fields.Many2One(
        'res.group', "Group", required=True, ondelete='CASCADE')


class ActionKeyword(metaclass=PoolMeta):
    __name__ = 'ir.action.keyword'

    @classmethod
    def get_keyword(cls, keyword, value):
        "Opening a counter of the home page opens its list"
        pool = Pool()
        Counter = pool.get('kz.home.counter')
        model, record_id = value
        if (keyword == 'tree_open' and model == 'kz.home.counter'
                and record_id is not None and record_id >= 0):
            # Read through the record rules: only the user's counters
            Counter.read([record_id], ['id'])
            return [Counter(record_id).get_action_value()]
        return super().get_keyword(keyword, value)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        """Open the home page at login unless the user chose other
        actions to run"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        preferences = super()._get_preferences(
            user, context_only=context_only)
        if not context_only and not user.actions:
            action_id = Action.get_action_id(
                ModelData.get_id('kz_base', 'act_home'))
            actions = preferences.setdefault('actions', [])
            if action_id not in actions:
                actions.append(action_id)
        return preferences

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The deadline engine shared by every addon.

A model mixes in DeadlineMixin and says when its deadline starts
(get_deadline_start), how long it lasts (get_deadline_duration: days and
'working' or 'calendar'), which fields change it (_deadline_fields) and in
which states it runs (_deadline_states).  The mixin stores the due date,
derives days left and the colour from the configuration, supports a pause,
and one daily cron (kz.deadline|check_deadlines) flags the overdue records,
sends reminders before and escalations after the due date, each once."""
import datetime as dt
import html
import math
import re

from sql import Column, Null
from sql.conditionals import Case

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .exceptions import DeadlineError
from .notification import notify_users
from .tools import selection_domain

DEADLINE_STATES = [
    (None, ""),
    ('ok', "On time"),
    ('warning', "Due soon"),
    ('overdue', "Overdue"),
    ('paused', "Paused"),
    ]


def deadline_visual():
    "Return the PYSON visual expression of the deadline state"
    state = Eval('deadline_state')
    return If(state == 'overdue', 'danger',
        If(state == 'warning', 'warning',
            If(state == 'ok', 'success', '')))


class DeadlineMixin:
    __slots__ = ()
    # Fields whose change recomputes the due date
    _deadline_fields = set()
    # Values of the state field in which the deadline runs (None: always)
    _deadline_states = None
    _deadline_state_field = 'state'
    # Hide the deadline until its start (a period that has not begun yet)
    _deadline_hidden_before_start = False

    deadline_start = fields.Date("Deadline Start", readonly=True,
        help="The deadline is shown from this date on.")
    due_date = fields.Date("Due Date", readonly=True)
    warning_date = fields.Date("Warning Date", readonly=True,
        help="From this date on the deadline is due soon.")
    days_left = fields.Function(
        fields.Integer("Days Left",
            help="Calendar days until the due date (negative when late)."),
        'get_deadline_info')
    deadline_state = fields.Function(
        fields.Selection(DEADLINE_STATES, "Deadline"), 'get_deadline_info',
        searcher='search_deadline_state')
    deadline_colour = fields.Function(
        fields.Char("Deadline Colour"), 'get_deadline_info')
    # The state's label in the user's language, for graphs: they show the
    # raw value of a selection
    deadline_label = fields.Function(
        fields.Char("Deadline"), 'get_deadline_info')
    overdue = fields.Boolean("Overdue", readonly=True)
    deadline_reminded = fields.Boolean("Reminded", readonly=True)
    deadline_escalated = fields.Boolean("Escalated", readonly=True)
    deadline_paused_since = fields.Date(
        "Deadline Paused Since", readonly=True,
        help="While paused (e.g. waiting for the investor) the deadline "
        "does not run; the paused days are added to the due date.")
    deadline_paused_days = fields.Integer("Deadline Paused Days",
        readonly=True)

    @classmethod
    def view_attributes(cls):
        # Every list of a deadline model shows its rows in the state colour
        return super().view_attributes() + [
            ('/tree', 'visual', deadline_visual(), ['deadline_state']),
            ]

    @classmethod
    def default_overdue(cls):
        return False

    @classmethod
    def default_deadline_reminded(cls):
        return False

    @classmethod
    def default_deadline_escalated(cls):
        return False

    @classmethod
    def default_deadline_paused_days(cls):
        return 0

    def get_deadline_start(self):
        "Return the date the deadline counts from, or None"
        raise NotImplementedError

    def get_deadline_duration(self):
        "Return (days, 'working' or 'calendar'), or None"
        raise NotImplementedError

    def get_deadline_recipients(self):
        "Return the users reminded before the due date"
        return []

    def get_deadline_escalation_recipients(self):
        "Return the users told when the deadline is missed"
        return self.get_deadline_recipients()

    @property
    def deadline_running(self):
        if self._deadline_states is None:
            return True
        return getattr(self, self._deadline_state_field, None) in (
            self._deadline_states)

    def compute_due_date(self):
        return self.compute_deadline()[1]

    def compute_deadline(self):
        "Return the start, the due date and the warning date"
        pool = Pool()
        Calendar = pool.get('kz.calendar')
        Warning = pool.get('kz.deadline.warning')
        start = self.get_deadline_start()
        duration = self.get_deadline_duration()
        if not start or not duration:
            return None, None, None
        days, unit = duration
        due_date = Calendar.add_days(start, days, unit)
        if self.deadline_paused_days:
            due_date = Calendar.add_calendar_days(
                due_date, self.deadline_paused_days)
        warning_days = Warning.warning_days(
            self.__name__, abs((due_date - start).days))
        if due_date < start:
            # Counted back from its anchor (N days before a period): it
            # applies at once
            start = None
        # Due soon when fewer than warning_days are left (N§61: "менее 10
        # дней" is yellow, 10 days is still green)
        return start, due_date, due_date - dt.timedelta(days=warning_days - 1)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or field_names & (self._deadline_fields
                    | {'deadline_paused_days'})):
            start, due_date, warning_date = self.compute_deadline()
            if getattr(self, 'deadline_start', None) != start:
                values['deadline_start'] = start
            if getattr(self, 'warning_date', None) != warning_date:
                values['warning_date'] = warning_date
            if getattr(self, 'due_date', None) != due_date:
                values['due_date'] = due_date
                # A new due date gets its own reminder and escalation
                values['overdue'] = False
                values['deadline_reminded'] = False
                values['deadline_escalated'] = False
        if ((field_names is None
                    or self._deadline_state_field in field_names)
                and not self.deadline_running
                and values.get('overdue', self.overdue)):
            # A record that left the states of its deadline (decided,
            # done, returned) is no longer late
            values['overdue'] = False
        return values

    @classmethod
    def _deadline_today(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def get_deadline_info(cls, records, names):
        """Days left, state, colour and label, computed by PostgreSQL from
        the stored dates in one query (a list does no Python per row); the
        records not in the database yet are computed in Python"""
        if backend.name != 'postgresql' or cls._is_table_query():
            return cls._get_deadline_info_python(records, names)
        stored = [r.id for r in records if r.id is not None and r.id >= 0]
        result = cls._get_deadline_info_python(
            [r for r in records if r.id is None or r.id < 0], names)
        if not stored:
            return result
        config = cls._deadline_configuration()
        colours = cls.deadline_colours(config)
        labels = dict(cls.fields_get(
                ['deadline_state'])['deadline_state']['selection'])
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        days_left, state = cls._deadline_columns(
            table, warning_days=config['warning_days'])
        for sub_ids in grouped_slice(stored, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, days_left, state,
                    where=reduce_ids(table.id, sub_ids)))
            for id_, days, state_ in cursor:
                values = cls._deadline_values(days, state_, colours, labels)
                for name in names:
                    result[name][id_] = values[name]
        return result

    @staticmethod
    def _deadline_values(days_left, state, colours, labels):
        "Return the values of the deadline fields of a row"
        return {
            'days_left': days_left,
            'deadline_state': state,
            'deadline_colour': colours.get(state),
            'deadline_label': labels.get(state) if state else None,
            }

    @classmethod
    def _deadline_configuration(cls):
        "The settings of the deadlines (cached: every list reads them)"
        return Pool().get('kz.configuration').deadline_settings()

    @classmethod
    def _deadline_columns(cls, table, today=None, warning_days=None):
        """Return the SQL expressions of the days left and of the deadline
        state of the rows of table (the rules of _get_deadline_info_python)
        """
        if today is None:
            today = cls._deadline_today()
        if warning_days is None:
            warning_days = cls._deadline_configuration()['warning_days']
        # Records stored before the warning date existed
        warning = today + dt.timedelta(days=warning_days or 0)
        running = table.due_date != Null
        if cls._deadline_states is not None:
            running &= Column(table, cls._deadline_state_field).in_(
                list(cls._deadline_states))
        if cls._deadline_hidden_before_start:
            running &= ((table.deadline_start == Null)
                | (table.deadline_start <= today))
        paused = table.deadline_paused_since != Null
        days_left = Case(
            (~running, Null),
            (paused, table.due_date - table.deadline_paused_since),
            else_=table.due_date - today)
        state = Case(
            (~running, Null),
            (paused, 'paused'),
            (table.due_date < today, 'overdue'),
            (table.warning_date <= today, 'warning'),
            ((table.warning_date == Null) & (table.due_date <= warning),
                'warning'),
            else_='ok')
        return days_left, state

    @classmethod
    def _get_deadline_info_python(cls, records, names):
        Configuration = Pool().get('kz.configuration')
        config = Configuration(1)
        today = cls._deadline_today()
        result = {n: {} for n in names}
        if not records:
            return result
        colours = cls.deadline_colours()
        labels = dict(cls.fields_get(
                ['deadline_state'])['deadline_state']['selection'])
        for record in records:
            days_left = state = None
            if (record.due_date and record.deadline_running
                    and not record.deadline_start_later(today)):
                if record.deadline_paused_since:
                    state = 'paused'
                    days_left = (record.due_date
                        - record.deadline_paused_since).days
                else:
                    days_left = (record.due_date - today).days
                    warning_date = record.warning_date or (
                        record.due_date
                        - dt.timedelta(days=config.warning_days))
                    if days_left < 0:
                        state = 'overdue'
                    elif today >= warning_date:
                        state = 'warning'
                    else:
                        state = 'ok'
            values = cls._deadline_values(days_left, state, colours, labels)
            for name in names:
                result[name][record.id] = values[name]
        return result

    @classmethod
    def deadline_colours(cls, config=None):
        "Return the configured colour of each deadline state"
        if config is None:
            config = cls._deadline_configuration()
        return {
            'ok': config['colour_ok'],
            'warning': config['colour_warning'],
            'overdue': config['colour_overdue'],
            }

    @classmethod
    def fields_view_get(cls, view_id=None, view_type='form', level=None):
        """Graphs colour their series color="deadline:overdue" with the
        configured colour of the state"""
        result = super().fields_view_get(
            view_id=view_id, view_type=view_type, level=level)
        if result.get('type') == 'graph' and 'deadline:' in result['arch']:
            colours = cls.deadline_colours()
            result = result.copy()
            result['arch'] = re.sub(r'color="deadline:(\w+)"',
                lambda m: 'color="%s"' % html.escape(
                    colours.get(m.group(1)) or ''),
                result['arch'])
        return result

    def deadline_start_later(self, today):
        "Tell if the deadline has not started yet: it is not shown"
        return bool(self._deadline_hidden_before_start
            and self.deadline_start and self.deadline_start > today)

    @classmethod
    def _deadline_running_domain(cls, today=None):
        if today is None:
            today = cls._deadline_today()
        domain = [('due_date', '!=', None)]
        if cls._deadline_hidden_before_start:
            domain.append(['OR',
                    ('deadline_start', '=', None),
                    ('deadline_start', '<=', today),
                    ])
        if cls._deadline_states is not None:
            domain.append(
                (cls._deadline_state_field, 'in', list(cls._deadline_states)))
        return domain

    @classmethod
    def search_deadline_state(cls, name, clause):
        # A domain of the stored dates (their indexes serve it) with the
        # rules of _deadline_columns
        today = cls._deadline_today()
        # Records stored before the warning date existed
        warning = today + dt.timedelta(
            days=cls._deadline_configuration()['warning_days'] or 0)
        running = cls._deadline_running_domain(today)
        by_state = {
            'overdue': [('due_date', '<', today),
                ('deadline_paused_since', '=', None)],
            'warning': [('due_date', '>=', today),
                ['OR',
                    ('warning_date', '<=', today),
                    [('warning_date', '=', None), ('due_date', '<=', warning)],
                    ],
                ('deadline_paused_since', '=', None)],
            'ok': [('due_date', '>=', today),
                ['OR',
                    ('warning_date', '>', today),
                    [('warning_date', '=', None), ('due_date', '>', warning)],
                    ],
                ('deadline_paused_since', '=', None)],
            'paused': [('deadline_paused_since', '!=', None)],
            }
        return selection_domain(clause,
            {k: running + d for k, d in by_state.items()})

    @classmethod
    def order_deadline_state(cls, tables):
        "Order by urgency: overdue, due soon, on time, paused, none"
        table, _ = tables[None]
        _, state = cls._deadline_columns(table)
        return [Case(
                (state == 'overdue', 1),
                (state == 'warning', 2),
                (state == 'ok', 3),
                (state == 'paused', 4),
                else_=5)]

    @classmethod
    def order_days_left(cls, tables):
        table, _ = tables[None]
        days_left, _ = cls._deadline_columns(table)
        return [days_left]

    @classmethod
    def pause_deadline(cls, records):
        today = cls._deadline_today()
        for record in records:
            if record.deadline_paused_since:
                raise DeadlineError(gettext(
                        'kz_base.msg_deadline_already_paused',
                        record=record.rec_name))
        cls.write(list(records), {'deadline_paused_since': today})

    @classmethod
    def resume_deadline(cls, records):
        today = cls._deadline_today()
        for record in records:
            if not record.deadline_paused_since:
                raise DeadlineError(gettext(
                        'kz_base.msg_deadline_not_paused',
                        record=record.rec_name))
        to_write = []
        for record in records:
            paused = (today - record.deadline_paused_since).days
            to_write.extend([[record], {
                        'deadline_paused_since': None,
                        'deadline_paused_days': (
                            (record.deadline_paused_days or 0) + paused),
                        }])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def check_deadlines(cls):
        "Flag overdue records, send reminders and escalations once each"
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        config = Configuration(1)
        today = cls._deadline_today()
        running = cls._deadline_running_domain() + [
            ('deadline_paused_since', '=', None)]
        # A due date moved to the future clears the flags
        cls.write(cls.search([
                    ('overdue', '=', True),
                    ('due_date', '>=', today),
                    ]) or [], {'overdue': False, 'deadline_escalated': False})
        late = cls.search(running + [
                ('due_date', '<', today),
                ('deadline_escalated', '=', False),
                ])
        for record in late:
            notify_users(record.get_deadline_escalation_recipients(),
                gettext('kz_base.msg_deadline_overdue_label',
                    record=record.rec_name),
                gettext('kz_base.msg_deadline_overdue_description',
                    record=record.rec_name, due_date=record.due_date),
                [record])
        if late:
            cls.write(late, {
                    'overdue': True,
                    'deadline_escalated': True,
                    'deadline_reminded': True,
                    })
        remind_until = today + dt.timedelta(days=config.reminder_days)
        soon = cls.search(running + [
                ('due_date', '>=', today),
                ('due_date', '<=', remind_until),
                ('deadline_reminded', '=', False),
                ])
        for record in soon:
            notify_users(record.get_deadline_recipients(),
                gettext('kz_base.msg_deadline_reminder_label',
                    record=record.rec_name),
                gettext('kz_base.msg_deadline_reminder_description',
                    record=record.rec_name, due_date=record.due_date),
                [record])
        if soon:
            cls.write(soon, {'deadline_reminded': True})
        return late, soon


class DeadlineWarning(ModelSQL, ModelView):
    """Deadline warning

    How many days before its due date a kind of deadline is due soon.
    Without a line, a share of the deadline's period is used (at most the
    configuration's warning days), so that a 5-day period is not due soon
    from its first day."""
    __name__ = 'kz.deadline.warning'
    __string__ = "Deadline Warning"
    model = fields.Selection('get_deadline_models', "Deadline",
        required=True)
    days = fields.Integer("Warning Days", required=True,
        domain=[('days', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('model_unique', Unique(t, t.model),
                'kz_base.msg_deadline_warning_unique'),
            ]

    @classmethod
    def get_deadline_models(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        Deadline = pool.get('kz.deadline')
        names = [k.__name__ for k in Deadline.deadline_models()]
        models = Model.search([('name', 'in', names)])
        return sorted(((m.name, m.string) for m in models),
            key=lambda m: m[1])

    @classmethod
    def warning_days(cls, model, period):
        "Return the warning days of the model's deadline of period days"
        Configuration = Pool().get('kz.configuration')
        lines = cls.search([('model', '=', model)], limit=1)
        if lines:
            return lines[0].days
        config = Configuration(1)
        if not period:
            # Anchored on its due date: no period to take a share of
            return config.warning_days
        share = config.warning_share if config.warning_share is not None \
            else 30
        return min(config.warning_days, math.ceil(period * share / 100))


class Deadline(Model):
    "Deadline checks of every model with a deadline"
    __name__ = 'kz.deadline'
    __string__ = "Deadline"

    @classmethod
    def deadline_models(cls):
        for _, klass in Pool().iterobject():
            if (issubclass(klass, DeadlineMixin)
                    and issubclass(klass, ModelSQL)
                    and not klass._is_table_query()):
                yield klass

    @classmethod
    def check_deadlines(cls):
        "Run the daily deadline check of every model with a deadline"
        for klass in cls.deadline_models():
            klass.check_deadlines()

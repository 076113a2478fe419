# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from functools import lru_cache

import holidays

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

from .exceptions import CalendarError

ONE_DAY = dt.timedelta(days=1)
# Bounds the day-by-day walk so that a calendar made of holidays only
# cannot loop forever.
MAX_WALK = 3660


@lru_cache(maxsize=64)
def _public_holidays(year):
    "Return public holidays and weekend working days of the KZ calendar"
    calendar = holidays.country_holidays('KZ', years=year)
    return (
        {d: n for d, n in calendar.items() if d.year == year},
        frozenset(d for d in getattr(calendar, 'weekend_workdays', ())
            if d.year == year))


class CalendarOverride(ModelSQL, ModelView):
    "Working calendar override"
    __name__ = 'kz.calendar.override'
    __string__ = "Working Calendar Override"
    _history = True
    date = fields.Date("Date", required=True)
    kind = fields.Selection([
            ('holiday', "Day off"),
            ('working_day', "Working day"),
            ], "Kind", required=True,
        help="A day off added to the calendar (e.g. a transferred day off "
        "decreed after the release of the holidays package) or a working "
        "day on a weekend or holiday.")
    name = fields.Char("Reason", translate=True)
    _year_cache = Cache('kz.calendar.override.year', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_unique', Unique(t, t.date),
                'kz_base.msg_calendar_override_date_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def default_kind(cls):
        return 'holiday'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._year_cache.clear()

    @classmethod
    def of_year(cls, year):
        "Return {date: kind} of the overrides in the year"
        overrides = cls._year_cache.get(year)
        if overrides is None:
            records = cls.search([
                    ('date', '>=', dt.date(year, 1, 1)),
                    ('date', '<=', dt.date(year, 12, 31)),
                    ])
            overrides = {r.date.isoformat(): r.kind for r in records}
            cls._year_cache.set(year, overrides)
        return {dt.date.fromisoformat(d): k for d, k in overrides.items()}


class Calendar(Model):
    "Kazakhstan working-day calendar"
    __name__ = 'kz.calendar'
    __string__ = "Working Calendar"

    @classmethod
    def holidays(cls, year):
        "Return {date: name} of the public holidays of the year"
        return dict(_public_holidays(year)[0])

    @classmethod
    def is_working_day(cls, date):
        Override = Pool().get('kz.calendar.override')
        override = Override.of_year(date.year).get(date)
        if override:
            return override == 'working_day'
        public, weekend_workdays = _public_holidays(date.year)
        if date in weekend_workdays:
            return True
        return date.weekday() < 5 and date not in public

    @classmethod
    def add_working_days(cls, date, days):
        """Return the date that is the days-th working day after date
        (before it when days is negative); days = 0 gives the date itself
        when it is a working day, else the next working day"""
        step = ONE_DAY if days >= 0 else -ONE_DAY
        remaining = abs(days)
        current = date
        if remaining == 0:
            return cls._walk_to_working_day(current, step)
        for _ in range(remaining * 7 + MAX_WALK):
            current += step
            if cls.is_working_day(current):
                remaining -= 1
                if not remaining:
                    return current
        raise CalendarError(gettext('kz_base.msg_calendar_no_working_day',
                date=date))

    @classmethod
    def _walk_to_working_day(cls, date, step):
        for _ in range(MAX_WALK):
            if cls.is_working_day(date):
                return date
            date += step
        raise CalendarError(gettext('kz_base.msg_calendar_no_working_day',
                date=date))

    @classmethod
    def working_days_between(cls, start, end):
        """Return the number of working days after start up to end
        (negative when end is before start)"""
        if end < start:
            return -cls.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if cls.is_working_day(current):
                count += 1
        return count

    @classmethod
    def add_calendar_days(cls, date, days):
        return date + dt.timedelta(days=days)

    @classmethod
    def add_days(cls, date, days, unit):
        "Add days counted in unit: 'working' or 'calendar'"
        if unit == 'working':
            return cls.add_working_days(date, days)
        return cls.add_calendar_days(date, days)

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

DEADLINE_SETTINGS = ['warning_days', 'colour_ok', 'colour_warning',
    'colour_overdue']


class Configuration(ModelSingleton, ModelSQL, ModelView):
    """Investment platform configuration

    Every addon adds its thresholds and deadlines here; the history keeps
    who changed which value and when."""
    __name__ = 'kz.configuration'
    __string__ = "Platform Configuration"
    _history = True
    # Every list with a deadline needs them: kept between calls
    _deadline_settings = Cache(
        'kz.configuration.deadline_settings', context=False)
    warning_days = fields.Integer(
        "Warning Days", required=True,
        domain=[('warning_days', '>=', 0)],
        help="The most days before its due date a deadline is shown in "
        "the warning colour (\"Due soon\"), unless its kind has its own "
        "warning days.")
    warning_share = fields.Integer(
        "Warning Share", required=True,
        domain=[('warning_share', '>=', 0), ('warning_share', '<=', 100)],
        help="The share of its period, in percent, during which a "
        "deadline is due soon: 30 % of a 5-working-day period is 3 days.")
    reminder_days = fields.Integer(
        "Reminder Days", required=True,
        domain=[('reminder_days', '>=', 0)],
        help="The responsible people are reminded this many days before "
        "a due date.")
    colour_overdue = fields.Char(
        "Overdue Colour", required=True,
        help="The colour of overdue deadlines, as a CSS colour.")
    colour_warning = fields.Char("Warning Colour", required=True)
    colour_ok = fields.Char("On-time Colour", required=True)
    audit_retention_days = fields.Integer(
        "Audit Trail Retention", required=True,
        domain=[('audit_retention_days', '>=', 0)],
        help="The days the audit trail keeps a change before the daily "
        "purge removes it; 0 keeps every change.")

    @classmethod
    def deadline_settings(cls):
        "Return the settings of the deadlines: warning days and colours"
        settings = cls._deadline_settings.get('settings')
        if settings is None:
            settings, = cls.read([1], DEADLINE_SETTINGS)
            settings = {n: settings[n] for n in DEADLINE_SETTINGS}
            cls._deadline_settings.set('settings', settings)
        return dict(settings)

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._deadline_settings.clear()

    @classmethod
    def default_warning_days(cls):
        return 10

    @classmethod
    def default_warning_share(cls):
        return 30

    @classmethod
    def default_reminder_days(cls):
        return 3

    @classmethod
    def default_colour_overdue(cls):
        return 'red'

    @classmethod
    def default_colour_warning(cls):
        return 'yellow'

    @classmethod
    def default_colour_ok(cls):
        return 'green'

    @classmethod
    def default_audit_retention_days(cls):
        # Ten years: the archival period of a project's files
        return 3650

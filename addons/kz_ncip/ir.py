# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ncip.project|exclude_expired',
                    "Exclude Projects at the End of Monitoring"),
                ('ncip.rating.snapshot|take_quarterly',
                    "Keep the Quarterly Regional Rating"),
                ('ncip.quarterly.report|create_quarterly',
                    "Open the Quarterly Reports"),
                ('ncip.monitoring.activity|plan',
                    "Plan the Monitoring Activities"),
                ('ncip.investment.programme.update|plan_quarterly',
                    "Plan the Country Programme Updates"),
                ])

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
                ('damu.bank.report|create_expected',
                    "Expect the Banks' Monthly Reports"),
                ('damu.guarantee.report.filing|create_expected',
                    "Expect the Guarantee Report (Annex 5)"),
                ('damu.monitoring|create_overdue_monitorings',
                    "Create Monitorings of Overdue Guarantees"),
                ('damu.notice|send_pending', "Send the Damu Notices"),
                ('damu.bank.report.upload|requeue_stalled',
                    "Queue Again the Annex 4 Uploads of Stopped Workers"),
                ])

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class MRP(metaclass=PoolMeta):
    __name__ = 'kz.mrp'

    @classmethod
    def mrp_changed(cls, years):
        "The projects of the years are recomputed in the queue (N§23)"
        Project = Pool().get('ncip.project')
        super().mrp_changed(years)
        if not years:
            return
        with without_check_access():
            projects = Project.search([
                    ['OR'] + [[
                            ('passport_date', '>=', dt.date(year, 1, 1)),
                            ('passport_date', '<=', dt.date(year, 12, 31)),
                            ] for year in sorted(years)],
                    ])
        Project.queue_recompute_thresholds(projects)

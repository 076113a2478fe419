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
        """A new, changed or deleted MRP decides the Task Force again for
        the national projects of its years (kz_ncip moves them between
        pools first)"""
        super().mrp_changed(years)
        cls._recompute_green_corridor(years)

    @classmethod
    def _recompute_green_corridor(cls, years):
        "Recompute the national projects whose passport is of the years"
        Project = Pool().get('ncip.project')
        if not years:
            return
        domain = [('pool', '=', 'national'), ['OR'] + [[
                    ('passport_date', '>=', dt.date(year, 1, 1)),
                    ('passport_date', '<=', dt.date(year, 12, 31)),
                    ] for year in sorted(years)]]
        with without_check_access():
            projects = Project.search(domain)
            if projects:
                Project.recompute_green_corridor(projects, reason='mrp')

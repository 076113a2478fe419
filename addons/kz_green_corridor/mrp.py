# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class MRP(metaclass=PoolMeta):
    __name__ = 'kz.mrp'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        """A new or changed MRP decides the Task Force again for the
        national projects of its year (kz_ncip moves them between pools
        first)"""
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'delete':
            # Recomputed once the records are gone (on_delete)
            return
        if mode == 'write' and field_names and 'year' in field_names:
            # The former year lost its MRP too
            years = None
        else:
            years = {r.year for r in records}
        cls._recompute_green_corridor(years)

    @classmethod
    def on_delete(cls, records):
        callbacks = super().on_delete(records)
        years = {r.year for r in records}
        callbacks.append(lambda: cls._recompute_green_corridor(years))
        return callbacks

    @classmethod
    def _recompute_green_corridor(cls, years):
        "Recompute the national projects whose passport is of the years"
        Project = Pool().get('ncip.project')
        if years is not None and not years:
            return
        domain = [('pool', '=', 'national')]
        if years is not None:
            domain.append(['OR'] + [[
                        ('passport_date', '>=', dt.date(year, 1, 1)),
                        ('passport_date', '<=', dt.date(year, 12, 31)),
                        ] for year in sorted(years)])
        with without_check_access():
            projects = Project.search(domain)
            if projects:
                Project.recompute_green_corridor(projects, reason='mrp')

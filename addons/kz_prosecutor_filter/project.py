# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Project(metaclass=PoolMeta):
    __name__ = 'ncip.project'
    restrictive_measures = fields.One2Many(
        'prosecutor.measure', 'project', "Restrictive Measures",
        readonly=True, filter=[('state', '=', 'approved')],
        help="The restrictive measures approved by the prosecutor's office "
        "and in effect.")

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool

from . import challenge, res

__all__ = ['register']


def register():
    Pool.register(
        challenge.Challenge,
        res.User,
        module='kz_eds', type_='model')

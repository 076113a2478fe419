# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool

from . import challenge, damu, res, signature

__all__ = ['register']


def register():
    Pool.register(
        challenge.Challenge,
        res.User,
        signature.Signature,
        module='kz_eds', type_='model')
    Pool.register(
        damu.Act,
        module='kz_eds', type_='model', depends=['kz_damu_monitoring'])

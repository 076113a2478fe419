# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from contextlib import contextmanager

from trytond.transaction import Transaction

# The transaction internals below are trytond 8.0's: Transaction.cache
# ({context key: {model: {id: values}}}), Transaction.counter (records
# instantiated before it changed read their fields again) and
# Transaction._atexit ([(func, args, kwargs)] run after the request).  They
# are reached only through these helpers, so an upgrade has one place to
# check.


def invalidate_records(model_name, ids=None):
    """Make the records of model_name (those of ids, or all) read from the
    database again in this transaction: after SQL that updated them in bulk,
    or a ModelSingleton write, whose cache trytond clears only after the
    write"""
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if model_name in cache:
            if ids is None:
                cache[model_name].clear()
            else:
                for id_ in ids:
                    cache[model_name].pop(id_, None)


@contextmanager
def without_atexit(func):
    """Drop the calls of func that code in the block queues to run after
    the request (e.g. trytond's sleep after a failed login)"""
    transaction = Transaction()
    queued = len(transaction._atexit)
    try:
        yield
    finally:
        transaction._atexit[queued:] = [
            entry for entry in transaction._atexit[queued:]
            if entry[0] is not func]


def rec_name_domain(clause, names):
    "Return a domain searching the clause's operand in each field of names"
    _, operator, operand, *extra = clause
    if operator.startswith('!') or operator.startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [(n, operator, operand, *extra) for n in names]


def selection_domain(clause, domains):
    """Return the domain of a searcher of a computed selection: domains
    gives the domain of each value; '=', '!=', 'in' and 'not in'"""
    _, operator, value = clause[:3]
    values = value if operator in {'in', 'not in'} else [value]
    domain = ['OR'] + [domains[v] for v in values if v in domains]
    if len(domain) == 1:
        domain = [('id', '=', -1)]
    if operator in {'!=', 'not in'}:
        return ['NOT', domain]
    return domain


def not_in_groups(*xml_ids):
    """PYSON true when the user is in none of the kz_base groups: the
    fields only these roles fill are read-only for the others, in the
    client and, through the guard, on the server"""
    from trytond.pyson import Eval, Id, Or
    groups = Eval('context', {}).get('groups', [])
    return ~Or(*(Id('kz_base', x).in_(groups) for x in xml_ids)) \
        if len(xml_ids) > 1 else ~Id('kz_base', xml_ids[0]).in_(groups)

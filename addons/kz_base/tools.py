# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.


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

# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who: the one place that answers "which users" and "may this user act
for this organisation".

Every addon asks here, so that a notification, an escalation and a
competence check mean the same people everywhere.  The lookups run without
access checks: they choose recipients, they do not show records.

- "The authorized body" is the organisation of kind ``authorized_body``
  (users_of_kind('authorized_body')), never a group.
- A user acts for his organisation and, through it, for every organisation
  below it; root and the platform administrators act for every one."""
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access


def users_of(organizations, children=False):
    """Return the active users of the organisations (and of their
    sub-organisations with children)"""
    pool = Pool()
    User = pool.get('res.user')
    Organization = pool.get('kz.organization')
    ids = sorted({o.id for o in organizations if o})
    if not ids:
        return []
    with without_check_access():
        if children:
            ids = [o.id for o in Organization.search([
                        ('parent', 'child_of', ids),
                        ])]
        return User.search([('kz_organization', 'in', ids)])


def users_of_kind(kind, region=None):
    "Return the active users of the organisations of the kind (and region)"
    Organization = Pool().get('kz.organization')
    domain = [('kind', '=', kind)]
    if region:
        domain.append(('region', '=', region.id))
    with without_check_access():
        return users_of(Organization.search(domain))


def users_of_role(module, xml_id, region=None):
    """Return the active users of the group module.xml_id (directly or by a
    role), of the organisations of the region when given"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    domain = [('groups', '=', ModelData.get_id(module, xml_id))]
    if region:
        domain.append(('kz_organization.region', '=', region.id))
    with without_check_access():
        return User.search(domain)


def user_organization(user=None):
    "Return the organisation of the user (the current one by default)"
    User = Pool().get('res.user')
    if user is None:
        user_id = Transaction().user
        if not user_id:
            return None
        user = User(user_id)
    with without_check_access():
        return User(user.id).kz_organization


def user_organization_id(user=None):
    "Return the id of the organisation of the user, or None (for defaults)"
    organization = user_organization(user)
    return organization.id if organization else None


def acts_for(organization, user=None):
    """Whether the user (the current one by default) acts for the
    organisation: it is his organisation or one below it; root and the
    platform administrators act for every organisation"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if user is None:
        if not Transaction().user:
            return True
        admin = ModelData.get_id('kz_base', 'group_kz_admin')
        if admin in User.get_groups():
            return True
    mine = user_organization(user)
    current = organization
    while current and mine:
        if current == mine:
            return True
        current = current.parent
    return False

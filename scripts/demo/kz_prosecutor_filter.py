# This file is part of the KZ Investment Platform.
"""Prosecutor filter demo: a permit suspension drafted by the akimat of
Astana waits for the prosecutor's office of Astana (prosecutor.astana); a
lawsuit of the ministry waits for the General Prosecutor's office
(genprosecutor)."""
from decimal import Decimal

from proteus import Model

ASTANA = '710000000'


def is_loaded():
    Measure = Model.get('prosecutor.measure')
    return bool(Measure.find([]))


def load(password):
    Region = Model.get('kz.region')
    Organization = Model.get('kz.organization')
    Party = Model.get('party.party')
    Project = Model.get('ncip.project')
    Measure = Model.get('prosecutor.measure')

    astana, = Region.find([('code', '=', ASTANA)])
    akimat, = Organization.find([
            ('kind', '=', 'akimat'), ('region', '=', astana.id)], limit=1)
    ministry, = Organization.find([
            ('kind', '=', 'central_state_body')], limit=1)
    investor = Party(name="Astana Polymer LLP")
    investor.save()
    project = Project(
        name="Polypropylene film plant", investor=investor, region=astana,
        cost=Decimal('3500000000'))
    project.save()

    suspension = Measure(
        kind='permit_suspension', issuer=akimat, investor=investor,
        project=project, region=astana,
        legal_grounds="Law on Permits and Notifications, art. 45: the "
        "emission permit is suspended after an inspection.")
    suspension.save()
    suspension.click('submit')

    lawsuit = Measure(
        kind='lawsuit', issuer=ministry, investor=investor, project=project,
        region=astana,
        legal_grounds="Civil Code, art. 401: termination of the land lease "
        "for non-use.")
    lawsuit.save()
    lawsuit.click('submit')

    # A quasi-state entity owned by a central body issues measures too
    # (N§57): routed to the General Prosecutor's office
    railway = Organization(name="National railway company JSC",
        kind='quasi_state', parent=ministry)
    railway.save()
    termination = Measure(
        kind='contract_termination', issuer=railway, investor=investor,
        project=project, region=astana,
        legal_grounds="Civil Code, art. 404: termination of the siding "
        "access contract.")
    termination.save()
    termination.click('submit')

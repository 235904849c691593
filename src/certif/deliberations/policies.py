"""Who governs a jury, and who decides.

- Opening a deliberation or an amendment, and publishing: gestionnaires (the certifier).
- The composition (members, presence, recusals): gestionnaires, and the president seated on
  that jury — nobody else, whatever their role elsewhere.
- The jury's acts (confirming every proposal, closing): the president seated and present.
- Deciding on a candidate: a member seated on that jury with their account, present, neither
  recused for that candidate nor linked to them.
- Recusing: whoever governs the jury, or the member themselves.
- Lifting a recusal: a gestionnaire, or the seated president when the recusal is not hers.
- Reading a deliberation: gestionnaires, and the people seated on that jury.

Predicates only: the services check them (``certif.core.policies.require``), the pages and the
API use them to show what a person may do.
"""

from __future__ import annotations

from typing import Any

from certif.accounts.models import ConflictOfInterest
from certif.candidates.models import Candidate
from certif.core.roles import JURY, Role, has_role
from certif.deliberations.models import Deliberation, JuryMember, MemberRole, Recusal

OPEN_REFUSED = "Seul un gestionnaire ouvre une délibération ou un acte modificatif."
PUBLISH_REFUSED = "Seul un gestionnaire publie les résultats d'une délibération close."
GOVERN_REFUSED = (
    "Seuls les gestionnaires et le président ou la présidente qui siège dans ce jury en "
    "règlent la composition, les présences et les récusations."
)
PRESIDE_REFUSED = (
    "Seul le président ou la présidente qui siège dans ce jury, présent(e), accomplit cet "
    "acte du jury."
)
DECIDE_REFUSED = (
    "Seuls les membres de ce jury qui y siègent avec leur compte, présents, peuvent prendre "
    "une décision."
)
RECUSE_REFUSED = (
    "Une récusation est enregistrée par un gestionnaire, par le président ou la présidente qui "
    "siège dans ce jury, ou par le membre lui-même."
)
LIFT_REFUSED = (
    "Une récusation est levée par un gestionnaire, ou par le président ou la présidente du "
    "jury quand ce n'est pas la sienne."
)
READ_REFUSED = "Seuls les gestionnaires et les membres de ce jury voient cette délibération."


def seat_of(user: Any, deliberation: Deliberation) -> JuryMember | None:
    """The person's seat on this jury (with their account), if they have one."""
    if getattr(user, "pk", None) is None:
        return None
    return (
        JuryMember.objects.filter(deliberation=deliberation, user_id=user.pk)
        .select_related("user")
        .first()
    )


def is_seated_president(user: Any, deliberation: Deliberation) -> bool:
    """The president of this jury, seated with their account and present."""
    seat = seat_of(user, deliberation)
    return (
        seat is not None
        and seat.role == MemberRole.PRESIDENT
        and seat.present
        and has_role(user, Role.JURY_PRESIDENT)
    )


def may_open(user: Any) -> bool:
    return has_role(user, Role.STAFF)


def may_publish(user: Any) -> bool:
    return has_role(user, Role.STAFF)


def may_govern(user: Any, deliberation: Deliberation) -> bool:
    """Members, presence and recusals of this jury."""
    return has_role(user, Role.STAFF) or is_seated_president(user, deliberation)


def may_recuse(user: Any, member: JuryMember) -> bool:
    """A recusal is recorded by whoever governs the jury, or by the member themselves."""
    return may_govern(user, member.deliberation) or (
        member.user_id is not None and member.user_id == getattr(user, "pk", None)
    )


def may_preside(user: Any, deliberation: Deliberation) -> bool:
    """The jury's own acts: confirming every proposal, closing."""
    return is_seated_president(user, deliberation)


def may_sit(user: Any, deliberation: Deliberation) -> bool:
    """Seated on this jury with their account, present, with a jury role."""
    seat = seat_of(user, deliberation)
    return seat is not None and seat.present and has_role(user, *JURY)


def is_recused(seat: JuryMember, candidate: Candidate) -> bool:
    return Recusal.objects.filter(member=seat, candidate=candidate).exists()


def is_linked(user: Any, candidate: Candidate) -> bool:
    return ConflictOfInterest.objects.filter(user_id=user.pk, candidate=candidate).exists()


def may_decide(user: Any, deliberation: Deliberation, candidate: Candidate) -> bool:
    """Seated and present, neither recused for the candidate nor linked to them."""
    seat = seat_of(user, deliberation)
    return (
        seat is not None
        and seat.present
        and has_role(user, *JURY)
        and not is_recused(seat, candidate)
        and not is_linked(user, candidate)
    )


def may_lift(user: Any, recusal: Recusal) -> bool:
    """A gestionnaire, or the seated president when the recusal is not hers."""
    if has_role(user, Role.STAFF):
        return True
    deliberation = recusal.member.deliberation
    return is_seated_president(user, deliberation) and recusal.member.user_id != user.pk


def may_read(user: Any, deliberation: Deliberation) -> bool:
    return has_role(user, Role.STAFF) or seat_of(user, deliberation) is not None


def readable(user: Any) -> Any:
    """The deliberations a person may read: all for gestionnaires, else those they sit on."""
    found = Deliberation.objects.all()
    if has_role(user, Role.STAFF):
        return found
    if getattr(user, "pk", None) is None:
        return found.none()
    return found.filter(members__user_id=user.pk).distinct()

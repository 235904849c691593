"""Two sessions through the API alone: a June jury validates a block by override, a retake in
December scores lower, the December jury finds the block acquired; the results say who decided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.domain.referential.schema import Referential
from certif.sessions.models import ExamSession
from tests.support.api import Api, problem
from tests.support.builders import score_rows
from tests.support.deliberations import (
    DECEMBER,
    DECEMBER_DAYS,
    SESSION,
    SESSION_DAYS,
    held,
    import_rows,
    on,
    threshold,
)

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Dossier solide, note limite : le jury valide le bloc."


def act(
    staff_api: Api,
    president_api: Api,
    member_api: Api,
    code: str,
    day: str,
    members: tuple[AbstractUser, AbstractUser],
) -> int:
    """Open the session's deliberation and seat its jury, through the API; its id."""
    opened = staff_api.post(f"/sessions/{code}/deliberations", {"date": day})
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    president, member = members
    for user, role in ((president, "president"), (member, "member")):
        seated = staff_api.post(
            f"/deliberations/{pk}/members",
            {
                "full_name": user.get_username(),
                "role": role,
                "affiliation": "external",
                "account": user.get_username(),
            },
        )
        assert seated.status_code == 201, seated.content
    return int(pk)


def test_a_block_a_june_jury_validated_is_acquired_in_december_and_said_so_by_the_results(
    ccab: Referential,
    candidates: list[Candidate],
    tmp_path: Path,
    api_as_user: Callable[[AbstractUser], Api],
    staff_api: Api,
    president: AbstractUser,
    member: AbstractUser,
) -> None:
    below = threshold(ccab, "B1") - 1
    import_rows(tmp_path, score_rows(ccab, "C002", "B1", below), "juin.csv")
    june = held(SESSION, *SESSION_DAYS)
    presiding, juror = api_as_user(president), api_as_user(member)
    first_day = (june.end_date + timedelta(days=1)).isoformat()
    june_act = act(staff_api, presiding, juror, SESSION, first_day, (president, member))

    overridden = juror.post(
        f"/deliberations/{june_act}/candidates/C002/decisions/B1/override",
        {"status": "validated", "justification": JUSTIFICATION},
    )
    assert overridden.json()["resolution"] == "overridden"
    assert presiding.post(f"/deliberations/{june_act}/confirm-all").status_code == 200
    assert presiding.post(f"/deliberations/{june_act}/close").json()["status"] == "closed"

    # December: a retake of B1, lower still, and B2.
    retake = score_rows(ccab, "C002", "B1", below - 2, session=DECEMBER)
    retake += score_rows(ccab, "C002", "B2", threshold(ccab, "B2") + 2, session=DECEMBER)
    import_rows(tmp_path, retake, "decembre.csv")
    december = held(DECEMBER, *DECEMBER_DAYS)
    assert isinstance(december, ExamSession)
    jury_day = december.end_date + timedelta(days=1)
    with on(jury_day):
        december_act = act(
            staff_api, presiding, juror, DECEMBER, jury_day.isoformat(), (president, member)
        )
        rows = staff_api.get(f"/deliberations/{december_act}/decisions").json()["items"]
        b1 = next(d for d in rows[0]["decisions"] if d["unit"] == "B1")
        refused = juror.post(
            f"/deliberations/{december_act}/candidates/C002/decisions/B1/override",
            {"status": "not_validated", "justification": "Le jury de décembre revient dessus."},
        )
        presiding.post(f"/deliberations/{december_act}/confirm-all")
        assert presiding.post(f"/deliberations/{december_act}/close").status_code == 200
    result = staff_api.get("/candidates/C002/result").json()
    blocks = {block["code"]: block for block in result["blocks"]}

    assert (b1["resolution"], b1["status"]) == ("acquired", "validated")
    assert b1["acquired_from"] == {"session": SESSION, "number": 1, "date": first_day}
    assert refused.status_code == 409
    assert "acquis à vie" in problem(refused)["detail"]
    assert (blocks["B1"]["status"], blocks["B1"]["source"]) == ("validated", "jury")
    assert blocks["B1"]["deliberation"]["session"] == SESSION
    assert (blocks["B2"]["status"], blocks["B2"]["source"]) == ("validated", "jury")
    assert blocks["B2"]["deliberation"]["session"] == DECEMBER
    assert (blocks["B3"]["status"], blocks["B3"]["source"]) == ("not_assessed", "engine")

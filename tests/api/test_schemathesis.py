"""Every operation of the OpenAPI schema, driven by schemathesis in-process: no server error,
and every answer (status, content type, headers, body) as the schema documents it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from certif.core.roles import Role
from tests.support.api import Api

pytestmark = pytest.mark.django_db

# A deposit's body is the PDF itself: schemathesis has no serializer for it, so it is given raw
# bytes, some of them starting as a PDF does (each refused as not a valid PDF, never a 500).
schemathesis.openapi.media_type(
    "application/pdf",
    st.one_of(
        st.binary(max_size=256), st.binary(max_size=256).map(lambda tail: b"%PDF-1.7\n" + tail)
    ),
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """The application is called as a server calls it, and a server closes the connection
    after each request: that would end the test's transaction (on PostgreSQL). Django's own
    test client keeps it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_schema_says(
    session: Any, api_for: Any, mode: GenerationMode
) -> None:
    staff: Api = api_for(Role.STAFF)
    headers = {"Authorization": f"Bearer {staff.token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS
    assert len(operations) > 30
    for operation in operations:

        @EXAMPLES
        @given(case=operation.as_strategy(mode))
        def answers_as_documented(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        answers_as_documented()


NO_SERVER_ERROR = settings(EXAMPLES, max_examples=4)


@pytest.mark.usefixtures("connection_kept")
@pytest.mark.parametrize(
    "role", [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]
)
def test_no_operation_answers_a_server_error_whatever_the_role(
    session: Any, api_for: Any, role: Role
) -> None:
    """Every other role's token against every operation, hostile values included (negative
    mode): refusals (401, 403, 404, 422…), never a 500."""
    api: Api = api_for(role)
    headers = {"Authorization": f"Bearer {api.token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @NO_SERVER_ERROR
            @given(case=operation.as_strategy(mode))
            def answers_without_error(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            answers_without_error()

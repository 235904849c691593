"""The kinds of audit events every app shares."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

# A person asked for something a policy does not allow them: the journal keeps who, what and
# the message they were given (``certif.core.policies.require``).
REFUSED = action("access.refused", _("Action refusée"))

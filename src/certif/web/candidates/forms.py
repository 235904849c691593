"""Forms of the candidates' pages: the search, the identity, a link of interest.

The identity checks are the import's (``certif.imports.candidates``): a candidate typed
in a form and one read from a file meet the same rules.
"""

from __future__ import annotations

YES, NO = "oui", "non"

"""Partners (organismes habilités) and their habilitations under decree 2025-500 of 6 June 2025.

Pure Python, no Django: the identifiers a partner is known by (``siret``, ``registrations``),
the partner itself (``partner``), the habilitation, its life cycle and what it covers
(``habilitations``), and the list the certifier owes France compétences with its two-month rule
(``declaration``). ``docs/partners.md`` explains the rules to a certifier's staff.
"""
